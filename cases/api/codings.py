"""Codings over the API: a coder's raw codes, one value (and note) per item and criterion.

Blind coding shapes the list: a coder reads and writes only their own rows (another coder's row
by id is a 404, by filter an empty page); observers see no raw codings at all. Writes go through
``cases.coding.actions.save_coding``, the coding page's own.
"""

from django.db.models import Exists, OuterRef
from rest_framework import serializers
from rest_framework.response import Response

from cases.api import filters
from cases.api.base import DestroyMixin, ProjectScopedViewSet, ReadMixin
from cases.api.errors import Conflict
from cases.api.records import (
    SMALL_INT,
    VERSION,
    NamedByItemAndCriterion,
    OnScale,
    WritesThroughActions,
    criterion_field,
    evidence_field,
    own_rows_for_coders,
    stale_conflict,
    versioned_delete,
)
from cases.coding.actions import CodingRefused, StaleWrite, save_coding
from cases.lib import limits
from cases.lib.validators import MaxCharacters
from cases.models import Assignment, Coding


class CodingSerializer(OnScale, NamedByItemAndCriterion, serializers.ModelSerializer):
    evidence = evidence_field()
    criterion = criterion_field()
    coder = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Always the signed-in coder on create."
    )
    value = serializers.IntegerField(**SMALL_INT)
    note = serializers.CharField(
        required=False, allow_blank=True, validators=[MaxCharacters(limits.NOTE)]
    )
    version = serializers.IntegerField(**VERSION)
    submitted = serializers.BooleanField(
        read_only=True, help_text="Whether the coder has submitted the item."
    )

    class Meta:
        model = Coding
        validators = []  # uniqueness is checked by the view: a duplicate is a 409 conflict
        fields = [
            "id",
            "evidence",
            "criterion",
            "coder",
            "value",
            "note",
            "version",
            "submitted",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        if self.instance is None:
            assignment = Assignment.objects.filter(
                evidence=attrs["evidence"], coder=self.context["request"].user
            ).first()
            if assignment is None:
                raise serializers.ValidationError(
                    {"evidence": ["This item is not assigned to you."]}
                )
            if assignment.status == Assignment.Status.SUBMITTED:
                raise serializers.ValidationError(
                    {"evidence": ["You have submitted this item; reopen it to change your codes."]}
                )
        return attrs


@versioned_delete
class CodingViewSet(ReadMixin, WritesThroughActions, DestroyMixin, ProjectScopedViewSet):
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

    # The writes go through cases.coding.actions.save_coding: the same checks and
    # compare-and-set as the coding page, so the API cannot do what the page refuses.

    def add(self, data: dict) -> Coding:
        return self._save(
            evidence=data["evidence"],
            criterion=data["criterion"],
            value=data["value"],
            note=data.get("note", "").strip(),
            version=0,
        )

    def change(self, coding: Coding, data: dict, version: int) -> None:
        self._save(
            evidence=coding.evidence,
            criterion=coding.criterion,
            value=data.get("value", coding.value),
            note=data.get("note", coding.note).strip(),
            version=version,
        )

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
            raise stale_conflict(version, current, missing="not coded") from None
        except CodingRefused as exc:
            raise Conflict(str(exc)) from None
