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
from cases.documents.taking import (
    PassageRefused,
    check_quote,
    find_passage,
    passage_at,
    passage_json,
    store_passage,
    stored_passage,
)
from cases.models import Dyad, Evidence, EvidencePassage, Period, Source


def source_field(**kwargs) -> InProject:
    return InProject(
        slug_field="key",
        queryset=Source.objects.all(),
        scope=lambda project: {"project": project},
        name="source",
        **kwargs,
    )


class PassageSerializer(serializers.Serializer):
    """Where in the quoted work's document the quote was taken: W3C Web Annotation selectors.
    Send ``exact`` (with ``prefix``, ``suffix`` and ``page`` to tell repeated words apart) or
    ``start`` and ``end`` (offsets in the document's whole text); the server finds the passage in
    the document's own text and answers with every selector."""

    exact = serializers.CharField(
        required=False, trim_whitespace=False, help_text="TextQuoteSelector: the words selected."
    )
    prefix = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="Text just before."
    )
    suffix = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="Text just after."
    )
    page = serializers.IntegerField(
        required=False, min_value=0, help_text="0-based index of the page the passage starts on."
    )
    start = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="TextPositionSelector: offset in the document's whole text (pages joined by a "
        "form feed).",
    )
    end = serializers.IntegerField(required=False, min_value=1, help_text="End offset (excluded).")
    page_label = serializers.CharField(read_only=True, help_text="The page's label as printed.")
    document_sha256 = serializers.CharField(
        read_only=True, help_text="The SHA-256 of the file the offsets count in."
    )

    def validate(self, attrs):
        if not attrs.get("exact") and ("start" not in attrs or "end" not in attrs):
            raise serializers.ValidationError(
                "Send the passage's words (exact) or its offsets (start and end)."
            )
        return attrs


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
    passage = PassageSerializer(
        required=False,
        allow_null=True,
        help_text="The passage of the quoted work's document the quote was taken from, or null. "
        "Left out (or null) on an update: the stored passage stays, and the quote must still "
        "match it.",
    )

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
            "passage",
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
            if name not in ("period_code", "version", "passage"):
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
        self._taken = self._checked_passage(item, attrs.pop("passage", None))
        return attrs

    def _checked_passage(self, item: Evidence, sent: dict | None):
        """The passage to store with the item (found again by the server), or None; refused as
        a field error when the quote has left its words."""
        current = self.instance
        stored = EvidencePassage.objects.filter(evidence=current).first() if current else None
        work = item.via_source or item.source
        try:
            if sent and sent.get("exact"):
                taken = find_passage(
                    work,
                    exact=sent["exact"],
                    prefix=sent.get("prefix", ""),
                    suffix=sent.get("suffix", ""),
                    page_index=sent.get("page"),
                    start=sent.get("start"),
                    end=sent.get("end"),
                )
            elif sent:
                taken = passage_at(work, sent["start"], sent["end"])
            elif stored is not None:
                was = current.via_source_id or current.source_id
                if work.pk != was:
                    raise PassageRefused(
                        "via_source" if item.via_source_id else "source",
                        "The quote is a passage of another source's document: keep that "
                        "source, or send the passage in this source's document.",
                    )
                taken = stored_passage(stored)
            else:
                return None
            check_quote(item.quote, taken)
        except PassageRefused as refusal:
            raise serializers.ValidationError({refusal.field: [str(refusal)]}) from None
        return taken

    def create(self, validated_data):
        item = super().create(validated_data)
        if self._taken is not None:
            store_passage(item, self._taken)
        return item

    def update(self, instance, validated_data):
        item = super().update(instance, validated_data)
        if self._taken is not None:
            store_passage(item, self._taken)
        return item

    def to_representation(self, instance):
        data = super().to_representation(instance)
        try:
            passage = instance.passage  # select_related by the viewset: no query per item
        except EvidencePassage.DoesNotExist:
            passage = None
        data["passage"] = passage_json(passage) if passage else None
        return data


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
            .select_related("dyad", "period", "source", "via_source", "created_by", "passage")
            .order_by("key", "pk")
        )

    def create_values(self) -> dict:
        return {"project": self.project, "created_by": self.request.user}

    def created(self, instance) -> None:
        auto_assign([instance], self.project)
