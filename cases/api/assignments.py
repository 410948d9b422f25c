"""Assignments over the API: which coder codes which item.

Admins assign and unassign (by the same rules as the assignments page); a coder sees their own
assignments and submits or reopens them through the coding page's own actions; admins and
reviewers return a submitted item to its coder with a comment, as on the review page.
"""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.api import filters
from cases.api.base import CreateMixin, DestroyMixin, ProjectScopedViewSet, ReadMixin
from cases.api.errors import Conflict
from cases.api.fields import InProject
from cases.api.records import evidence_field, own_rows_for_coders
from cases.coding.actions import (
    CodingRefused,
    reopen_assignment,
    return_assignment,
    submit_assignment,
)
from cases.coding.assignments import AssignmentRefused, notify_assigned, unassign
from cases.lib import limits
from cases.lib.validators import MaxCharacters
from cases.models import Assignment


class AssignmentSerializer(serializers.ModelSerializer):
    evidence = evidence_field()
    returned_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    coder = InProject(
        slug_field="username",
        queryset=get_user_model().objects.all(),
        scope=lambda project: {
            "memberships__project": project,
            "memberships__role": "coder",
        },
        name="coder",
    )

    class Meta:
        model = Assignment
        validators = []  # uniqueness is checked in validate(), with a message that says why
        fields = [
            "id",
            "evidence",
            "coder",
            "status",
            "assigned_at",
            "submitted_at",
            "returned_comment",
            "returned_by",
            "returned_at",
        ]
        read_only_fields = [
            "status",
            "assigned_at",
            "submitted_at",
            "returned_comment",
            "returned_by",
            "returned_at",
        ]

    def validate(self, attrs):
        if Assignment.objects.filter(evidence=attrs["evidence"], coder=attrs["coder"]).exists():
            raise serializers.ValidationError(
                {"coder": [f"{attrs['coder'].username} is already assigned this item."]}
            )
        return attrs


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(
        validators=[MaxCharacters(limits.RETURN_COMMENT)],
        help_text="What the coder should look at again; shown to them and to reviewers.",
    )


class AssignmentViewSet(ReadMixin, CreateMixin, DestroyMixin, ProjectScopedViewSet):
    """Which coder codes which item. Admins assign and unassign; a coder sees their own
    assignments and submits or reopens them."""

    queryset = Assignment.objects.none()
    serializer_class = AssignmentSerializer
    filterset_class = filters.AssignmentFilter
    action_needs = {"submit": "code", "reopen": "code", "return_to_coder": "review"}
    schema_tag = "assignments"

    def scoped_queryset(self):
        rows = (
            Assignment.objects.filter(evidence__project=self.project)
            .select_related("evidence", "coder", "returned_by")
            .order_by("evidence__key", "coder__username", "pk")
        )
        return own_rows_for_coders(rows, self.membership)

    def created(self, instance) -> None:
        notify_assigned(instance, self.request.user)

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

    @extend_schema(request=ReturnSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_coder(self, request, *args, **kwargs):
        """Return a submitted item to its coder with a comment (admins and reviewers; only until
        a reviewer has decided the item). The coder's codes are kept and they are notified."""
        assignment = self.get_object()
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            return_assignment(
                evidence=assignment.evidence,
                coder=assignment.coder,
                reviewer=request.user,
                comment=body.validated_data["comment"],
            )
        except CodingRefused as exc:
            raise Conflict(str(exc)) from None
        return Response(self.fresh(assignment.pk))

    def _change(self, change) -> Response:
        assignment = self.get_object()
        try:
            change(evidence=assignment.evidence, coder=self.request.user)
        except CodingRefused as exc:
            raise Conflict(str(exc)) from None
        return Response(self.fresh(assignment.pk))
