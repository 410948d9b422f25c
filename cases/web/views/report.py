"""The dyad report (HTML, JSON, stage chart) and the comparison across dyads.

Every member reads them; what a reader sees of the coders' own verdicts and of agreement is
decided in ``cases.reports.audience.audience_for``, never here. The pages show consensus only.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from cases.access import get_project_for
from cases.classification.inputs import UnknownDyad, classify_dyads, find_dyads
from cases.classification.rule import VERSIONS
from cases.documents.quote_check import quote_problems
from cases.lib.cache import cached_for_project
from cases.lib.dates import span_text
from cases.models import Evidence
from cases.reports.build import build_report, cached_report, report_key
from cases.reports.chart import stage_chart_svg
from cases.reports.compare import compare_table
from cases.visibility import visibility_for

DYADS_PER_PAGE = 50


def _dyad(project, code: str):
    try:
        return find_dyads(project, code)[0]
    except UnknownDyad:
        raise Http404("No such dyad in this project.") from None


@login_required
@require_GET
def report(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="read")
    dyad = _dyad(project, code)
    visibility = visibility_for(membership)
    # Quotes that are not in their source's document are marked; the project's fingerprint does
    # not see documents, so the marks are part of the rendered article's key.
    problems = quote_problems(project)
    # Rendering a large dyad's report (hundreds of items, each in several cells) costs more
    # than building it, so the rendered article is what is kept.
    article = cached_for_project(
        "dyad-report-article",
        project,
        [*report_key(project, dyad, membership, visibility), sorted(problems.items())],
        lambda: _article(
            project, build_report(project, dyad, membership, visibility=visibility), problems
        ),
    )
    return render(
        request,
        "cases/reports/report.html",
        {
            "project": project,
            "membership": membership,
            "dyad": dyad,
            # Our own template's output, escaped as it was rendered.
            "article": mark_safe(article),
        },
    )


def _article(project, data: dict, quote_problems: dict[str, str]) -> str:
    context = {"project": project, "report": data, "quote_problems": quote_problems, **_page(data)}
    return render_to_string("cases/reports/_article.html", context)


@login_required
@require_GET
def report_json(request: HttpRequest, slug: str, code: str) -> JsonResponse:
    project, membership = get_project_for(request.user, slug, need="read")
    data = cached_report(project, _dyad(project, code), membership)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def report_chart(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The stage over the years as SVG, shown with <img> so the page's CSP is unaffected."""
    project, membership = get_project_for(request.user, slug, need="read")
    dyad = _dyad(project, code)
    visibility = visibility_for(membership)
    svg = cached_for_project(
        "dyad-chart",
        project,
        [dyad.pk, visibility.cache_part, project.rule_version],
        lambda: _chart(project, dyad, visibility),
    )
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
@require_GET
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """One row per dyad, one column per distinct period span; each row links to its report."""
    project, membership = get_project_for(request.user, slug, need="read")
    dyads = find_dyads(project)
    page = Paginator(dyads, DYADS_PER_PAGE).get_page(request.GET.get("page"))
    # Columns come from every dyad's periods (already loaded), so they stay put across pages;
    # only the dyads on this page are classified, once until the project's data change.
    shown = list(page.object_list)
    visibility = visibility_for(membership)
    # ?rule=v1|v2 compares under either rule; the project's own is the default.
    rule = VERSIONS.get(request.GET.get("rule", ""), project.rule)
    rows = cached_for_project(
        "compare-rows",
        project,
        [DYADS_PER_PAGE, page.number, visibility.cache_part, rule.name],
        lambda: _compare_rows(project, shown, visibility, rule),
    )
    every_span = [(p.start_year, p.end_year) for d in dyads for p in d.periods.all()]
    table = compare_table(rows, spans=every_span)
    return render(
        request,
        "cases/reports/compare.html",
        {
            "project": project,
            "membership": membership,
            "table": table,
            "page": page,
            "stages": rule.stage_names,
            "rule": rule,
            "rules": [
                {"version": v, "name": r.name, "current": r is rule, "own": r is project.rule}
                for v, r in VERSIONS.items()
            ],
        },
    )


