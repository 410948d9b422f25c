"""The dyad report (HTML, JSON, stage chart) and the comparison across dyads.

Every member reads them; what a reader sees of the coders' own verdicts and of agreement is
decided in ``cases.reports.audience.audience_for``, never here. The pages show consensus only.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from cases.access import get_project_for
from cases.classification.inputs import UnknownDyad, classify_dyads, find_dyads
from cases.classification.rule import VERSIONS
from cases.lib.cache import cached_for_project
from cases.lib.fresh_figures import figures_for
from cases.models import Coupling, Evidence, Stage
from cases.reports.build import cached_report
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
    figures = figures_for(
        "dyad-report-article",
        project,
        {"dyad": dyad.pk, "member": membership.pk if membership else None},
    )
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
        words={
            **{stage.value: str(stage.label) for stage in Stage},
            **{coupling.value: str(coupling.label) for coupling in Coupling},
            "year": gettext("year"),
        },
    )
