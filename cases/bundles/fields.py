"""An entry's fields as the checks read them: its objects, its text, its names, its characters."""

from collections.abc import Iterator
from typing import Any

from cases.bundles.problems import Path, Problems
from cases.lib import limits
from cases.sources import check_key

# Characters are told apart by their Unicode category, which a schema's pattern cannot name;
# cases.lib.limits holds these rules for every way text comes in.
# Identifiers: nothing invisible (bidirectional controls, zero-width spaces, line breaks).
# (Keys are checked by check_key, which says the same.)
IDENTIFIERS = {"slug", "code", "username", "citation_style", "version"}
# One-line text: no control characters and no bidirectional controls.
LINES = {"name", "framework", "group", "label", "locator_note", "footnote"}


def entries(items: Any, *path: str) -> Iterator[tuple[Path, dict]]:
    """The objects of a list, each with its path; the schema names whatever else is there."""
    if isinstance(items, list):
        for i, entry in enumerate(items):
            if isinstance(entry, dict):
                yield (*path, i), entry


def text_of(entry: dict, name: str) -> str:
    """The text of ``name``, or "" when it is missing or not text (the schema says so)."""
    value = entry.get(name)
    return value if isinstance(value, str) else ""


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def known(name: Any, names: dict | set | list) -> bool:
    return isinstance(name, str) and name in names


def hashable(value: Any) -> Any:
    """A name that is not text (a list, an object) is never the same as another."""
    return value if isinstance(value, str | int | float | None) else object()


def characters(problems: Problems, path: Path, entry: dict, *names: str) -> None:
    """No invisible character in identifiers, no control character in one-line text, nothing
    the database cannot store anywhere."""
    for name in names:
        value = entry.get(name)
        if not isinstance(value, str):
            continue
        if name in IDENTIFIERS:
            problem = limits.identifier_problem(value)
        elif name in LINES:
            problem = limits.line_problem(value)
        else:
            problem = limits.unstorable(value)
        if problem:
            problems.add(path, f'"{name}" {problem}')


def code_texts(problems: Problems, path: Path, entry: dict, name: str) -> dict[str, str]:
    """A map of criterion codes to text ("notes", "rationales"): each text storable."""
    texts = entry.get(name, {})
    if not isinstance(texts, dict) or not all(isinstance(t, str) for t in texts.values()):
        return {}  # the schema says what shape it must have
    for code, text in texts.items():
        problem = limits.unstorable(text)
        if problem:
            problems.add(path, f'"{name}" of {code} {problem}')
    return texts


def checked_key(problems: Problems, path: Path, entry: dict) -> str:
    """A source's or evidence item's key, by the rule every way in applies (check_key)."""
    characters(problems, path, entry, "key")
    key = text_of(entry, "key")
    if key and check_key(key):
        problems.add(path, check_key(key))
    return key
