"""The agreement page and its chart: the reliability figures per criterion, group and overall,
the coder pairs, the stage judgments and the coder diagnostics.

Admins and reviewers only (the "review" need): the figures are computed from every coder's
codes. They come from ``cases.review.reliability``, cached until anything they read changes;
this module shapes them for the page.
"""

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from cases.access import get_project_for
from cases.codebooks.snapshots import version_numbers
from cases.lib.cache import CACHE_SECONDS, fingerprint_once
from cases.lib.figure_recipes import AGREEMENT_DRAWS, AGREEMENT_SEED
from cases.lib.fresh_figures import Figures, figures_for
from cases.models import Criterion
from cases.review.reliability import TENTATIVE
from cases.web.forms.review import ReviewFilterForm, filter_query
from cases.web.views.figures import figures_image

DRAWS, SEED = AGREEMENT_DRAWS, AGREEMENT_SEED

# Counted up when _agreement_figures.html changes, so tables rendered by earlier code are not
# served (2: undefined figures' reasons in the reader's language).
TABLES_VERSION = 2


def _figures(project, dyad, pair, codebook_version: int | None = None) -> Figures:
    """Every figure of the agreement page: current, or the newest computed while a background
    task brings them up to date (``cases.lib.fresh_figures``)."""
    return figures_for("review-agreement", project, _spec(dyad, pair, codebook_version))


def _spec(dyad, pair, codebook_version: int | None) -> dict:
    """The recipe's spec of the page's figures and of its chart."""
    return {
        "dyad": dyad.code if dyad else None,
        "pair": list(pair) if pair else None,
        "codebook_version": codebook_version,
    }


def _filter_form(request: HttpRequest, project) -> ReviewFilterForm:
    """The filter bar, its coder pairs made of the coders with submitted items kept as figures
    (the newest, while they are recomputed). A pair asked for while they are recomputed is
    checked against the data as they are: its coders may have just submitted their first."""
    coders = figures_for("submitted-coders", project, {})
    known = coders.value if coders.current or not request.GET.get("pair") else None
    return ReviewFilterForm(request.GET, project=project, coders=known)


def _codebook_version(request: HttpRequest, project) -> tuple[int | None, list[int], str]:
    """The codebook version asked for (``?codebook_version=``), the versions there are, and
    what is wrong with the request, if anything (the figures then cover the current criteria)."""
    known = version_numbers(project.codebook_id)
    raw = request.GET.get("codebook_version", "").strip()
    if not raw:
        return None, known, ""
    if raw.isdigit() and int(raw) in known:
        return int(raw), known, ""
    return None, known, f"codebook_version: no version {raw}; showing the current criteria."


# --- figures as text -----------------------------------------------------------------------


def _three(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.3f}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _shown(row: dict) -> dict:
    """A figures row with display strings, and whether it falls below .667."""
    return {
        **row,
        "alpha_text": _three(row["alpha"]),
        "pa_text": _three(row["percent_agreement"]),
        "ac1_text": _three(row["ac1"]),
        "ci_text": (
            f"[{row['ci_low']:.2f}, {row['ci_high']:.2f}]" if row["ci_low"] is not None else ""
        ),
        "low": row["alpha"] is not None and row["alpha"] < TENTATIVE,
    }


def _paired(rows: list[dict]) -> list[dict]:
    """Application and value rows side by side, one line per criterion, group or overall."""
    lines: dict[tuple, dict] = {}
    for row in rows:
        line = lines.setdefault(
            (row["scope"], row["framework"], row["key"]),
            {k: row[k] for k in ("scope", "key", "framework", "group")},
        )
        line[row["measure"]] = _shown(row)
    for line in lines.values():
        line["low"] = line["application"]["low"] or line["value"]["low"]
    return list(lines.values())


# --- the criteria table, sortable by any column ------------------------------------------

SORTS = {
    "code": lambda line: line["order"],
    "app_n": lambda line: line["application"]["n_units"],
    "app_alpha": lambda line: line["application"]["alpha"],
    "app_pa": lambda line: line["application"]["percent_agreement"],
    "app_ac1": lambda line: line["application"]["ac1"],
    "value_n": lambda line: line["value"]["n_units"],
    "value_alpha": lambda line: line["value"]["alpha"],
    "value_pa": lambda line: line["value"]["percent_agreement"],
}


def _sorted(lines: list[dict], sort: str) -> tuple[list[dict], str]:
    """Sort by a column; "-column" descends. Undefined figures always go last."""
    name = sort.lstrip("-")
    if name not in SORTS:
        return lines, "code"
    descending = sort.startswith("-")
    known = [line for line in lines if SORTS[name](line) is not None]
    unknown = [line for line in lines if SORTS[name](line) is None]
    known.sort(key=SORTS[name], reverse=descending)
    return known + unknown, sort


def _sort_links(filters: dict, sort: str) -> dict[str, dict]:
    """Per column: the link that sorts by it (again: reversed) and the arrow shown now.
    Figures sort lowest first, so the weakest criteria come to the top."""
    links = {}
    for name in SORTS:
        if sort == name:
            target, mark = f"-{name}", "▲"
        elif sort == f"-{name}":
            target, mark = name, "▼"
        else:
            target, mark = name, ""
        query = filter_query(filters, sort=target, codebook_version=filters.get("codebook_version"))
        links[name] = {"href": "?" + query, "mark": mark}
    return links


