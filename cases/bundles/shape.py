"""A bundle's shape, checked against its JSON Schema and named in the import's own words."""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path as FilePath
from typing import Any

from jsonschema import Draft202012Validator, validators

from cases.bundles.format import FORMAT, VERSION
from cases.bundles.problems import SECTIONS, Path, Problems, entry_path
from cases.lib import limits

SCHEMA_FILE = FilePath(__file__).parent / "schema" / "bundle-v1.schema.json"

# Values of these kinds name other entries, the scale or a date: the checks that read them name
# one of the wrong shape too (`unknown dyad "5"`, `D-RESP = "2" is not on the scale`).
NAMED_BY_CHECKS = ("reference", "optional_reference", "scale_value", "date")
# Maps of criterion codes to values or text: the key below them is a code, not a field.
CODE_MAPS = ("values", "notes", "rationales", "methods")


def _strict_integer(checker, instance: Any) -> bool:
    # JSON Schema counts 2.0 (and Python's True) as an integer; a bundle's integers are written
    # without a fraction, as the database stores them.
    return isinstance(instance, int) and not isinstance(instance, bool)


_Validator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
)


@cache
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    return _Validator(schema())


@dataclass
class Refused:
    """One value the schema refused: where it is, which keyword refused it and what it says."""

    path: Path
    keyword: str  # "required" when the value is missing
    value: Any
    rule: dict  # the (sub)schema holding the keyword, or for a missing value the value's own

    @property
    def field(self) -> str:
        return str(self.path[-1])

    @property
    def enum(self) -> str:
        return ", ".join(v for v in self.rule["enum"] if v is not None)


def check_shape(doc: dict, problems: Problems) -> None:
    """Add what the schema refuses to ``problems``, each named once per entry."""
    named = set()
    for refused in _refusals(doc):
        problems.misshapen.add(refused.path)
        message = _message(refused)
        if message and (entry_path(refused.path), message) not in named:
            named.add((entry_path(refused.path), message))
            problems.add(refused.path, message)


def _refusals(doc: dict) -> Iterator[Refused]:
    for error in _validator().iter_errors(doc):
        path = tuple(error.absolute_path)
        if error.validator == "required":
            # One error per missing key, each listing them all: take the ones still missing.
            for name in error.validator_value:
                if name not in error.instance:
                    rule = _resolved(error.schema["properties"][name])
                    yield Refused((*path, name), "required", None, rule)
        else:
            yield Refused(path, str(error.validator), error.instance, error.schema)


def _resolved(rule: dict) -> dict:
    ref = rule.get("$ref", "")
    return schema()["$defs"][ref.rsplit("/", 1)[1]] if ref.startswith("#/$defs/") else rule


def _shape_of(path: Path) -> str:
    """``codings[].values.*``: the path with list indexes and criterion codes left out."""
    shape = ""
    for i, part in enumerate(path):
        if isinstance(part, int):
            shape += "[]"
        elif i and path[i - 1] in CODE_MAPS:
            shape += ".*"
        else:
            shape += f".{part}" if shape else part
    return shape


def _message(refused: Refused) -> str | None:
    """The message the import gives, or None when a check named it with more to say."""
    if any(refused.rule is schema()["$defs"][kind] for kind in NAMED_BY_CHECKS):
        return None
    shape = _shape_of(refused.path)
    if shape in MESSAGES:
        return MESSAGES[shape](refused)
    if shape in SECTIONS:
        return "must be a list"
    if shape.endswith("[]"):
        return "must be an object"
    return _text(refused)


def _text(refused: Refused) -> str:
    """What every text field is told."""
    name = refused.field
    if refused.keyword == "pattern" and refused.rule["pattern"] == r"\S":
        return f'"{name}" cannot be empty'
    if refused.keyword == "maxLength":
        return longer_than(name, refused.rule["maxLength"], len(refused.value))
    if refused.keyword in ("required", "type"):
        return f'"{name}" must be a string'
    return f'"{name}" is refused by the schema ({refused.keyword})'


def longer_than(name: str, limit: int, length: int) -> str:
    return f'"{name}" is longer than {limit:,} characters (it has {length:,})'


def _too_long(refused: Refused, name: str) -> str:
    """ "notes" of D-RESP is too long: at most 10,000 characters (this has 10,001)."""
    return f"{name} is too long: {limits.too_long(refused.value, refused.rule['maxLength'])}"


def _slug(refused: Refused) -> str | None:
    if refused.keyword != "pattern" or refused.rule["pattern"] == r"\S":
        return _text(refused)
    if limits.identifier_problem(refused.value):
        return None  # its invisible character is named, and is what is wrong
    return f'slug "{refused.value}" may use only letters, digits, - and _'


def _version(refused: Refused) -> str:
    if refused.keyword == "maxLength":
        return _too_long(refused, '"version"')
    return '"version" must be a string'


def _indicator(refused: Refused) -> str:
    if refused.keyword == "maxLength":
        return _too_long(refused, f'"indicators[{refused.path[-1]}]"')
    return '"indicators" must be a list of strings'


def _indicators(refused: Refused) -> str:
    if refused.keyword == "maxItems":
        return f'"indicators" lists more than {refused.rule["maxItems"]}'
    return '"indicators" must be a list of strings'


def _code_texts(name: str) -> Callable[[Refused], str]:
    def message(refused: Refused) -> str:
        if refused.keyword == "maxLength":
            return _too_long(refused, f'"{name}" of {refused.path[-1]}')
        return f'"{name}" must map criterion codes to text'

    return message


def _unknown(refused: Refused) -> str:
    return f'unknown {refused.field} "{refused.value}"'


def _one_of(refused: Refused) -> str:
    return f'"{refused.field}" must be one of {refused.enum}'


