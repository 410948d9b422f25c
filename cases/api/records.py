"""What the endpoints of evidence and of what is coded from it share: version fields, records
named by code (a period by its dyad's code and its own), the coder's own rows, and writes that
go through the domain's actions.

A period is named by its dyad's code and its own code (``"dyad": "TUR-AZE", "period": "P2"``),
as in the bundle format. Versioned records carry ``version``: an update must send the version it
last read (a stale one is refused with 409, with the current record).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from cases.api.base import IF_MATCH, VERSION_PARAMETER, CreateMixin, UpdateMixin
from cases.api.errors import STALE, Conflict
from cases.api.fields import MAX_KEY_LENGTH, InProject, has_nul
from cases.api.permissions import raw_coding_scope
from cases.api.serializers import fixed_once_created
from cases.models import Criterion, Dyad, Evidence, Period

# --- fields and checks of the serializers ------------------------------------------------

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


def decided_by_field() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="The reviewer; null for a unanimous row or an imported decision.",
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


class OnScale:
    """Values must be points of the project's codebook scale (0 absent … 3 strong)."""

    def validate_value(self, value):
        scale = self.context["scale"]
        if value is not None and value not in scale:
            raise serializers.ValidationError(
                f"{value} is not on the codebook's scale ({', '.join(map(str, scale))})."
            )
        return value


class NamedByItemAndCriterion:
    """The item and the criterion a record is about never change once it exists (a serializer
    without an ``evidence`` field simply never calls ``validate_evidence``)."""

    def validate_evidence(self, item):
        return fixed_once_created(self, item, self.instance and self.instance.evidence, "The item")

    def validate_criterion(self, criterion):
        return fixed_once_created(
            self, criterion, self.instance and self.instance.criterion, "The criterion"
        )


# --- what the viewsets share ---------------------------------------------------------------

versioned_delete = extend_schema_view(
    destroy=extend_schema(parameters=[IF_MATCH, VERSION_PARAMETER])
)


def own_rows_for_coders(queryset, membership, coder_field: str = "coder"):
    """Everyone's rows for admins and reviewers, a coder's own for a coder, 403 otherwise."""
    if raw_coding_scope(membership) == "own":
        return queryset.filter(**{coder_field: membership.user})
    return queryset


def stale_conflict(sent: int, current: dict | None, *, missing: str) -> Conflict:
    """409 for a write at a version that is no longer current: the record as it is now, or
    ``missing`` saying why there is none."""
    return Conflict(
        STALE.format(sent=sent, current=current["version"] if current else missing),
        current=current,
        current_version=current["version"] if current else None,
    )


def refusal_as_field_error(refusal: Exception) -> ValidationError:
    """A domain refusal worded "field: what to fix" as the API's 400 on that field."""
    field, _, message = str(refusal).partition(": ")
    return ValidationError({field: [message]})


class WritesThroughActions(CreateMixin, UpdateMixin):
    """Create and update through the domain's own write, the one the pages and the admin call,
    never ``serializer.save()``: the API cannot do what a page refuses, and every change claims
    its version and leaves its history the same way. The serializer checks the input first;
    subclasses implement ``add`` and ``change``."""

    def add(self, data: dict):
        raise NotImplementedError

    def change(self, row, data: dict, version: int) -> None:
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.refuse_duplicate(data)
        row = self.add(data)
        return Response(self.fresh(row.pk), status=201)

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        row = self.get_object()
        self.check_if_match(request, row)
        serializer = self.get_serializer(row, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.change(row, data, self.sent_version(request, data.get("version")))
        return Response(self.fresh(row.pk))
