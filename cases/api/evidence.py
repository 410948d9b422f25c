"""Evidence over the API: dated, cited, page-located items about a dyad.

Admins, reviewers and coders add and edit items; only admins delete one, and only while nothing
codes it. The checks are the model's own clean(), as on the evidence form and in the bundle.
"""

import copy

from rest_framework import serializers

from cases.api import filters
from cases.api.base import CreateMixin, DestroyMixin, ProjectScopedViewSet, ReadMixin, UpdateMixin
from cases.api.fields import InProject, StateList
from cases.api.records import VERSION, KeyOfPeriod, versioned_delete
from cases.api.serializers import checked
from cases.coding.assignments import auto_assign
from cases.models import Dyad, Evidence, Period, Source


def source_field(**kwargs) -> InProject:
    return InProject(
        slug_field="key",
        queryset=Source.objects.all(),
        scope=lambda project: {"project": project},
        name="source",
        **kwargs,
    )


class EvidenceSerializer(serializers.ModelSerializer):
    dyad = InProject(
        slug_field="code",
        queryset=Dyad.objects.all(),
        scope=lambda project: {"project": project},
        name="dyad",
    )
    states = StateList(
        help_text='The member states the item concerns, e.g. ["DNK", "NOR"]; empty: the '
        "whole dyad or community."
    )
    period = KeyOfPeriod(
        read=lambda item: item.period.code,
        target="period_code",
        required=False,
        allow_null=True,
        help_text="The period's code; leave it out (or null) to place the item by its date.",
    )
    source = source_field()
    via_source = source_field(
        required=False,
        allow_null=True,
        help_text="The key of the work the quote is taken from, when the passage rests on the "
        "source it cites (null: the source itself).",
    )
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Who added it."
    )
    version = serializers.IntegerField(**VERSION)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "key",
            "dyad",
            "states",
            "period",
            "date",
            "date_start",
            "date_end",
            "source",
            "locator",
            "locator_note",
            "footnote",
            "via_source",
            "via_locator",
            "evidence_type",
            "assessed_stage",
            "assessed_coupling",
            "quote",
            "summary",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["date_start", "date_end", "created_at", "updated_at"]

    def validate_key(self, key: str) -> str:
        key = key.strip()
        taken = Evidence.objects.filter(project=self.context["project"], key=key)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError(f'The key "{key}" is already used in this project.')
        return key

    def validate(self, attrs):
        current = self.instance
        # clean() works on a copy: a refused update must leave the stored record untouched.
        item = copy.copy(current) if current is not None else Evidence()
        item.project = self.context["project"]
        for name, value in attrs.items():
            if name not in ("period_code", "version"):
                setattr(item, name, value)
        dyad = attrs.get("dyad") or (current and current.dyad)
        if "period_code" in attrs and attrs["period_code"] is not None:
            period = Period.objects.filter(dyad=dyad, code=attrs["period_code"]).first()
            if period is None:
                raise serializers.ValidationError(
                    {"period": [f'{dyad.code} has no period "{attrs["period_code"]}".']}
                )
            item.period = period
        elif current is None or "period_code" in attrs or {"date", "dyad"} & set(attrs):
            item.period_id = None  # placed by the date's start year
        checked(item)
        if "states" in attrs:
            attrs["states"] = item.states  # as clean() wrote them: in member order
        attrs.pop("period_code", None)
        attrs["period"] = item.period
        return attrs


@versioned_delete
class EvidenceViewSet(ReadMixin, CreateMixin, UpdateMixin, DestroyMixin, ProjectScopedViewSet):
    """Dated, cited, page-located evidence about a dyad. Admins, reviewers and coders add and
    edit it; only admins delete an item, and only while nothing codes it."""

    queryset = Evidence.objects.none()
    serializer_class = EvidenceSerializer
    filterset_class = filters.EvidenceFilter
    filter_backends = [filters.MembershipFilterBackend]
    write_need = "edit_evidence"
    action_needs = {"destroy": "manage"}
    versioned = True
    schema_tag = "evidence"

    def scoped_queryset(self):
        return (
            Evidence.objects.filter(project=self.project)
            .select_related("dyad", "period", "source", "via_source", "created_by")
            .order_by("key", "pk")
        )

    def create_values(self) -> dict:
        return {"project": self.project, "created_by": self.request.user}

    def created(self, instance) -> None:
        auto_assign([instance], self.project)
