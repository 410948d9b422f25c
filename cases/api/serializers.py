"""Serializers of a project's structure: the project, its members, codebook and criteria, dyads
and periods, and sources. Evidence and everything coded from it have a module each (``evidence``,
``codings``, ``consensus``…), serializer and viewset together.

Validation reuses the models' own ``clean()`` rules, so the API refuses exactly what the pages
and the bundle import refuse, with the message beside the field it concerns.
"""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from cases.api.errors import field_errors
from cases.api.fields import InProject, NulFreeJSONField, StateList, Username
from cases.lib import limits
from cases.lib.validators import MaxCharacters
from cases.models import (
    Codebook,
    Criterion,
    Dyad,
    Evidence,
    Membership,
    Period,
    Project,
    Role,
    Source,
)
from cases.sources import SourceImportError, check_key, parse_csl_json
from cases.sources.citations import style_exists

YEAR = {"min_value": 1, "max_value": 9999}


def fixed_once_created(serializer, value, current, what: str):
    """Identifiers other records and exported bundles refer to never change."""
    if serializer.instance is not None and value != current:
        raise serializers.ValidationError(f"{what} cannot change once created.")
    return value


def checked(candidate) -> None:
    """Run a model's clean() and turn its errors into the API's field errors."""
    try:
        candidate.clean()
    except DjangoValidationError as exc:
        raise serializers.ValidationError(field_errors(exc)) from None


class CodebookBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Codebook
        fields = ["id", "name", "version"]


class ProjectSerializer(serializers.ModelSerializer):
    codebook = CodebookBriefSerializer(read_only=True)
    role = serializers.ChoiceField(
        source="my_role", choices=Role.choices, read_only=True, help_text="Your role here."
    )

    class Meta:
        model = Project
        fields = [
            "slug",
            "name",
            "description",
            "citation_style",
            "data_licence",
            "codebook",
            "role",
            "created_at",
        ]
        read_only_fields = ["slug", "created_at"]

    def validate_citation_style(self, value: str) -> str:
        if not style_exists(value):
            raise serializers.ValidationError(
                f'"{value}" is not a CSL style sccoder knows (e.g. chicago-author-date, apa).'
            )
        return value


class MemberSerializer(serializers.ModelSerializer):
    username = Username(source="user")

    class Meta:
        model = Membership
        validators = []  # uniqueness is checked in validate_*, with a message that says why
        fields = ["id", "username", "role"]

    def validate_username(self, user):
        fixed_once_created(self, user, self.instance and self.instance.user, "A membership's user")
        project = self.context["project"]
        others = Membership.objects.filter(project=project, user=user)
        if self.instance is None and others.exists():
            raise serializers.ValidationError(
                f"{user.username} is already a member; change their role instead."
            )
        return user


class ScaleValueSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()


class CodebookSerializer(serializers.ModelSerializer):
    scale = ScaleValueSerializer(many=True, read_only=True)

    class Meta:
        model = Codebook
        fields = ["id", "name", "version", "scale"]


class CriterionSerializer(serializers.ModelSerializer):
    indicators = serializers.ListField(
        child=serializers.CharField(validators=[MaxCharacters(limits.INDICATOR)]),
        required=False,
        max_length=limits.INDICATORS,
    )

    class Meta:
        model = Criterion
        validators = []  # uniqueness is checked in validate_*, with a message that says why
        fields = [
            "id",
            "code",
            "name",
            "framework",
            "group",
            "definition",
            "indicators",
            "carry_forward",
            "order",
            "verification",
            "notes",
        ]
        extra_kwargs = {"order": {"max_value": 2**31 - 1}}

    def validate_code(self, code: str) -> str:
        fixed_once_created(self, code, self.instance and self.instance.code, "A criterion's code")
        codebook = self.context["project"].codebook
        clash = Criterion.objects.filter(codebook=codebook, code=code)
        if self.instance is None and clash.exists():
            raise serializers.ValidationError(f"The codebook already has a criterion {code}.")
        return code


class PeriodBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Period
        fields = ["id", "code", "label", "start_year", "end_year"]


