"""The dyad report (HTML, JSON, stage chart) and the comparison across dyads.

Every member reads them; what a reader sees of the coders' own verdicts and of agreement is
decided in ``cases.reports.audience.audience_for``, never here. The pages show consensus only.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from cases.access import get_project_for
from cases.classification.inputs import UnknownDyad, find_dyads
from cases.classification.rule import VERSIONS
from cases.lib.cache import fingerprint_once
from cases.lib.fresh_figures import figures_for
from cases.reports.compare import compare_table
from cases.web.views.figures import as_of, figures_image

DYADS_PER_PAGE = 50


def _dyad(project, code: str):
    try:
        return find_dyads(project, code)[0]
    except UnknownDyad:
        raise Http404("No such dyad in this project.") from None


@login_required
@require_GET
@fingerprint_once
def report(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="read")
    dyad = _dyad(project, code)
    figures = figures_for("dyad-report-article", project, _spec(dyad, membership))
    return render(
        request,
        "cases/reports/report.html",
        {
            "project": project,
            "membership": membership,
            "dyad": dyad,
            # Our own template's output, escaped as it was rendered.
            "article": mark_safe(figures.value),
            "figures": figures,
        },
    )


@login_required
@require_GET
@fingerprint_once
def report_json(request: HttpRequest, slug: str, code: str) -> JsonResponse:
    """The report's dict, and whether it is current: ``figures`` holds ``current`` and, when
    not, ``computed_at`` (the report of older data, served while it is recomputed)."""
    project, membership = get_project_for(request.user, slug, need="read")
    figures = figures_for("dyad-report", project, _spec(_dyad(project, code), membership))
    data = {**figures.value, "figures": {"current": figures.current, "computed_at": as_of(figures)}}
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
@fingerprint_once
def report_chart(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The stage over the years as SVG, shown with <img> so the page's CSP is unaffected."""
    project, membership = get_project_for(request.user, slug, need="read")
    return figures_image(
        figures_for("dyad-stage-chart", project, _spec(_dyad(project, code), membership))
    )


def _spec(dyad, membership) -> dict:
    """The recipes' spec of one dyad's report, JSON and chart, for one reader: what the reader
    may see is derived from their membership in the recipe, and is part of the figures' key."""
    return {"dyad": dyad.pk, "member": membership.pk if membership else None}


@login_required
@require_GET
@fingerprint_once
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """One row per dyad, one column per distinct period span; each row links to its report."""
    project, membership = get_project_for(request.user, slug, need="read")
    dyads = find_dyads(project)
    page = Paginator(dyads, DYADS_PER_PAGE).get_page(request.GET.get("page"))
    # Columns come from every dyad's periods (already loaded), so they stay put across pages;
    # only the dyads on this page are classified, once until the project's data change.
    rule_asked = request.GET.get("rule", "")
    rule = VERSIONS.get(rule_asked, project.rule)
    figures = figures_for(
        "compare-rows",
        project,
        {
            "per_page": DYADS_PER_PAGE,
            "page": page.number,
            "member": membership.pk if membership else None,
            "rule": rule_asked if rule_asked in VERSIONS else None,
        },
    )
    rows = figures.value
    every_span = [(p.start_year, p.end_year) for d in dyads for p in d.periods.all()]
    table = compare_table(rows, spans=every_span)
    return render(
        request,
        "cases/reports/compare.html",
        {
            "project": project,
            "membership": membership,
            "table": table,
            "figures": figures,
            "page": page,
            "stages": rule.stage_names,
            "rule": rule,
            "rules": [
                {"version": v, "name": r.name, "current": r is rule, "own": r is project.rule}
                for v, r in VERSIONS.items()
            ],
        },
    )
