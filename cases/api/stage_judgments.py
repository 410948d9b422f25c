"""Stage judgments over the API: a coder's holistic verdict on a period, compared with the rule
in the reports. Coders record their own; admins and reviewers read everyone's."""

from rest_framework import serializers

from cases.api import filters
from cases.api.base import CreateMixin, DestroyMixin, ProjectScopedViewSet, ReadMixin, UpdateMixin
from cases.api.records import (
    VERSION,
    PeriodReference,
    code_of_period,
    dyad_of_period,
    own_rows_for_coders,
    versioned_delete,
)
from cases.classification.rule import has_coupling
from cases.lib import limits
from cases.lib.validators import MaxCharacters
from cases.models import Coupling, Stage, StageJudgment


class StageJudgmentSerializer(PeriodReference, serializers.ModelSerializer):
    dyad = dyad_of_period()
    period = code_of_period()
    coder = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Always the signed-in coder on create."
    )
    stage = serializers.ChoiceField(choices=Stage.choices)
    coupling = serializers.ChoiceField(
        choices=Coupling.choices,
        allow_null=True,
        required=False,
        help_text="Only for a mature community: loosely or tightly coupled.",
    )
    rationale = serializers.CharField(
        required=False, allow_blank=True, validators=[MaxCharacters(limits.RATIONALE)]
    )
    version = serializers.IntegerField(**VERSION)

    class Meta:
        model = StageJudgment
        validators = []  # uniqueness is checked by the view: a duplicate is a 409 conflict
        fields = [
            "id",
            "dyad",
            "period",
            "coder",
            "stage",
            "coupling",
            "rationale",
            "version",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def validate(self, attrs):
        attrs = self.take_period(attrs)
        stage = attrs.get("stage", self.instance and self.instance.stage)
        coupling = attrs.get("coupling", self.instance and self.instance.coupling)
        if has_coupling(stage) and not coupling:
            raise serializers.ValidationError(
                {"coupling": ["A mature community is loosely or tightly coupled: choose one."]}
            )
        if coupling and not has_coupling(stage):
            raise serializers.ValidationError(
                {"coupling": ["Only a mature community is loosely or tightly coupled."]}
            )
        return attrs


@versioned_delete
class StageJudgmentViewSet(ReadMixin, CreateMixin, UpdateMixin, DestroyMixin, ProjectScopedViewSet):
    """A coder's holistic verdict on a period (stage, and coupling when mature), compared with
    the rule in the reports. Coders record their own; admins and reviewers read everyone's."""

    queryset = StageJudgment.objects.none()
    serializer_class = StageJudgmentSerializer
    filterset_class = filters.StageJudgmentFilter
    write_need = "code"
    versioned = True
    schema_tag = "stage judgments"

    def scoped_queryset(self):
        rows = (
            StageJudgment.objects.filter(period__dyad__project=self.project)
            .select_related("period__dyad", "coder")
            .order_by("period__dyad__code", "period__start_year", "coder__username", "pk")
        )
        return own_rows_for_coders(rows, self.membership)

    def existing_for(self, validated: dict):
        return StageJudgment.objects.filter(
            period=validated["period"], coder=self.request.user
        ).first()

    def create_values(self) -> dict:
        return {"coder": self.request.user}
