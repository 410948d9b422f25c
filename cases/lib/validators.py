"""Model field validators over ``cases.lib.limits``. ModelForms (the pages and the admin) and the
API's model serializers run a field's validators, so each way in refuses the same text with the
same message, shown beside the field or under its name."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible

from cases.lib import limits
from cases.sources import check_key


@deconstructible
class MaxCharacters(MaxLengthValidator):
    """Django's MaxLengthValidator, with the numbers written as people read them."""

    message = "At most %(limit)s characters (this has %(count)s)."

    def __call__(self, value) -> None:
        if len(value) > self.limit_value:
            params = {"limit": f"{self.limit_value:,}", "count": f"{len(value):,}"}
            raise ValidationError(self.message, code=self.code, params=params)


def _refuse(problem: str | None) -> None:
    if problem:
        raise ValidationError(problem[0].upper() + problem[1:] + ".", code="invalid")


def validate_key(value: str) -> None:
    """Evidence and source keys: the rule the forms and the importers apply (no spaces, no
    markup, no invisible characters)."""
    _refuse(check_key(value))


def validate_identifier(value: str) -> None:
    """Codes (dyad, period, criterion) and versions: nothing invisible, no bidirectional
    controls."""
    _refuse(limits.identifier_problem(value))


def validate_line(value: str) -> None:
    """Names and labels: no control characters and no bidirectional controls."""
    _refuse(limits.line_problem(value))


def validate_csl(value) -> None:
    if not isinstance(value, dict):
        raise ValidationError("A CSL-JSON record is an object {…}.", code="invalid")
    problems = limits.csl_problems(value)
    if problems:
        raise ValidationError([message for _, message in problems[:20]], code="invalid")


def validate_indicators(value) -> None:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ValidationError("Indicators are a list of texts.", code="invalid")
    if len(value) > limits.INDICATORS:
        raise ValidationError(
            f"At most {limits.INDICATORS} indicators (this has {len(value)}).", code="invalid"
        )
    for number, text in enumerate(value, start=1):
        problem = limits.text_problem(text, limits.INDICATOR)
        if problem:
            raise ValidationError(f"Indicator {number}: {problem}.", code="invalid")


# A criterion's translations: {"tr": {"name": "...", "definition": "..."}}, language tags as
# the interface's (tr, en, pt-br); each text within the limits of the criterion's own.
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})?")
TRANSLATED_FIELDS = {"name": limits.NAME, "definition": limits.DEFINITION}


def validate_criterion_translations(value) -> None:
    if not isinstance(value, dict):
        raise ValidationError(
            'Translations are an object of languages: {"tr": {"name": ..., "definition": ...}}.',
            code="invalid",
        )
    for language, texts in value.items():
        if not isinstance(language, str) or not _LANGUAGE_TAG.fullmatch(language):
            raise ValidationError(
                f"{language!r} is not a language tag in small letters (tr, en, pt-br).",
                code="invalid",
            )
        if not isinstance(texts, dict) or not texts:
            raise ValidationError(
                f'Translation "{language}": an object with "name" and/or "definition".',
                code="invalid",
            )
        for field, text in texts.items():
            if field not in TRANSLATED_FIELDS:
                raise ValidationError(
                    f'Translation "{language}": "{field}" is not translated; only name and '
                    "definition are.",
                    code="invalid",
                )
            if not isinstance(text, str) or not text.strip():
                raise ValidationError(
                    f'Translation "{language}", {field}: a text that is not empty.', code="invalid"
                )
            problem = limits.text_problem(text, TRANSLATED_FIELDS[field])
            if field == "name" and "\n" in text:
                problem = "one line"
            if problem:
                raise ValidationError(
                    f'Translation "{language}", {field}: {problem}.', code="invalid"
                )