# --- coder pairs and coder diagnostics -----------------------------------------------------


def _diagnostics(left_out: dict, against: list[dict]) -> dict:
    """The coder diagnostics with display strings."""
    lines = []
    for line in left_out["coders"]:
        shown = {"coder": line["coder"]}
        for measure in ("application", "value"):
            figures = line[measure]
            shown[measure] = {
                **figures,
                "text": _three(figures["alpha"]),
                "change_text": _signed(figures["change"]),
            }
        lines.append(shown)
    everyone = left_out["all"]
    if everyone is not None:
        everyone = {m: {**f, "text": _three(f["alpha"])} for m, f in everyone.items()}
    return {
        "left_out": {**left_out, "all": everyone, "coders": lines},
        "against_consensus": [
            {
                **line,
                "pa_text": _percent(line["percent_agreement"]),
                "kappa_text": _three(line["cohen_kappa"]),
            }
            for line in against
        ],
    }


def _kappa_matrix(kappas: list[dict]) -> tuple[list[str], list[dict]]:
    """The upper triangle of the coder-pair matrix: a line per coder but the last, a column
    per coder but the first, empty below the diagonal."""
    coders = sorted({k["coder_a"] for k in kappas} | {k["coder_b"] for k in kappas})
    by_pair = {(k["coder_a"], k["coder_b"]): k for k in kappas}
    lines = []
    for a in coders[:-1]:
        cells = []
        for b in coders[1:]:
            found = by_pair.get((a, b))
            cells.append({**found, "text": _three(found["cohen_kappa"])} if found else None)
        lines.append({"coder": a, "cells": cells})
    return coders[1:], lines


# --- the pages -----------------------------------------------------------------------------


@login_required
@fingerprint_once
def agreement(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="review")
    form = _filter_form(request, project)
    filters = form.filters()
    version, versions, version_problem = _codebook_version(request, project)
    filters["codebook_version"] = version
    fresh = _figures(project, filters["dyad"], filters["pair"], version)
    query = filter_query(filters, codebook_version=version)
    names = dict(
        Criterion.objects.filter(codebook_id=project.codebook_id).values_list("code", "name")
    )
    sort = request.GET.get("sort", "code")
    # Rendering the tables of a large codebook costs more than the rest of the page: they are
    # rendered once per version of the figures and way of reading them, and kept.
    key = "agreement-html:" + _digest(
        [
            TABLES_VERSION,
            project.pk,
            project.slug,
            fresh.page,
            fresh.computed_at,
            query,
            sort,
            sorted(names.items()),
        ]
    )
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "cases/review/_agreement_figures.html",
            {
                "project": project,
                "filters": filters,
                "query": query,
                "draws": DRAWS,
                "seed": SEED,
                **_shaped(fresh.value, filters, names, sort),
            },
        )
        cache.set(key, html, CACHE_SECONDS)
    return render(
        request,
        "cases/review/agreement.html",
        {
            "project": project,
            "membership": membership,
            "filters": filters,
            "problems": [*form.problems(), *([version_problem] if version_problem else [])],
            "codebook_version": version,
            "codebook_versions": versions,
            "query": query,
            # Our own template's output, escaped as it was rendered.
            "figures_html": mark_safe(html),
            "figures": fresh,
        },
    )


def _digest(parts: list) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _shaped(figures: dict, filters: dict, names: dict, sort: str) -> dict:
    """The figures as the page's tables show them, sorted by ``sort``."""
    lines = _paired(figures["rows"])
    criteria = [line for line in lines if line["scope"] == "criterion"]
    for order, line in enumerate(criteria):
        line["order"], line["name"] = order, names.get(line["key"], "")
        line["queue"] = filter_query(filters, criterion=line["key"])
    criteria, sort = _sorted(criteria, sort)
    kappa_coders, kappa_lines = _kappa_matrix(figures["kappas"])
    return {
        "criteria": criteria,
        "low_count": sum(1 for line in criteria if line["low"]),
        "groups": [line for line in lines if line["scope"] == "group"],
        "overall": next(line for line in lines if line["scope"] == "overall"),
        "sort": sort,
        "sort_links": _sort_links(filters, sort),
        "kappa_coders": kappa_coders,
        "kappas": kappa_lines,
        "stages": {**figures["stages"], "text": _three(figures["stages"]["alpha_ordinal"])},
        "diagnostics": _diagnostics(figures["left_out"], figures["against_consensus"]),
    }


@login_required
@fingerprint_once
def chart(request: HttpRequest, slug: str) -> HttpResponse:
    """The chart of the page's figures, drawn once per version of them: current, or the newest
    drawn while the figures are brought up to date (its headers say which)."""
    project, membership = get_project_for(request.user, slug, need="review")
    filters = _filter_form(request, project).filters()
    version = _codebook_version(request, project)[0]
    return figures_image(
        figures_for(
            "review-agreement-chart", project, _spec(filters["dyad"], filters["pair"], version)
        )
    )
