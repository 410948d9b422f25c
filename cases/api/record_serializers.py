"""Serializers of evidence and of everything coded from it: assignments, codings, consensus,
period overrides and stage judgments.

A period is named by its dyad's code and its own code (``"dyad": "TUR-AZE", "period": "P2"``),
as in the bundle format. Versioned records carry ``version``: an update must send the version it
last read (the views compare and refuse a stale one with 409).
"""

import copy

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.api.fields import MAX_KEY_LENGTH, InProject, has_nul
from cases.api.serializers import checked, fixed_once_created
from cases.lib import limits
from cases.lib.validators import MaxCharacters
from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Coupling,
    Criterion,
    Dyad,
    Evidence,
    Period,
    PeriodOverride,
    Source,
    Stage,
    StageJudgment,
)
from cases.review.adjudication import decision_codes

VERSION = {
    "min_value": 0,
    "max_value": 2**31 - 1,
    "required": False,
    "help_text": "The version you last read; an update with a stale one is refused (409).",
}
SMALL_INT = {"min_value": -32768, "max_value": 32767}


def evidence_field(**kwargs) -> InProject:
    return InProject(
        slug_field="key",
        queryset=Evidence.objects.all(),
        scope=lambda project: {"project": project},
        name="evidence item",
        **kwargs,
    )


def criterion_field(**kwargs) -> InProject:
    return InProject(
        slug_field="code",
        queryset=Criterion.objects.all(),
        scope=lambda project: {"codebook_id": project.codebook_id},
        name="criterion",
        **kwargs,
    )


@extend_schema_field(OpenApiTypes.STR)
class KeyOfPeriod(serializers.Field):
    """Reads a code off the record's period; on input hands the text to validate() as
    ``attrs[target]``, where the period is looked up (it needs the dyad and the code together)."""

    def __init__(self, *, read, target: str, **kwargs):
        self.read, self.target = read, target
        super().__init__(source="*", **kwargs)

    def to_representation(self, instance):
        return self.read(instance)

    def validate_empty_values(self, data):
        if data is None and self.allow_null:
            return True, {self.target: None}
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if not isinstance(data, str) or has_nul(data) or not 0 < len(data) <= MAX_KEY_LENGTH:
            raise serializers.ValidationError("Give the code as text, e.g. P2.")
        return {self.target: data}


def resolve_period(dyad_code: str, period_code: str, project) -> Period:
    dyad = Dyad.objects.filter(project=project, code=dyad_code).first()
    if dyad is None:
        raise serializers.ValidationError({"dyad": [f'No dyad "{dyad_code}" in this project.']})
    period = Period.objects.filter(dyad=dyad, code=period_code).select_related("dyad").first()
    if period is None:
        raise serializers.ValidationError(
            {"period": [f'{dyad.code} has no period "{period_code}".']}
        )
    return period


class OnScale:
    """Values must be points of the project's codebook scale (0 absent … 3 strong)."""

    def validate_value(self, value):
        scale = self.context["scale"]
        if value is not None and value not in scale:
            raise serializers.ValidationError(
                f"{value} is not on the codebook's scale ({', '.join(map(str, scale))})."
            )
        return value


class PeriodReference:
    """dyad + period codes in, a Period out; fixed once the record exists."""

    def take_period(self, attrs: dict) -> dict:
        dyad_code = attrs.pop("dyad_code", None)
        period_code = attrs.pop("period_code", None)
        if self.instance is not None:
            if dyad_code is not None or period_code is not None:
                current = self.instance.period
                if (dyad_code or current.dyad.code, period_code or current.code) != (
                    current.dyad.code,
                    current.code,
                ):
                    raise serializers.ValidationError(
                        {"period": ["The period cannot change once recorded."]}
                    )
            return attrs
        missing = {
            name: ["This field is required."]
            for name, value in (("dyad", dyad_code), ("period", period_code))
            if value is None
        }
        if missing:
            raise serializers.ValidationError(missing)
        attrs["period"] = resolve_period(dyad_code, period_code, self.context["project"])
        return attrs


def dyad_of_period():
    return KeyOfPeriod(read=lambda r: r.period.dyad.code, target="dyad_code")


