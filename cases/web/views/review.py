"""Review pages: agreement figures, the disagreement queue, adjudication, period overrides.

Admins and reviewers only (the "review" need): coders must never learn another coder's codes,
and observers read the consensus, not the raw codings behind it. The figures come from
``cases.review.reliability`` and the writes from ``cases.review.adjudication``; this module
parses requests and shapes pages.
"""

import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.access import get_project_for
from cases.classification.inputs import build_inputs, carry_forward_codes, find_dyads
from cases.classification.rule import classify
from cases.coding.actions import StaleWrite
from cases.lib import limits
from cases.lib.cache import cached_for_project
from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Criterion,
    Dyad,
    Evidence,
    Period,
    PeriodOverride,
)
from cases.review import adjudication
from cases.review.adjudication import AdjudicationRefused
from cases.review.reliability import FIGURES_VERSION, TENTATIVE, agreement_figures
from cases.sources.citations import format_item_citation

DRAWS, SEED = 1000, 1  # the page's bootstrap: fast, and the same figures on every visit
PAGE_SIZE = 25
STALE_DECISION = (
    "Someone changed this item's consensus since this page loaded, so your decision was not "
    "recorded. The page now shows the current state; check it and decide again."
)


def _three(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


# --- filters shared by the pages -----------------------------------------------------------


def _coders_with_submissions(project) -> list[str]:
    return sorted(
        set(
            Assignment.objects.filter(
                evidence__project=project, status=Assignment.Status.SUBMITTED
            ).values_list("coder__username", flat=True)
        )
    )


def _read_filters(request, project, *, with_items: bool = False) -> tuple[dict, list[str]]:
    """The filters of the query string, checked; a bad one is dropped with a message."""
    found: dict = {}
    problems = []
    dyads = list(Dyad.objects.filter(project=project).order_by("code"))
    coders = _coders_with_submissions(project)
    found["dyads"], found["coders"] = dyads, coders
    found["pairs"] = [
        (f"{a},{b}", f"{a} & {b}") for i, a in enumerate(coders) for b in coders[i + 1 :]
    ]
    code = request.GET.get("dyad", "")
    found["dyad"] = next((d for d in dyads if d.code == code), None)
    if code and found["dyad"] is None:
        problems.append(f"dyad: this project has no dyad {code}.")
    pair = request.GET.get("pair", "")
    found["pair"] = None
    if pair:
        if pair in dict(found["pairs"]):
            found["pair"] = tuple(pair.split(","))
        else:
            problems.append(f"pair: {pair} is not two coders with submitted items.")
    if with_items:
        periods = Period.objects.filter(dyad__project=project).select_related("dyad")
        found["periods"] = list(periods.order_by("dyad__code", "start_year"))
        found["criteria"] = list(
            Criterion.objects.filter(codebook_id=project.codebook_id).order_by("order", "code")
        )
        raw = request.GET.get("period", "")
        found["period"] = next((p for p in found["periods"] if str(p.pk) == raw), None)
        if raw and found["period"] is None:
            problems.append("period: no such period in this project.")
        raw = request.GET.get("criterion", "")
        found["criterion"] = raw if any(c.code == raw for c in found["criteria"]) else None
        if raw and found["criterion"] is None:
            problems.append(f"criterion: the codebook has no criterion {raw}.")
        found["show"] = "decided" if request.GET.get("show") == "decided" else "awaiting"
    return found, problems


def _query(filters: dict, **extra) -> str:
    """The filters as a query string, for links that keep them."""
    params = {}
    if filters.get("dyad"):
        params["dyad"] = filters["dyad"].code
    if filters.get("period"):
        params["period"] = filters["period"].pk
    if filters.get("criterion"):
        params["criterion"] = filters["criterion"]
    if filters.get("pair"):
        params["pair"] = ",".join(filters["pair"])
    if filters.get("show") == "decided":
        params["show"] = "decided"
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return urlencode(params)


# --- agreement -----------------------------------------------------------------------------


def _figures(project, dyad, pair) -> dict:
    """Every figure of the agreement page, cached until anything they read changes."""
    return cached_for_project(
        "review-agreement",
        project,
        [
            dyad.code if dyad else "-",
            ",".join(pair) if pair else "-",
            f"{DRAWS}-{SEED}",
            FIGURES_VERSION,
        ],
        lambda: agreement_figures(project, dyad=dyad, coders=pair, draws=DRAWS, seed=SEED),
    )


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
        links[name] = {"href": "?" + _query(filters, sort=target), "mark": mark}
    return links


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.3f}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


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


