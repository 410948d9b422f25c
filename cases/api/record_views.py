"""Endpoints of evidence and of what is coded from it: assignments, codings, consensus, period
overrides and stage judgments.

Blind coding shapes every queryset here: a coder's codings, stage judgments and assignments
lists hold their own rows only (another coder's row by id is a 404, by filter an empty page);
observers see no raw codings at all; and a coder does not see the consensus of an item they
still have to code, since it would tell them the answer.
"""

from django.db.models import Exists, OuterRef
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from cases.api import filters
from cases.api.base import (
    IF_MATCH,
    VERSION_PARAMETER,
    CreateMixin,
    DestroyMixin,
    ProjectScopedViewSet,
    ReadMixin,
    UpdateMixin,
)
from cases.api.errors import STALE, Conflict
from cases.api.permissions import raw_coding_scope
from cases.api.record_serializers import (
    AssignmentSerializer,
    CodingSerializer,
    ConsensusSerializer,
    EvidenceSerializer,
    PeriodOverrideSerializer,
    StageJudgmentSerializer,
)
from cases.coding.actions import (
    CodingRefused,
    StaleWrite,
    reopen_assignment,
    save_coding,
    submit_assignment,
)
from cases.coding.assignments import AssignmentRefused, unassign
from cases.models import Assignment, Coding, Consensus, Evidence, PeriodOverride, StageJudgment
from cases.review.adjudication import AdjudicationRefused, set_period_override
from cases.visibility import hide_from

versioned_delete = extend_schema_view(
    destroy=extend_schema(parameters=[IF_MATCH, VERSION_PARAMETER])
)


def own_rows_for_coders(queryset, membership, coder_field: str = "coder"):
    """Everyone's rows for admins and reviewers, a coder's own for a coder, 403 otherwise."""
    if raw_coding_scope(membership) == "own":
        return queryset.filter(**{coder_field: membership.user})
    return queryset


@versioned_delete
class EvidenceViewSet(ReadMixin, CreateMixin, UpdateMixin, DestroyMixin, ProjectScopedViewSet):
    """Dated, cited, page-located evidence about a dyad. Admins, reviewers and coders add and
    edit it; only admins delete an item, and only while nothing codes it."""

    queryset = Evidence.objects.none()
    serializer_class = EvidenceSerializer
    filterset_class = filters.EvidenceFilter
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