class DyadSerializer(serializers.ModelSerializer):
    periods = PeriodBriefSerializer(many=True, read_only=True)
    extra_states = StateList(
        help_text='A community\'s further members beyond state_a and state_b, e.g. ["SWE"]; '
        "empty for a dyad. Fixed once created."
    )
    member_states = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Every member state."
    )

    class Meta:
        model = Dyad
        validators = []  # uniqueness is checked in validate_*, with a message that says why
        fields = [
            "id",
            "code",
            "state_a",
            "state_b",
            "name",
            "periods",
            "extra_states",
            "member_states",
        ]

    def validate_code(self, code: str) -> str:
        fixed_once_created(self, code, self.instance and self.instance.code, "A dyad's code")
        clash = Dyad.objects.filter(project=self.context["project"], code=code)
        if self.instance is None and clash.exists():
            raise serializers.ValidationError(f"The project already has a dyad {code}.")
        return code

    def validate_state_a(self, value: str) -> str:
        return fixed_once_created(self, value, self.instance and self.instance.state_a, "A state")

    def validate_state_b(self, value: str) -> str:
        return fixed_once_created(self, value, self.instance and self.instance.state_b, "A state")

    def validate_extra_states(self, value: str) -> str:
        current = self.instance and self.instance.extra_states
        return fixed_once_created(self, value, current, "A community's members")

    def validate(self, attrs):
        if self.instance is None:
            case = Dyad(project=self.context["project"], **attrs)
            checked(case)
            attrs["extra_states"] = case.extra_states  # as clean() wrote them
        return attrs


class PeriodSerializer(serializers.ModelSerializer):
    dyad = InProject(
        slug_field="code",
        queryset=Dyad.objects.all(),
        scope=lambda project: {"project": project},
        name="dyad",
    )
    start_year = serializers.IntegerField(**YEAR)
    end_year = serializers.IntegerField(
        **YEAR, allow_null=True, required=False, help_text="null: the period is still open."
    )

    class Meta:
        model = Period
        validators = []  # uniqueness is checked in validate(), with a message that says why
        fields = ["id", "dyad", "code", "label", "start_year", "end_year"]

    def validate_dyad(self, dyad):
        return fixed_once_created(self, dyad, self.instance and self.instance.dyad, "A dyad")

    def validate(self, attrs):
        current = self.instance
        values = {
            name: attrs.get(name, getattr(current, name, None))
            for name in ("dyad", "code", "label", "start_year", "end_year")
        }
        values["label"] = values["label"] or ""
        clash = Period.objects.filter(dyad=values["dyad"], code=values["code"])
        if current is not None:
            clash = clash.exclude(pk=current.pk)
        if clash.exists():
            raise serializers.ValidationError(
                {"code": [f"{values['dyad'].code} already has a period {values['code']}."]}
            )
        checked(Period(pk=current.pk if current else None, **values))
        if current is not None:
            self._keep_evidence_inside(current, values["start_year"], values["end_year"])
        return attrs

    @staticmethod
    def _keep_evidence_inside(period: Period, start: int, end: int | None) -> None:
        """An item belongs to the period of its date's start year: a new span must keep it."""
        outside = Evidence.objects.filter(period=period, date_start__year__lt=start)
        if end is not None:
            outside = outside | Evidence.objects.filter(period=period, date_start__year__gt=end)
        count = outside.count()
        if count:
            raise serializers.ValidationError(
                {
                    "start_year": [
                        f"{count} evidence item(s) of {period.code} would fall outside "
                        "the new span; move them to another period first."
                    ]
                }
            )


class SourceSerializer(serializers.ModelSerializer):
    csl = NulFreeJSONField(help_text="The CSL-JSON item (type, title, author, issued, ...).")

    class Meta:
        model = Source
        validators = []  # uniqueness is checked in validate_*, with a message that says why
        fields = ["id", "key", "csl", "title", "authors", "year"]
        read_only_fields = ["title", "authors", "year"]

    def validate_key(self, key: str) -> str:
        problem = check_key(key)
        if problem:
            raise serializers.ValidationError(problem)
        clash = Source.objects.filter(project=self.context["project"], key__iexact=key)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        other = clash.first()
        if other is not None:
            raise serializers.ValidationError(
                f'The project already has a source "{other.key}" (keys ignore case).'
            )
        return key

    def validate_csl(self, csl):
        if not isinstance(csl, dict):
            raise serializers.ValidationError("Give one CSL-JSON object {…}.")
        record = {k: v for k, v in csl.items() if k not in ("id", "citation-key")}
        try:
            (parsed,) = parse_csl_json(json.dumps(record))
        except SourceImportError as exc:
            raise serializers.ValidationError(
                [problem.removeprefix("item 1: ") for problem in exc.problems]
            ) from None
        return parsed.csl