@login_required
def agreement(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="review")
    filters, problems = _read_filters(request, project)
    figures = _figures(project, filters["dyad"], filters["pair"])
    lines = _paired(figures["rows"])
    names = dict(
        Criterion.objects.filter(codebook_id=project.codebook_id).values_list("code", "name")
    )
    criteria = [line for line in lines if line["scope"] == "criterion"]
    for order, line in enumerate(criteria):
        line["order"], line["name"] = order, names.get(line["key"], "")
        line["queue"] = _query(filters, criterion=line["key"])
    criteria, sort = _sorted(criteria, request.GET.get("sort", "code"))
    overall = next(line for line in lines if line["scope"] == "overall")
    kappa_coders, kappa_lines = _kappa_matrix(figures["kappas"])
    return render(
        request,
        "cases/review/agreement.html",
        {
            "project": project,
            "membership": membership,
            "filters": filters,
            "problems": problems,
            "query": _query(filters),
            "criteria": criteria,
            "low_count": sum(1 for line in criteria if line["low"]),
            "groups": [line for line in lines if line["scope"] == "group"],
            "overall": overall,
            "sort": sort,
            "sort_links": _sort_links(filters, sort),
            "kappa_coders": kappa_coders,
            "kappas": kappa_lines,
            "stages": {**figures["stages"], "text": _three(figures["stages"]["alpha_ordinal"])},
            "diagnostics": _diagnostics(figures["left_out"], figures["against_consensus"]),
            "draws": DRAWS,
            "seed": SEED,
        },
    )


@login_required
def agreement_chart(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="review")
    filters, problems = _read_filters(request, project)
    rows = _figures(project, filters["dyad"], filters["pair"])["rows"]
    return HttpResponse(_chart_svg(rows), content_type="image/svg+xml")


