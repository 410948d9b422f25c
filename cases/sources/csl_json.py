"""CSL-JSON in (one object or a list, as Zotero and Better BibTeX export them): each item checked,
tidied and named by its position ("item 3: …"), and the CSL vocabulary. Pure: no Django."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from cases.lib import limits
from cases.lib.dates import csl_date_parts
from cases.sources.keys import assign_keys, check_key
from cases.sources.records import ParsedSource, Problems, SourceImportError


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# CSL 1.0.2 item types.
CSL_TYPES = _words(
    """article article-journal article-magazine article-newspaper bill book broadcast chapter
    classic collection dataset document entry entry-dictionary entry-encyclopedia event figure
    graphic hearing interview legal_case legislation manuscript map motion_picture musical_score
    pamphlet paper-conference patent performance periodical personal_communication post
    post-weblog regulation report review review-book software song speech standard thesis treaty
    webpage"""
)
NAME_VARIABLES = _words(
    """author chair collection-editor compiler composer container-author contributor curator
    director editor editorial-director executive-producer guest host illustrator interviewer
    narrator organizer original-author performer producer recipient reviewed-author
    script-writer series-creator translator"""
)
DATE_VARIABLES = _words("accessed available-date event-date issued original-date submitted")
# Variables that hold text; numbers are accepted and stored as text (Zotero writes "volume": 20).
TEXT_VARIABLES = _words(
    """abstract annote archive archive_location archive-place authority call-number
    chapter-number citation-label collection-number collection-title container-title
    container-title-short dimensions division DOI edition event event-place event-title genre
    ISBN ISSN issue jurisdiction keyword language locator medium note number number-of-pages
    number-of-volumes original-publisher original-publisher-place original-title page
    page-first part-number part-title PMCID PMID printing-number publisher publisher-place
    references reviewed-genre reviewed-title scale section source status supplement-number
    title title-short URL version volume volume-title year-suffix"""
)


def parse_csl_json(text: str, taken: Iterable[str] = ()) -> list[ParsedSource]:
    """One CSL-JSON object or a list of them → records; ``taken`` keys are avoided when
    generating keys."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceImportError(
            [f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"]
        ) from None
    except RecursionError:
        raise SourceImportError(
            [f"the JSON is nested more than {limits.JSON_DEPTH} levels deep"]
        ) from None
    items = [data] if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise SourceImportError(["CSL-JSON must be an object {…} or a list of objects […]"])
    if not items:
        raise SourceImportError(["the list is empty: there is nothing to import"])
    problems = Problems()
    records = []
    for number, item in enumerate(items, start=1):
        where = f"item {number}"
        if not isinstance(item, dict):
            problems.add(where, f"must be a CSL-JSON object {{…}}, not {_json_kind(item)}")
            continue
        key, csl = _checked_csl_item(item, where, problems)
        problems.add_limits(csl, where)
        records.append((key, csl, where))
    problems.raise_if_any()
    parsed = assign_keys(records, taken, problems)
    problems.raise_if_any()
    return parsed


def _json_kind(value) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    return "an object"


def _checked_csl_item(item: dict, where: str, problems: Problems) -> tuple[str | None, dict]:
    """Check one item; return its key (None: generate one) and the CSL to store.

    Known variables are checked and tidied (numbers become text, date parts become numbers);
    any other variable is kept as given. "id" and "citation-key" become the source's key."""
    csl: dict = {}
    for name, value in item.items():
        if name in ("id", "citation-key"):
            continue
        if name == "type":
            if not isinstance(value, str) or value not in CSL_TYPES:
                problems.add(
                    where,
                    f'"type" {json.dumps(value, ensure_ascii=False)} is not a CSL type '
                    "(e.g. article-journal, book, chapter, report, webpage)",
                )
            csl[name] = value
        elif name in NAME_VARIABLES:
            csl[name] = _checked_names(value, where, name, problems)
        elif name in DATE_VARIABLES:
            csl[name] = _checked_date(value, where, name, problems)
        elif name in TEXT_VARIABLES:
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                problems.add(where, f'"{name}" must be text or a number, not {_json_kind(value)}')
                continue
            csl[name] = value if isinstance(value, str) else str(value)
        else:
            csl[name] = value
    if "type" not in item:
        problems.add(where, '"type" is missing (e.g. "article-journal" or "book")')
    if not str(item.get("title") or "").strip():
        problems.add(where, '"title" is missing')
    return _key_of_item(item, where, problems), csl


def _checked_names(value, where: str, variable: str, problems: Problems) -> list:
    example = '{"family": "Doe", "given": "Jane"}'
    if not isinstance(value, list):
        problems.add(where, f'"{variable}" must be a list of names like [{example}]')
        return value
    for number, name in enumerate(value, start=1):
        if not isinstance(name, dict):
            problems.add(where, f'"{variable}" {number} must be a name like {example}')
        elif not any(_filled(name.get(k)) for k in ("family", "literal")):
            problems.add(where, f'"{variable}" {number} needs a "family" or a "literal" name')
    return value


def _filled(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


_DATE_SHAPE = '{"date-parts": [[year, month, day]]} (month and day optional)'


def _checked_date(value, where: str, variable: str, problems: Problems):
    """Date parts become numbers; a "raw" ISO date becomes date parts (citeproc-py ignores
    "raw"); a "literal" ("forthcoming") is kept."""
    if isinstance(value, dict) and "date-parts" not in value:
        if isinstance(value.get("literal"), str) and value["literal"].strip():
            return value
        if isinstance(value.get("raw"), str):
            parts = csl_date_parts(value["raw"])
            if parts is not None:
                return {k: v for k, v in value.items() if k != "raw"} | {"date-parts": parts}
    parts = value.get("date-parts") if isinstance(value, dict) else None
    if not isinstance(parts, list) or not 1 <= len(parts) <= 2:
        problems.add(where, f'"{variable}" must be {_DATE_SHAPE}')
        return value
    clean = []
    for part in parts:
        numbers = _date_numbers(part)
        if numbers is None:
            problems.add(where, f'"{variable}" must be {_DATE_SHAPE}')
            return value
        clean.append(numbers)
    return {**value, "date-parts": clean}


def _date_numbers(part) -> list[int] | None:
    if not isinstance(part, list) or not 1 <= len(part) <= 3:
        return None
    numbers = []
    for piece in part:
        if isinstance(piece, bool):
            return None
        try:
            numbers.append(int(piece))
        except (TypeError, ValueError):
            return None
    # Months 13–24 are CSL's seasons.
    bounds = [(-9999, 9999), (1, 24), (1, 31)]
    if any(not low <= n <= high for n, (low, high) in zip(numbers, bounds, strict=False)):
        return None
    return numbers


def _key_of_item(item: dict, where: str, problems: Problems) -> str | None:
    """Better BibTeX's citation-key, else an id that looks like a key; Zotero's ids are URIs
    or numbers ("http://zotero.org/users/1/items/AB12"), so those get a generated key."""
    if "citation-key" in item:
        key = str(item["citation-key"]).strip()
        problem = check_key(key)
        if problem:
            problems.add(where, f'"citation-key": {problem}')
            return None
        return key
    key = item.get("id")
    if isinstance(key, str) and re.search(r"[A-Za-z]", key) and check_key(key.strip()) is None:
        return key.strip()
    return None
