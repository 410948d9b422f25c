"""A dyad's stage chart: the rule's verdicts per period, drawn up to its latest evidence
(``cases.reports.chart`` draws; this module gathers what it draws, for one reader)."""

from __future__ import annotations

from django.db.models import Max
from django.utils.translation import gettext

from cases.classification.inputs import classify_dyads
from cases.models import Coupling, Dyad, Evidence, Project, Stage
from cases.reports.chart import stage_chart_svg
from cases.visibility import Visibility


def dyad_stage_chart(project: Project, dyad: Dyad, visibility: Visibility) -> str:
    """The dyad's rule verdicts per period as SVG, as ``visibility`` lets its reader see them."""
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