def _chart_svg(rows: list[dict]) -> bytes:
    """Alpha and its bootstrap interval per criterion, application and value, as an SVG.

    Deterministic (fixed hash salt, text as text, no date), so equal figures give equal bytes.
    """
    # matplotlib takes a second to import: only the chart pays for it, not every process start.
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    lines = [line for line in _paired(rows) if line["scope"] == "criterion"]
    n = max(len(lines), 1)
    settings = {"svg.hashsalt": "sccoder-agreement", "svg.fonttype": "none", "font.size": 8}
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(9.0, 0.24 * n + 1.3))
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        lows = [
            line[m]["ci_low"]
            for line in lines
            for m in ("application", "value")
            if line[m]["ci_low"] is not None
        ]
        left = max(-1.0, min([-0.1, *lows]) - 0.05)
        styles = {
            "application": {"color": "#2b5d8a", "marker": "o", "offset": 0.17},
            "value": {"color": "#b0701e", "marker": "D", "offset": -0.17},
        }
        for measure, style in styles.items():
            ys, xs, below, above = [], [], [], []
            for i, line in enumerate(lines):
                row = line[measure]
                if row["alpha"] is None:
                    continue
                ys.append(n - 1 - i + style["offset"])
                xs.append(row["alpha"])
                low = row["ci_low"] if row["ci_low"] is not None else row["alpha"]
                high = row["ci_high"] if row["ci_high"] is not None else row["alpha"]
                below.append(max(row["alpha"] - low, 0))
                above.append(max(high - row["alpha"], 0))
            label = f"{measure} ({'nominal' if measure == 'application' else 'ordinal'} α)"
            axes.errorbar(
                xs,
                ys,
                xerr=[below, above],
                fmt=style["marker"],
                color=style["color"],
                markersize=3.5,
                elinewidth=1,
                capsize=1.5,
                label=label,
            )
        # Krippendorff's readings as faint bands: not reliable, tentative, reliable.
        axes.axvspan(left, TENTATIVE, color="#fbe4e4", alpha=0.35, linewidth=0)
        axes.axvspan(TENTATIVE, 0.800, color="#fff4d6", alpha=0.6, linewidth=0)
        axes.axvspan(0.800, 1.04, color="#e3f1e6", alpha=0.5, linewidth=0)
        axes.axvline(TENTATIVE, color="#a12b2b", linestyle="--", linewidth=0.8)
        axes.axvline(0.800, color="#2f6b3a", linestyle="-", linewidth=0.8)
        axes.set_yticks(range(n))
        axes.set_yticklabels([line["key"] for line in reversed(lines)])
        axes.set_ylim(-0.7, n - 0.3)
        axes.set_xlim(left, 1.04)
        axes.set_xlabel("Krippendorff's α with 95% bootstrap interval; lines at .667 and .800")
        axes.grid(axis="y", color="#eeeeee", linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


# --- the disagreement queue ----------------------------------------------------------------


@login_required
def disagreements(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="review")
    filters, problems = _read_filters(request, project, with_items=True)
    queues = adjudication.disagreement_queues(
        project,
        dyad=filters["dyad"],
        period=filters["period"],
        criterion=filters["criterion"],
        pair=filters["pair"],
    )
    page = Paginator(queues[filters["show"]], PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/review/disagreements.html",
        {
            "project": project,
            "membership": membership,
            "filters": filters,
            "problems": problems,
            "counts": {name: len(items) for name, items in queues.items()},
            "page": page,
            "query": _query(filters),
            "awaiting_query": _query({**filters, "show": "awaiting"}),
            "decided_query": _query({**filters, "show": "decided"}),
        },
    )


# --- one item: adjudication ----------------------------------------------------------------


def _item_rows(item: Evidence, codes: list[str], posted: dict | None) -> tuple[list, list, list]:
    """Per criterion of the decision: each submitted coder's value and note, the consensus, and
    the value the picker starts on (what was posted, the current decision, or the coders'
    common value; nothing where they disagree, so the reviewer has to choose)."""
    assignments = list(
        Assignment.objects.filter(evidence=item).select_related("coder").order_by("coder__username")
    )
    submitted = [a.coder for a in assignments if a.status == Assignment.Status.SUBMITTED]
    waiting = [a.coder.username for a in assignments if a.status != Assignment.Status.SUBMITTED]
    codings = {
        (c.coder_id, c.criterion.code): c
        for c in Coding.objects.filter(evidence=item, coder__in=submitted).select_related(
            "criterion"
        )
    }
    decisions = {
        c.criterion.code: c
        for c in Consensus.objects.filter(evidence=item).select_related("criterion", "decided_by")
    }
    criteria = {
        c.code: c
        for c in Criterion.objects.filter(codebook_id=item.project.codebook_id, code__in=codes)
    }
    labels = {point.value: point.label for point in item.project.codebook.scale.all()}

    def shown(value):
        if value is None:
            return {"value": "–", "label": "not coded", "missing": True}
        return {"value": str(value), "label": labels.get(value, ""), "missing": False}

    rows = []
    for code in codes:
        codings_here = [codings.get((coder.pk, code)) for coder in submitted]
        given = {c.value if c else None for c in codings_here}
        decision = decisions.get(code)
        if posted is not None and code in posted:
            chosen = posted[code]
        elif decision is not None:
            chosen = "" if decision.value is None else str(decision.value)
        elif len(given) == 1:
            (common,) = given
            chosen = "" if common is None else str(common)
        else:
            chosen = None
        rows.append(
            {
                "code": code,
                "criterion": criteria.get(code),
                "cells": [
                    {**shown(c.value if c else None), "note": c.note if c else ""}
                    for c in codings_here
                ],
                "disputed": len(given) > 1,
                "decision": decision,
                "decision_shown": shown(decision.value) if decision else None,
                "version": decision.version if decision else 0,
                "chosen": chosen,
            }
        )
    rows.sort(key=lambda row: not row["disputed"])  # the disputes first
    return rows, [c.username for c in submitted], waiting


def _item_page(request, project, membership, item, *, posted=None, error="", status=200):
    codes = adjudication.decision_codes(item)
    rows, coders, waiting = _item_rows(item, codes, posted)
    history = (
        Consensus.history.filter(evidence=item)
        .select_related("decided_by", "criterion")
        .order_by("-history_date", "-history_id")[:60]
    )
    return render(
        request,
        "cases/review/item.html",
        {
            "project": project,
            "membership": membership,
            "item": item,
            "citation": format_item_citation(
                item.cited_sources(), item.cite, project.citation_style
            ),
            "rows": rows,
            "codes": codes,
            "coders": coders,
            "waiting": waiting,
            "scale": list(project.codebook.scale.all()),
            "history": history,
            "current_rationales": sorted(
                {row["decision"].rationale for row in rows if row["decision"]} - {""}
            ),
            "rationale": (posted or {}).get("rationale", ""),
            "error": error,
            "query": request.GET.urlencode(),
        },
        status=status,
    )


def _posted_decision(request) -> dict:
    """The picker values as posted: "" for "not coded", absent where nothing was chosen."""
    posted = {"rationale": request.POST.get("rationale", "")}
    for code in request.POST.getlist("codes"):
        raw = request.POST.get(f"value-{code}")
        if raw is not None:
            posted[code] = raw
    return posted


def _values(posted: dict, codes: list[str]) -> dict[str, int | None]:
    values = {}
    for code in codes:
        if code not in posted:
            continue
        raw = posted[code]
        try:
            values[code] = None if raw == "" else int(raw)
        except ValueError:
            raise AdjudicationRefused(f'{code}: "{raw}" is not a value on the scale.') from None
    return values


@login_required
@require_http_methods(["GET", "POST"])
def adjudicate_item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="review")
    item = get_object_or_404(
        Evidence.objects.select_related("dyad", "period", "source", "project"),
        project=project,
        pk=pk,
    )
    if request.method == "GET":
        return _item_page(request, project, membership, item)
    posted = _posted_decision(request)
    shown = request.POST.getlist("codes")
    if sorted(shown) != sorted(adjudication.decision_codes(item)):
        # A coder submitted or reopened since the page loaded: the decision covers other codes.
        return _item_page(
            request,
            project,
            membership,
            item,
            error=STALE_DECISION,
            status=409,
            posted={"rationale": posted["rationale"]},
        )
    problem = limits.text_problem(posted["rationale"], limits.RATIONALE)
    if problem:
        error = f"rationale: {problem}; nothing was saved."
        return _item_page(
            request, project, membership, item, posted=posted, error=error, status=422
        )
    filters, _ = _read_filters(request, project, with_items=True)
    queue = adjudication.disagreement_queues(
        project,
        dyad=filters["dyad"],
        period=filters["period"],
        criterion=filters["criterion"],
        pair=filters["pair"],
    )[filters["show"]]
    try:
        adjudication.adjudicate_item(
            evidence=item,
            reviewer=request.user,
            values=_values(posted, shown),
            rationale=posted["rationale"],
            versions={code: _int(request.POST.get(f"version-{code}")) for code in shown},
        )
    except StaleWrite:
        return _item_page(
            request,
            project,
            membership,
            item,
            error=STALE_DECISION,
            status=409,
            posted={"rationale": posted["rationale"]},
        )
    except AdjudicationRefused as exc:
        return _item_page(
            request, project, membership, item, posted=posted, error=str(exc), status=422
        )
    following = adjudication.next_in_queue(queue, item.pk)
    query = _query(filters)
    if following is None:
        messages.success(request, f"{item.key}: decision recorded. The queue is empty.")
        target = reverse("cases:review_disagreements", args=[slug])
    else:
        messages.success(request, f"{item.key}: decision recorded. Next: {following.key}.")
        target = reverse("cases:review_item", args=[slug, following.pk])
    return redirect(f"{target}?{query}" if query else target)


