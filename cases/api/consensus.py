"""Consensus over the API: an item's final code per criterion (value null: decided not coded).

Everyone reads it, but a coder does not see the consensus of an item they still have to code,
since it would tell them the answer, and reads a decision's rationale (which may quote the
coders' values) only on the items they have submitted. Admins and reviewers decide and revise
through ``cases.review.adjudication``, the item page's own checks, version claim and history.
"""

from rest_framework import serializers

from cases.api import filters
from cases.api.base import ProjectScopedViewSet, ReadMixin
from cases.api.records import (
    SMALL_INT,
    VERSION,
    NamedByItemAndCriterion,
    OnScale,
    WritesThroughActions,
    criterion_field,
    decided_by_field,
    evidence_field,
    refusal_as_field_error,
    stale_conflict,
)
from cases.lib import limits
from cases.lib.validators import MaxCharacters
from cases.lib.versioning import StaleWrite
from cases.models import Consensus
from cases.review.adjudication import AdjudicationRefused, add_decision, revise_decision
from cases.visibility import hide_from, visibility_for

WHY = "Say why you decided so; a decision needs its rationale."


class ConsensusSerializer(OnScale, NamedByItemAndCriterion, serializers.ModelSerializer):
    evidence = evidence_field()
    criterion = criterion_field()
    value = serializers.IntegerField(
        **SMALL_INT, allow_null=True, help_text="null: decided that the item is not coded here."
    )
    decided_by = decided_by_field()
    rationale = serializers.CharField(
        validators=[MaxCharacters(limits.RATIONALE)],
        error_messages={"required": WHY, "blank": WHY},
        help_text="Why the reviewer decided so; required with every decision.",
    )
    version = serializers.IntegerField(**VERSION)

    class Meta:
        model = Consensus
        validators = []  # uniqueness is checked by the view: a duplicate is a 409 conflict
        fields = [
            "id",
            "evidence",
            "criterion",
            "value",
            "method",
            "decided_by",
            "rationale",
            "version",
            "decided_at",
        ]
        read_only_fields = ["method", "decided_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        visibility = self.context.get("visibility")
        if visibility is not None and not visibility.shows_rationale(instance.evidence_id):
            data["rationale"] = ""  # it may quote the coders: for those who submitted the item
        return data

    def validate(self, attrs):
        if "rationale" not in attrs:  # a PATCH that leaves it out: every decision says why
            raise serializers.ValidationError({"rationale": [WHY]})
        return attrs


class ConsensusViewSet(ReadMixin, WritesThroughActions, ProjectScopedViewSet):
    """The consensus of items, one row per item and criterion (value null: decided not coded).

    "unanimous" rows are written by sccoder when every coder of an item has submitted and they
    agree exactly; "adjudicated" rows are a reviewer's decisions, each with its rationale.
    Everyone reads them; admins and reviewers decide and revise (the history keeps every
    earlier state). A decision is never deleted: decide "not coded" (null) instead.
    """

    queryset = Consensus.objects.none()
    serializer_class = ConsensusSerializer
    filterset_class = filters.ConsensusFilter
    write_need = "review"
    versioned = True
    schema_tag = "consensus"

    def scoped_queryset(self):
        rows = (
            Consensus.objects.filter(evidence__project=self.project)
            .select_related("evidence", "criterion", "decided_by")
            .order_by("evidence__key", "criterion__code", "pk")
        )
        return hide_from(rows, self.membership)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "membership"):
            if not hasattr(self, "_visibility"):
                self._visibility = visibility_for(self.membership)
            context["visibility"] = self._visibility
        return context

    def existing_for(self, validated: dict):
        return Consensus.objects.filter(
            evidence=validated["evidence"], criterion=validated["criterion"]
        ).first()

    # The writes go through cases.review.adjudication, with the item page's checks (only what a
    # submitted coder coded can be decided; a value on the scale; a rationale), its version
    # claim and its history.

    def add(self, data: dict) -> Consensus:
        try:
            return add_decision(
                evidence=data["evidence"],
                criterion=data["criterion"],
                reviewer=self.request.user,
                value=data["value"],
                rationale=data["rationale"],
            )
        except StaleWrite:  # decided (or agreed unanimously) a moment ago
            self.refuse_duplicate(data)
            raise stale_conflict(0, None, missing="just created by someone else") from None
        except AdjudicationRefused as exc:
            raise refusal_as_field_error(exc) from None

    def change(self, row: Consensus, data: dict, version: int) -> None:
        try:
            revise_decision(
                row=row,
                reviewer=self.request.user,
                value=data.get("value", row.value),
                rationale=data["rationale"],
                version=version,
            )
        except StaleWrite:
            raise stale_conflict(version, self.fresh(row.pk), missing="deleted") from None
        except AdjudicationRefused as exc:
            raise refusal_as_field_error(exc) from None