def _one_of_found(refused: Refused) -> str:
    return f"{refused.field} must be one of {refused.enum}, found {refused.value!r}"


def _state(refused: Refused) -> str:
    return f'"{refused.field}" must be an ISO 3166-1 alpha-3 code such as "TUR"'


def _field(name: str, what: str) -> Callable[[Refused], str]:
    """A field of a document or a passage: missing, too long, or not what it must be."""

    def message(refused: Refused) -> str:
        if refused.keyword == "required":
            return f'"{name}" is missing'
        if refused.keyword == "maxLength":
            return _too_long(refused, f'"{name}"')
        return f'"{name}" must be {what}'

    return message


# The messages of the fields that say more than a text field's, by the shape of their path.
MESSAGES: dict[str, Callable[[Refused], str | None]] = {
    "format": lambda r: f'must be "{FORMAT}", found {r.value!r}',
    "version": lambda r: f"this sccoder reads version {VERSION}, found {r.value!r}",
    "project": lambda r: "must be an object with slug and name",
    "project.slug": _slug,
    "project.rule_version": lambda r: f'rule_version "{r.value}" is not a rule: use "v1" or "v2"',
    "project.data_licence": lambda r: (
        f'data_licence "{r.value}" is not one sccoder offers: use one of {r.enum}'
    ),
    "codebook": lambda r: "must be an object with name, scale and criteria",
    "codebook.version": _version,
    "codebook.scale": lambda r: "must list at least two values",
    "codebook.scale[]": lambda r: '"value" must be an integer',
    "codebook.scale[].value": lambda r: '"value" must be an integer',
    "codebook.criteria": lambda r: "must list at least one criterion",
    "codebook.criteria[].indicators": _indicators,
    "codebook.criteria[].indicators[]": _indicator,
    "codebook.criteria[].carry_forward": lambda r: '"carry_forward" must be true or false',
    "codebook.criteria[].verification": _one_of,
    "codebook.criteria[].retired_in": lambda r: (
        '"retired_in" must be the number of a codebook version (1 or more)'
    ),
    "members[]": lambda r: "must be an object with username and role",
    "members[].role": _one_of_found,
    "dyads[].state_a": _state,
    "dyads[].state_b": _state,
    "dyads[].periods": lambda r: '"periods" must be a list',
    "dyads[].periods[].start_year": lambda r: '"start_year" must be an integer year',
    "dyads[].periods[].end_year": lambda r: '"end_year" must be an integer year or null (open)',
    "communities[]": lambda r: "must be an object with code, name and states",
    "communities[].states": lambda r: (
        '"states" must list three or more ISO 3166-1 alpha-3 codes such as "DNK" (two states '
        "are a dyad: list it under dyads)"
    ),
    "communities[].states[]": lambda r: '"states" must hold ISO 3166-1 alpha-3 codes such as "DNK"',
    "communities[].periods": lambda r: '"periods" must be a list',
    "communities[].periods[].start_year": lambda r: '"start_year" must be an integer year',
    "communities[].periods[].end_year": lambda r: (
        '"end_year" must be an integer year or null (open)'
    ),
    "evidence[].states": lambda r: '"states" must be a list of ISO 3166-1 alpha-3 codes',
    "evidence[].states[]": lambda r: '"states" must hold ISO 3166-1 alpha-3 codes such as "DNK"',
    "sources[]": lambda r: "must be an object with key and csl",
    "sources[].csl": lambda r: '"csl" must be a CSL-JSON object',
    "evidence[].evidence_type": _unknown,
    "evidence[].assessed_stage": _unknown,
    "evidence[].assessed_coupling": _unknown,
    "codings[].submitted": lambda r: '"submitted" must be true or false',
    "codings[].values": lambda r: '"values" must be an object mapping criterion codes to values',
    "codings[].notes": _code_texts("notes"),
    "codings[].notes.*": _code_texts("notes"),
    "consensus[].values": lambda r: '"values" must be an object mapping criterion codes to values',
    "consensus[].rationales": _code_texts("rationales"),
    "consensus[].rationales.*": _code_texts("rationales"),
    "consensus[].method": _one_of,
    "consensus[].methods": lambda r: (
        '"methods" must be an object mapping criterion codes to methods'
    ),
    "consensus[].methods.*": lambda r: f'"methods" must map criterion codes to one of {r.enum}',
    "sources[].document": lambda r: (
        '"document" must be an object with sha256, media_type and filename'
    ),
    "sources[].document.sha256": _field("document.sha256", "64 lowercase hexadecimal digits"),
    "sources[].document.media_type": lambda r: _field("document.media_type", f"one of {r.enum}")(r),
    "sources[].document.filename": _field("document.filename", "a file name"),
    "sources[].document.page_labels": _field("document.page_labels", "a list of labels"),
    "sources[].document.page_labels[]": _field(
        "document.page_labels", "a list of labels (at most 60 characters each)"
    ),
    "evidence[].passage": lambda r: (
        '"passage" must be an object with document, exact, start, end and page_index'
    ),
    "evidence[].passage.document": _field(
        "passage.document", "a SHA-256 (64 lowercase hexadecimal digits)"
    ),
    "evidence[].passage.exact": _field("passage.exact", "the passage's text"),
    "evidence[].passage.start": _field("passage.start", "an integer, 0 or more"),
    "evidence[].passage.end": _field("passage.end", "an integer, 1 or more"),
    "evidence[].passage.page_index": _field("passage.page_index", "an integer, 0 or more"),
    "stage_judgments[].stage": _one_of_found,
    "stage_judgments[].coupling": lambda r: (
        f'coupling must be null, "loosely" or "tightly", found {r.value!r}'
    ),
}