def _int(raw) -> int:
    try:
        return int(raw or 0)
    except ValueError:
        return -1  # never a stored version: refused as stale


# --- period overrides ----------------------------------------------------------------------


def _derived_values(project) -> dict[tuple[int, str], int]:
    """What the rule derives for each overridden (period, criterion), before the override."""
    dyads = find_dyads(project)
    inputs = build_inputs(project, dyads)
    carry = carry_forward_codes(project)
    derived = {}
    for dyad in dyads:
        period_ids = {p.code: p.pk for p in dyad.periods.all()}
        for result in classify(inputs[dyad.pk], carry_forward=carry):
            for applied in result.overrides:
                derived[(period_ids[result.code], applied.code)] = applied.derived
    return derived


def _override_form(request, project, *, refresh: bool = False) -> dict:
    """The form's values: as posted, or from the override being edited (?edit=pk).

    ``refresh`` (after a stale write): the posted values against the current version, so the
    reviewer sees what is stored now and can decide again.
    """
    if request.method == "POST":
        fields = ("period", "criterion", "value", "rationale", "version")
        form = {name: request.POST.get(name, "") for name in fields}
        row = PeriodOverride.objects.filter(
            period_id=_int(form["period"]),
            period__dyad__project=project,
            criterion__code=form["criterion"],
        ).first()
        if row is not None and (refresh or form["version"] not in ("", "0")):
            form["editing"] = row
            if refresh:
                form["version"] = str(row.version)
        return form
    editing = request.GET.get("edit", "")
    row = None
    if editing.isdigit():
        row = (
            PeriodOverride.objects.filter(pk=editing, period__dyad__project=project)
            .select_related("period", "period__dyad", "criterion")
            .first()
        )
    if row is None:
        return {"version": "0"}
    return {
        "period": str(row.period_id),
        "criterion": row.criterion.code,
        "value": str(row.value),
        "rationale": row.rationale,
        "version": str(row.version),
        "editing": row,
    }