class AssignmentViewSet(ReadMixin, CreateMixin, DestroyMixin, ProjectScopedViewSet):
    """Which coder codes which item. Admins assign and unassign; a coder sees their own
    assignments and submits or reopens them."""

    queryset = Assignment.objects.none()
    serializer_class = AssignmentSerializer
    filterset_class = filters.AssignmentFilter
    action_needs = {"submit": "code", "reopen": "code"}
    schema_tag = "assignments"

    def scoped_queryset(self):
        rows = (
            Assignment.objects.filter(evidence__project=self.project)
            .select_related("evidence", "coder")
            .order_by("evidence__key", "coder__username", "pk")
        )
        return own_rows_for_coders(rows, self.membership)

    def perform_destroy(self, instance) -> None:
        try:
            unassign(assignment=instance)
        except AssignmentRefused as exc:
            raise Conflict(str(exc)) from None

    @extend_schema(request=None, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        """Submit your codes of the item: from now on they count for agreement and consensus."""
        return self._change(submit_assignment)

    @extend_schema(request=None, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        """Reopen a submitted item to change your codes (not once review has started)."""
        return self._change(reopen_assignment)

    def _change(self, change) -> Response:
        assignment = self.get_object()
        try:
            change(evidence=assignment.evidence, coder=self.request.user)
        except CodingRefused as exc:
            raise Conflict(str(exc)) from None
        return Response(self.fresh(assignment.pk))


@versioned_delete
class CodingViewSet(ReadMixin, UpdateMixin, DestroyMixin, CreateMixin, ProjectScopedViewSet):
    """Raw codes: one value (and note) per item, criterion and coder.

    Admins and reviewers read everyone's; a coder reads and writes only their own, on items
    assigned to them and not yet submitted; observers read none.
    """

    queryset = Coding.objects.none()
    serializer_class = CodingSerializer
    filterset_class = filters.CodingFilter
    write_need = "code"
    versioned = True
    schema_tag = "codings"

    def scoped_queryset(self):
        submitted = Assignment.objects.filter(
            evidence=OuterRef("evidence"),
            coder=OuterRef("coder"),
            status=Assignment.Status.SUBMITTED,
        )
        rows = (
            Coding.objects.filter(evidence__project=self.project)
            .select_related("evidence", "criterion", "coder")
            .annotate(submitted=Exists(submitted))
            .order_by("evidence__key", "criterion__code", "coder__username", "pk")
        )
        return own_rows_for_coders(rows, self.membership)

    # The writes go through coding_actions.save_coding: the same checks and compare-and-set
    # as the coding page, so the API cannot do what the page refuses.

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        coding = self._save(
            evidence=data["evidence"],
            criterion=data["criterion"],
            value=data["value"],
            note=data.get("note", "").strip(),
            version=0,
        )
        return Response(self.fresh(coding.pk), status=201)

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        coding = self.get_object()
        self.check_if_match(request, coding)
        serializer = self.get_serializer(coding, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self._save(
            evidence=coding.evidence,
            criterion=coding.criterion,
            value=data.get("value", coding.value),
            note=data.get("note", coding.note).strip(),
            version=self.sent_version(request, data.get("version")),
        )
        return Response(self.fresh(coding.pk))

    def destroy(self, request, *args, **kwargs):
        coding = self.get_object()
        self.check_if_match(request, coding)
        self._save(
            evidence=coding.evidence,
            criterion=coding.criterion,
            value=None,
            note="",
            version=self.sent_version(request, None),
        )
        return Response(status=204)

    def _save(self, *, version: int, **values):
        try:
            return save_coding(coder=self.request.user, version=version, **values)
        except StaleWrite as exc:
            current = self.fresh(exc.current.pk) if exc.current else None
            now = current["version"] if current else "not coded"
            raise Conflict(
                STALE.format(sent=version, current=now),
                current=current,
                current_version=current["version"] if current else None,
            ) from None
        except CodingRefused as exc:
            raise Conflict(str(exc)) from None


class ConsensusViewSet(ReadMixin, CreateMixin, UpdateMixin, ProjectScopedViewSet):
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

    def existing_for(self, validated: dict):
        return Consensus.objects.filter(
            evidence=validated["evidence"], criterion=validated["criterion"]
        ).first()

    def create_values(self) -> dict:
        return {"method": Consensus.Method.ADJUDICATED, "decided_by": self.request.user}

    def update_values(self) -> dict:
        return self.create_values()


@versioned_delete
class PeriodOverrideViewSet(
    ReadMixin, CreateMixin, UpdateMixin, DestroyMixin, ProjectScopedViewSet
):
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

    # Writes go through review.adjudication.set_period_override, as on the overrides page.

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.refuse_duplicate(data)
        row = self._set(data["period"], data["criterion"], data, version=0)
        return Response(self.fresh(row.pk), status=201)

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        row = self.get_object()
        self.check_if_match(request, row)
        serializer = self.get_serializer(row, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        values = {"value": row.value, "rationale": row.rationale} | data
        version = self.sent_version(request, data.get("version"))
        self._set(row.period, row.criterion, values, version=version, pk=row.pk)
        return Response(self.fresh(row.pk))

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
            now = current["version"] if current else "just created by someone else"
            raise Conflict(
                STALE.format(sent=version, current=now),
                current=current,
                current_version=current["version"] if current else None,
            ) from None
        except AdjudicationRefused as exc:
            field, _, message = str(exc).partition(": ")
            raise ValidationError({field: [message]}) from None


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