def _chart(project, dyad, visibility) -> str:
    """The dyad's rule verdicts per period, drawn up to its latest evidence."""
    (classified,) = classify_dyads(project, [dyad], visibility=visibility)
    periods = classified.results
    latest = Evidence.objects.filter(dyad=dyad).aggregate(last=Max("date_end"))["last"]
    starts = [p.start_year for p in periods]
    last_year = max([latest.year] if latest else [], default=max(starts, default=0))
    return stage_chart_svg(
        [
            {
                "code": p.code,
                "start_year": p.start_year,
                "end_year": p.end_year,
                "stage": p.stage,
                "coupling": p.coupling,
            }
            for p in periods
        ],
        last_year,
    )


def _compare_rows(project, shown, visibility, rule) -> list[dict]:
    """Each dyad of one comparison page classified, one entry per period."""
    rows = []
    for classified in classify_dyads(project, shown, visibility=visibility, rule=rule):
        labels = classified.labels
        rows.append(
            {
                "code": classified.dyad.code,
                "name": classified.dyad.name,
                "periods": [
                    {
                        "code": r.code,
                        "label": labels.get(r.code, ""),
                        "start_year": r.start_year,
                        "end_year": r.end_year,
                        "span": span_text(r.start_year, r.end_year),
                        "stage": r.stage,
                        "coupling": r.coupling,
                        "indeterminate": r.indeterminate,
                    }
                    for r in classified.results
                ],
            }
        )
    return rows


# --- the report page's view of the report data -------------------------------------------------


def _page(data: dict) -> dict:
    """What the template needs beyond the report itself: each grid cell's anchor, the citation
    numbers behind it, and one evidence section per cell (shown when its anchor is targeted)."""
    entries = {e["key"]: e for e in data["evidence"]}
    labels = {s["value"]: s["label"] for s in data["scale"]}
    spans = {p["code"]: p["span"] for p in data["periods"]}
    sections = []
    grid = []
    for framework in data["grid"]:
        groups = []
        for group in framework["groups"]:
            criteria = []
            for criterion in group["criteria"]:
                cells = []
                for cell in criterion["cells"]:
                    shown = _cell(cell, criterion, entries, labels, spans)
                    if shown["anchor"]:
                        sections.append(shown)
                    cells.append(shown)
                criteria.append({**criterion, "cells": cells})
            groups.append({**group, "criteria": criteria})
        grid.append({**framework, "groups": groups})
    agreement = data["agreement"] or []
    return {
        "grid": grid,
        "cell_sections": sections,
        # The whole codebook first, then its groups.
        "agreement_summary": sorted(
            (r for r in agreement if r["scope"] != "criterion"),
            key=lambda r: r["scope"] != "overall",
        ),
        "agreement_criteria": [r for r in agreement if r["scope"] == "criterion"],
        "scale_labels": labels,
        "entries": entries,
        "robustness": [
            {**r, "hangs_on": [{**h, "entry": entries.get(h["key"])} for h in r["hangs_on"]]}
            for r in data["robustness"]
        ],
    }


def _cell(cell: dict, criterion: dict, entries: dict, labels: dict, spans: dict) -> dict:
    items = [entries[k] for k in cell["items"] if k in entries]
    others = [
        {"entry": entries[o["key"]], "value": o["value"], "label": labels.get(o["value"], "")}
        for o in cell["other_items"]
        if o["key"] in entries
    ]
    has_detail = bool(items or others or cell["override"] or cell["carried_from"])
    return {
        **cell,
        "code": criterion["code"],
        "name": criterion["name"],
        "span": spans.get(cell["period"], ""),
        "label": labels.get(cell["value"], "not coded") if cell["value"] is not None else "",
        "anchor": f"cell-{cell['period']}-{criterion['code']}" if has_detail else "",
        "entries": sorted(items, key=lambda e: e["number"]),
        "others": others,
        "numbers": sorted(e["number"] for e in items),
    }