@login_required
@require_http_methods(["GET", "POST"])
def overrides(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="review")
    error, status = "", 200
    if request.method == "POST":
        error, status = _save_override(request, project)
        if not error:
            return redirect("cases:review_overrides", slug=slug)
    rows = list(
        PeriodOverride.objects.filter(period__dyad__project=project)
        .select_related("period", "period__dyad", "criterion", "decided_by")
        .order_by("period__dyad__code", "period__start_year", "criterion__order")
    )
    derived = _derived_values(project)
    for row in rows:
        row.derived = derived.get((row.period_id, row.criterion.code))
    return render(
        request,
        "cases/review/overrides.html",
        {
            "project": project,
            "membership": membership,
            "rows": rows,
            "form": _override_form(request, project, refresh=status == 409),
            "periods": Period.objects.filter(dyad__project=project)
            .select_related("dyad")
            .order_by("dyad__code", "start_year"),
            "criteria": Criterion.objects.filter(codebook_id=project.codebook_id).order_by(
                "order", "code"
            ),
            "scale": list(project.codebook.scale.all()),
            "error": error,
        },
        status=status,
    )


def _save_override(request, project) -> tuple[str, int]:
    """Record the posted override; return ("", 200) or the message and status to show."""
    post = request.POST
    period = Period.objects.filter(pk=_int(post.get("period")), dyad__project=project).first()
    criterion = Criterion.objects.filter(
        codebook_id=project.codebook_id, code=post.get("criterion", "")
    ).first()
    if period is None:
        return "period: choose a period of this project.", 422
    if criterion is None:
        return "criterion: choose a criterion of the codebook.", 422
    try:
        value = int(post.get("value", ""))
    except ValueError:
        return "value: choose a value on the scale.", 422
    version = _int(post.get("version"))
    problem = limits.text_problem(post.get("rationale", ""), limits.RATIONALE)
    if problem:
        return f"rationale: {problem}; nothing was saved.", 422
    try:
        row = adjudication.set_period_override(
            period=period,
            criterion=criterion,
            reviewer=request.user,
            value=value,
            rationale=post.get("rationale", ""),
            version=version,
        )
    except AdjudicationRefused as exc:
        return str(exc), 422
    except StaleWrite:
        if version == 0:
            return (
                f"{period.dyad.code} {period.code} already has an override for {criterion.code}; "
                "edit that one instead. Nothing was saved.",
                409,
            )
        return (
            "This override was changed by someone else since the page loaded; nothing was saved. "
            "The table shows the current value.",
            409,
        )
    messages.success(
        request,
        f"{period.dyad.code} {period.code} · {criterion.code} set to {row.value}.",
    )
    return "", 200
