"""The source form's fields ↔ CSL: a record shown as text and typed back, changing only the fields
the user changed, so what the form does not show survives an edit. Pure: no Django."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping

from cases.lib.dates import csl_date_parts
from cases.sources.csl_json import CSL_TYPES
from cases.sources.records import normalise_doi

# Form field → CSL variable, in the order a new record's variables are written.
FORM_VARIABLES = {
    "type": "type",
    "authors": "author",
    "title": "title",
    "container_title": "container-title",
    "volume": "volume",
    "issue": "issue",
    "page": "page",
    "year": "issued",
    "publisher": "publisher",
    "doi": "DOI",
    "url": "URL",
    "accessed": "accessed",
}
_DATE_FIELDS = {"year", "accessed"}


class FormFieldErrors(ValueError):
    """The form's values cannot make a CSL record; ``errors`` maps a field to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def form_fields_from_csl(csl: Mapping) -> dict[str, str]:
    """A stored record → the form's initial values (text)."""
    fields = {}
    for field_name, variable in FORM_VARIABLES.items():
        value = csl.get(variable)
        if field_name == "authors":
            fields[field_name] = names_to_lines(value)
        elif field_name in _DATE_FIELDS:
            fields[field_name] = format_date_parts(value)
        else:
            fields[field_name] = "" if value is None else str(value)
    return fields


def csl_from_form(fields: Mapping[str, str]) -> dict:
    """The form's values → a new CSL record; empty fields are left out. Raises FormFieldErrors."""
    return update_csl({}, fields)


def update_csl(csl: Mapping, fields: Mapping[str, str]) -> dict:
    """Apply the form to a stored record. A field whose text is as the form showed it keeps the
    record's value exactly, so what the form cannot show (particles, month and day, editors,
    unknown variables) is never lost; a field emptied removes its variable. Only changed fields
    are checked: an odd value that came in through a bundle does not block an unrelated edit.
    Raises FormFieldErrors."""
    shown = form_fields_from_csl(csl)
    result = copy.deepcopy(dict(csl))
    errors: dict[str, str] = {}
    for field_name, variable in FORM_VARIABLES.items():
        value = str(fields.get(field_name) or "")
        if _normalised(field_name, value) == _normalised(field_name, shown[field_name]):
            continue
        if not value.strip():
            result.pop(variable, None)
            continue
        try:
            result[variable] = _form_value(field_name, value.strip())
        except ValueError as exc:
            errors[field_name] = str(exc)
    _check_required(result, errors)
    if errors:
        raise FormFieldErrors(errors)
    return result


def _check_required(csl: Mapping, errors: dict[str, str]) -> None:
    if not str(csl.get("title") or "").strip():
        errors.setdefault("title", "a source needs a title")
    if not csl.get("type"):
        errors.setdefault("type", "choose the kind of source")


def _form_value(field_name: str, value: str):
    if field_name == "type" and value not in CSL_TYPES:
        raise ValueError(f'"{value}" is not a CSL type')
    if field_name == "authors":
        return parse_name_lines(value)
    if field_name in _DATE_FIELDS:
        parts = csl_date_parts(value)
        if parts is not None:
            return {"date-parts": parts}
        if re.search(r"\d", value):
            raise ValueError("write a year (2024) or a date (2024-03-15)")
        return {"literal": value}  # "forthcoming", "n.d."
    if field_name == "doi":
        doi = normalise_doi(value)
        if not re.fullmatch(r"10\.\d{4,9}/\S+", doi):
            raise ValueError("a DOI looks like 10.1080/14683857.2024.2345678")
        return doi
    if field_name == "url" and not re.fullmatch(r"https?://\S+", value):
        raise ValueError("a web address starts with https:// or http://")
    return value


def _normalised(field_name: str, value: str) -> str:
    """Compare form values as the user sees them: line endings and edge spaces do not count."""
    if field_name == "authors":
        return "\n".join(_lines(value))
    return " ".join(str(value).split())


def format_date_parts(value) -> str:
    """CSL date → the form's text: "2024-03-15", "1994/1999", or the literal."""
    if not isinstance(value, Mapping):
        return ""
    if "date-parts" not in value:
        return str(value.get("literal") or value.get("raw") or "")
    texts = []
    for part in value.get("date-parts") or []:
        numbers = [int(p) for p in part]
        text = str(numbers[0]) + "".join(f"-{n:02d}" for n in numbers[1:])
        texts.append(text)
    return "/".join(texts)


def names_to_lines(names) -> str:
    """CSL names → the form's text: one per line, "Family, Given"; an organisation ("literal")
    on its own, in braces when it contains a comma."""
    lines = []
    for name in names or []:
        if not isinstance(name, Mapping):
            continue
        if name.get("literal"):
            literal = str(name["literal"])
            lines.append(f"{{{literal}}}" if "," in literal else literal)
            continue
        family = _joined(name.get("non-dropping-particle"), name.get("family"))
        given = _joined(name.get("given"), name.get("dropping-particle"))
        parts = [family, given] + ([str(name["suffix"])] if name.get("suffix") else [])
        lines.append(", ".join(parts) if given or name.get("suffix") else family)
    return "\n".join(lines)


def _joined(*parts) -> str:
    return " ".join(str(p) for p in parts if p)


def parse_name_lines(text: str) -> list[dict]:
    """The form's author lines → CSL names. "Family, Given" or "Family, Given, Suffix"; a line
    without a comma is an organisation ({braces} keep one that has a comma). Raises ValueError
    naming the line."""
    names = []
    for number, raw in enumerate(_lines(text), start=1):
        if (raw.startswith("{") and raw.endswith("}")) or "," not in raw:
            names.append({"literal": raw.strip("{}").strip()})
            continue
        parts = [p.strip() for p in raw.split(",")]
        if len(parts) > 3 or not parts[0]:
            raise ValueError(
                f'line {number}: write "Family, Given" (or an organisation without a comma), '
                f'not "{raw}"'
            )
        name = {"family": parts[0]}
        if parts[1]:
            name["given"] = parts[1]
        if len(parts) == 3 and parts[2]:
            name["suffix"] = parts[2]
        names.append(name)
    return names


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
