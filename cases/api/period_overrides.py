"""Period overrides over the API: a reviewer's value for one period and criterion, in place
of the derived one, always with its rationale.

Everyone reads them (the reports show them); admins and reviewers decide, through
``cases.review.overrides.set_period_override``, as on the overrides page and in the admin.
"""

from rest_framework import serializers

from cases.api import filters
from cases.api.base import DestroyMixin, ProjectScopedViewSet, ReadMixin
from cases.api.records import (
    SMALL_INT,
    VERSION,
    NamedByItemAndCriterion,
    OnScale,
    PeriodReference,
    WritesThroughActions,
    code_of_period,
    criterion_field,
    decided_by_field,
    dyad_of_period,
    refusal_as_field_error,
    stale_conflict,
    versioned_delete,
)
from cases.lib import limits
from cases.lib.validators import MaxCharacters
from cases.lib.versioning import StaleWrite
from cases.models import PeriodOverride
from cases.review.adjudication import AdjudicationRefused
from cases.review.overrides import set_period_override


class PeriodOverrideSerializer(
    OnScale, PeriodReference, NamedByItemAndCriterion, serializers.ModelSerializer
):
    dyad = dyad_of_period()
    period = code_of_period()
    criterion = criterion_field()
    value = serializers.IntegerField(**SMALL_INT)
    rationale = serializers.CharField(validators=[MaxCharacters(limits.RATIONALE)])
    decided_by = decided_by_field()
    version = serializers.IntegerField(**VERSION)

    class Meta:
        model = PeriodOverride
        validators = []  # uniqueness is checked by the view: a duplicate is a 409 conflict
        fields = [
            "id",
            "dyad",
            "period",
            "criterion",
            "value",
            "rationale",
            "decided_by",
            "version",
            "decided_at",
        ]
        read_only_fields = ["decided_at"]

    def validate(self, attrs):
        return self.take_period(attrs)


@versioned_delete
class PeriodOverrideViewSet(ReadMixin, WritesThroughActions, DestroyMixin, ProjectScopedViewSet):
    """A reviewer's replacement for one derived period value, always with its rationale.
    Everyone reads them (the reports show them); admins and reviewers decide."""

    queryset = PeriodOverride.objects.none()
    serializer_class = PeriodOverrideSerializer
    filterset_class = filters.PeriodOverrideFilter
    write_need = "review"
    versioned = True
    schema_tag = "period overrides"

    def scoped_queryset(self):
        return (
            PeriodOverride.objects.filter(period__dyad__project=self.project)
            .select_related("period__dyad", "criterion", "decided_by")
            .order_by("period__dyad__code", "period__start_year", "criterion__code", "pk")
        )

    def existing_for(self, validated: dict):
        return PeriodOverride.objects.filter(
            period=validated["period"], criterion=validated["criterion"]
        ).first()

    # Writes go through cases.review.overrides.set_period_override, as on the overrides page.

    def add(self, data: dict) -> PeriodOverride:
        return self._set(data["period"], data["criterion"], data, version=0)

    def change(self, row: PeriodOverride, data: dict, version: int) -> None:
        values = {"value": row.value, "rationale": row.rationale} | data
        self._set(row.period, row.criterion, values, version=version, pk=row.pk)

    def _set(self, period, criterion, values: dict, *, version: int, pk: int | None = None):
        try:
            return set_period_override(
                period=period,
                criterion=criterion,
                reviewer=self.request.user,
                value=values["value"],
                rationale=values["rationale"],
                version=version,
            )
        except StaleWrite:
            current = self.fresh(pk) if pk else None
            raise stale_conflict(version, current, missing="just created by someone else") from None
        except AdjudicationRefused as exc:
            raise refusal_as_field_error(exc) from None