def code_of_period():
    return KeyOfPeriod(read=lambda r: r.period.code, target="period_code")


class EvidenceSerializer(serializers.ModelSerializer):
    dyad = InProject(
        slug_field="code",
        queryset=Dyad.objects.all(),
        scope=lambda project: {"project": project},
        name="dyad",
    )
    period = KeyOfPeriod(
        read=lambda item: item.period.code,
        target="period_code",
        required=False,
        allow_null=True,
        help_text="The period's code; leave it out (or null) to place the item by its date.",
    )
    source = InProject(
        slug_field="key",
        queryset=Source.objects.all(),
        scope=lambda project: {"project": project},
        name="source",
    )
    via_source = InProject(
        slug_field="key",
        queryset=Source.objects.all(),
        scope=lambda project: {"project": project},
        name="source",
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
        attrs.pop("period_code", None)
        attrs["period"] = item.period
        return attrs


class AssignmentSerializer(serializers.ModelSerializer):
    evidence = evidence_field()
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
        fields = ["id", "evidence", "coder", "status", "assigned_at", "submitted_at"]
        read_only_fields = ["status", "assigned_at", "submitted_at"]

    def validate(self, attrs):
        if Assignment.objects.filter(evidence=attrs["evidence"], coder=attrs["coder"]).exists():
            raise serializers.ValidationError(
                {"coder": [f"{attrs['coder'].username} is already assigned this item."]}
            )
        return attrs


class CodingSerializer(OnScale, serializers.ModelSerializer):
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

    def validate_evidence(self, item):
        return fixed_once_created(self, item, self.instance and self.instance.evidence, "The item")

    def validate_criterion(self, criterion):
        return fixed_once_created(
            self, criterion, self.instance and self.instance.criterion, "The criterion"
        )

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


WHY = "Say why you decided so; a decision needs its rationale."


class ConsensusSerializer(OnScale, serializers.ModelSerializer):
    evidence = evidence_field()
    criterion = criterion_field()
    value = serializers.IntegerField(
        **SMALL_INT, allow_null=True, help_text="null: decided that the item is not coded here."
    )
    decided_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="The reviewer; null for a unanimous row or an imported decision.",
    )
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

    def validate_evidence(self, item):
        return fixed_once_created(self, item, self.instance and self.instance.evidence, "The item")

    def validate_criterion(self, criterion):
        return fixed_once_created(
            self, criterion, self.instance and self.instance.criterion, "The criterion"
        )

    def validate(self, attrs):
        if "rationale" not in attrs:  # a PATCH that leaves it out: every decision says why
            raise serializers.ValidationError({"rationale": [WHY]})
        if self.instance is None:
            # As on the adjudication page: decide what a submitted coder coded (or revise).
            codes = decision_codes(attrs["evidence"])
            if attrs["criterion"].code not in codes:
                raise serializers.ValidationError(
                    {
                        "criterion": [
                            f"No submitted coder coded {attrs['criterion'].code} on "
                            f"{attrs['evidence'].key}; there is nothing to decide."
                        ]
                    }
                )
        return attrs


class PeriodOverrideSerializer(OnScale, PeriodReference, serializers.ModelSerializer):
    dyad = dyad_of_period()
    period = code_of_period()
    criterion = criterion_field()
    value = serializers.IntegerField(**SMALL_INT)
    rationale = serializers.CharField(validators=[MaxCharacters(limits.RATIONALE)])
    decided_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="The reviewer; null for a unanimous row or an imported decision.",
    )
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

    def validate_criterion(self, criterion):
        return fixed_once_created(
            self, criterion, self.instance and self.instance.criterion, "The criterion"
        )

    def validate(self, attrs):
        return self.take_period(attrs)


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
        if stage == Stage.MATURE and not coupling:
            raise serializers.ValidationError(
                {"coupling": ["A mature community is loosely or tightly coupled: choose one."]}
            )
        if stage != Stage.MATURE and coupling:
            raise serializers.ValidationError(
                {"coupling": ["Only a mature community is loosely or tightly coupled."]}
            )
        return attrs
