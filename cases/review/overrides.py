"""Period overrides: a reviewer's value for one period and criterion, in place of the one the
rule derives from the items' consensus.

One write, ``set_period_override``, for the overrides page, the API and the admin alike: the
same checks, the same compare-and-set on ``version`` (``cases.lib.versioning``) and the same
history (django-simple-history), so no entry point can do what another refuses.
"""

from django.db import transaction

from cases.classification.inputs import classify_dyads, find_dyads
from cases.lib.versioning import write_versioned
from cases.models import Criterion, Period, PeriodOverride, Project
from cases.review.adjudication import AdjudicationRefused


def set_period_override(
    *,
    period: Period,
    criterion: Criterion,
    reviewer,
    value: int,
    rationale: str,
    version: int,
) -> PeriodOverride:
    """Create (``version`` 0) or update a reviewer's value for one period and criterion."""
    project = period.dyad.project
    scale = project.codebook.scale_values()
    if criterion.codebook_id != project.codebook_id:
        raise AdjudicationRefused(f"criterion: {criterion.code} is not in this project's codebook.")
    if value not in scale:
        raise AdjudicationRefused(
            f"value: {value} is not on the scale ({', '.join(map(str, scale))})."
        )
    if not rationale.strip():
        raise AdjudicationRefused(
            "rationale: say why the period value is overridden; it is required."
        )
    with transaction.atomic():
        row = PeriodOverride.objects.filter(period=period, criterion=criterion).first()
        return write_versioned(
            PeriodOverride,
            row,
            version,
            create={"period": period, "criterion": criterion},
            change={"value": value, "decided_by": reviewer, "rationale": rationale.strip()},
            touched=("decided_at",),
        )


def derived_values(project: Project) -> dict[tuple[int, str], int]:
    """What the project's rule derives for each overridden (period, criterion), before the
    override: the value its report and exports show as derived. Only the dyads with an override
    are classified (a dyad's classification reads its own items only); none when there is no
    override."""
    dyad_ids = set(
        PeriodOverride.objects.filter(period__dyad__project=project).values_list(
            "period__dyad_id", flat=True
        )
    )
    if not dyad_ids:
        return {}
    derived = {}
    dyads = [dyad for dyad in find_dyads(project) if dyad.pk in dyad_ids]
    for classified in classify_dyads(project, dyads):
        period_ids = {p.code: p.pk for p in classified.dyad.periods.all()}
        for result in classified.results:
            for applied in result.overrides:
                derived[(period_ids[result.code], applied.code)] = applied.derived
    return derived
