"""Memos over the API: the project's notes and the items' discussion threads, by the rules of
the pages (``cases.discussion.memos``): every member reads the project's memos and admins,
reviewers and coders write them; an item's thread is read and written by admins and reviewers,
and by a coder only on items they have submitted; observers never see an item's thread."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from rest_framework import serializers, status
from rest_framework.response import Response

from cases.api.base import CreateMixin, ProjectScopedViewSet, ReadMixin
from cases.api.records import evidence_field
from cases.discussion.memos import (
    MemoRefused,
    can_read_item_memos,
    can_write_project_memos,
    post_memo,
)
from cases.lib import limits
from cases.lib.validators import MaxCharacters
from cases.models import Assignment, Memo


class MemoSerializer(serializers.ModelSerializer):
    evidence = evidence_field(
        required=False,
        allow_null=True,
        help_text="The item whose thread the memo is in; empty for a project memo.",
    )
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    body = serializers.CharField(validators=[MaxCharacters(limits.MEMO)])

    class Meta:
        model = Memo
        fields = ["id", "evidence", "author", "body", "created_at"]
        read_only_fields = ["created_at"]


class MemoViewSet(ReadMixin, CreateMixin, ProjectScopedViewSet):
    """Project memos (``evidence`` empty) and item memos. ``?evidence=<key>`` lists one item's
    thread; ``?evidence=`` (empty) the project's memos alone."""

    queryset = Memo.objects.none()
    serializer_class = MemoSerializer
    write_need = "read"  # the action decides: post_memo refuses what the role may not write
    schema_tag = "memos"

    def scoped_queryset(self):
        rows = (
            Memo.objects.filter(project=self.project)
            .select_related("evidence", "author")
            .order_by("created_at", "id")
        )
        membership = self.membership
        if not membership.can_review:
            submitted = Assignment.objects.filter(
                evidence=OuterRef("evidence"),
                coder_id=membership.user_id,
                status=Assignment.Status.SUBMITTED,
            )
            item_memos = Exists(submitted) if membership.can_code else Q(pk__in=[])
            rows = rows.filter(Q(evidence__isnull=True) | item_memos)
        if "evidence" in self.request.query_params:
            key = self.request.query_params["evidence"]
            rows = (
                rows.filter(evidence__isnull=True) if key == "" else rows.filter(evidence__key=key)
            )
        return rows

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evidence = serializer.validated_data.get("evidence")
        if evidence is None and not can_write_project_memos(self.membership):
            raise PermissionDenied("Your role does not write the project's memos.")
        if evidence is not None and not can_read_item_memos(self.membership, evidence):
            raise PermissionDenied("You may not take part in this item's discussion yet.")
        try:
            memo = post_memo(
                membership=self.membership,
                evidence=evidence,
                body=serializer.validated_data["body"],
            )
        except MemoRefused as exc:
            raise serializers.ValidationError({"body": [str(exc)]}) from None
        return Response(self.fresh(memo.pk), status=status.HTTP_201_CREATED)
