"""Source keys: what a key may be (check_key), and the keys given to records that come without
one (authorYEAR, with a, b, … to tell works apart). Pure: no Django."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from cases.lib import limits
from cases.sources.records import ParsedSource, Problems

KEY_MAX_LENGTH = limits.KEY
KEY_PATTERN = re.compile(r"^\w[\w:.+-]*$")
KEY_RULE = "use letters, digits and _ - : . + only, starting with a letter or digit"


def check_key(key: str) -> str | None:
    """None when ``key`` can be a source key, else what is wrong with it."""
    if not key:
        return "the key cannot be empty"
    if len(key) > KEY_MAX_LENGTH:
        return f"the key is longer than {KEY_MAX_LENGTH} characters"
    invisible = limits.identifier_problem(key)
    if invisible:
        return f"the key {invisible}"
    if not KEY_PATTERN.fullmatch(key):
        return f'"{key}" cannot be a key: {KEY_RULE}'
    return None


_FOLD = str.maketrans({"ı": "i", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d"})


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    return re.sub(r"[^a-z0-9]", "", folded.encode("ascii", "ignore").decode())


def _key_stem(csl: Mapping) -> str:
    """authorYEAR: the first author's (or editor's) family name and the year, folded to ASCII."""
    names = csl.get("author") or csl.get("editor") or []
    stem = ""
    if names and isinstance(names[0], Mapping):
        stem = _ascii_word(str(names[0].get("family") or names[0].get("literal") or ""))
    if not stem:
        words = [_ascii_word(w) for w in str(csl.get("title") or "").split()]
        stem = next((w for w in words if len(w) > 3), next((w for w in words if w), "source"))
    year = _year_of(csl)
    return f"{stem[:40]}{year if year is not None else 'nd'}"


def _year_of(csl: Mapping) -> int | None:
    try:
        return int(csl["issued"]["date-parts"][0][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _suffixes() -> Iterable[str]:
    """The suffixes that tell apart two works of an author's year: none, a, b, …, z, aa, …"""
    yield ""
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield from letters
    for first in letters:
        for second in letters:
            yield first + second


def assign_keys(
    records: list[tuple[str | None, dict, str]], taken: Iterable[str], problems: Problems
) -> list[ParsedSource]:
    """Give every record a key. Given keys must be unique within the paste (ignoring case, as the
    citation formatter does); generated ones also avoid the keys in ``taken``."""
    used: dict[str, str] = {}  # lower-cased key -> origin
    for key, _csl, origin in records:
        if key is None:
            continue
        if key.lower() in used:
            problems.add(origin, f'the key "{key}" is used twice (also at {used[key.lower()]})')
        else:
            used[key.lower()] = origin
    blocked = set(used) | {k.lower() for k in taken}
    parsed = []
    for key, csl, origin in records:
        generated = key is None
        if generated:
            stem = _key_stem(csl)
            key = next(stem + s for s in _suffixes() if (stem + s).lower() not in blocked)
            blocked.add(key.lower())
        parsed.append(ParsedSource(key=key, csl=csl, origin=origin, key_generated=generated))
    return parsed
