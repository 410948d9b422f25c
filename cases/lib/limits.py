"""How much text each field holds, and which characters keys, codes and names may not contain.

The one place these limits live. The models carry them (so the forms, the admin and the API pick
them up), and the bundle importer, the source import and the coding, judgment and review pages
check them here too; docs/limits.md lists them for the people who use sccoder.

Pure: no Django. Every check returns what is wrong, or None, so each caller can name the field
in its own way (a form beside the field, the API under its name, a bundle by its entry).
"""

import json
import unicodedata
from collections import deque
from collections.abc import Iterator

# --- identifiers and one-line text (the database columns are as wide as these) -------------

SLUG = 100  # a project's slug
KEY = 100  # an evidence item's or a source's key
CODE = 40  # a dyad's, a period's or a criterion's code
USERNAME = 150  # Django's own limit
VERSION = 40  # a codebook's version
NAME = 200  # of a project, codebook, criterion or dyad
LABEL = 200  # a period's label
SCALE_LABEL = 60  # a scale point's label ("moderate")
FRAMEWORK = 100  # a criterion's framework and group
CITATION_STYLE = 100  # a CSL style's name
DATE = 40  # an evidence date as written ("1994/1999")
LOCATOR = 60  # pages ("380–381")
LOCATOR_NOTE = 200
FOOTNOTE = 60
MEMBER_STATES = 50  # states of one community
STATES = 200  # a list of alpha-3 codes: a community's further members, the states an item concerns

# --- free text, in characters ---------------------------------------------------------------
# A printed page holds about 3,000 characters. The limits leave room for a long passage or a
# careful argument while keeping a page that lists many of them small.

QUOTE = 20_000  # an evidence item's verbatim quote
SUMMARY = 10_000  # an evidence item's summary
NOTE = 10_000  # a coder's note on one code
MEMO = 10_000  # a memo of an item's or the project's discussion
RETURN_COMMENT = 10_000  # a reviewer's comment returning an item to a coder
RATIONALE = 10_000  # of a consensus decision, a period override or a stage judgment
DEFINITION = 20_000  # a criterion's definition
CRITERION_NOTES = 20_000  # a criterion's notes
DESCRIPTION = 20_000  # a project's description
INDICATOR = 1_000  # one indicator of a criterion
INDICATORS = 200  # indicators per criterion

# --- CSL-JSON records (sources) ---------------------------------------------------------------

CSL_TEXT = 5_000  # any text of a record: title, container, publisher, a name, a URL, ...
CSL_LONG_TEXT = 20_000  # the variables that hold prose
CSL_LONG_VARIABLES = frozenset({"abstract", "annote", "note"})
CSL_RECORD = 100_000  # the whole record, as compact JSON
JSON_DEPTH = 32  # levels of nesting of any JSON value sccoder stores (a CSL record needs 4)

# Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they make
# text display in another order than it is stored, so "E1" and a lookalike could differ.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def character_name(char: str) -> str:
    """U+202E (RIGHT-TO-LEFT OVERRIDE), for messages."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def visible(text: str) -> str:
    """The text with every control and invisible formatting character written as an escape
    (\\u202e), for messages that quote what was sent."""
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") else c
        for c in text
    )


def too_long(value: str, limit: int) -> str | None:
    if len(value) <= limit:
        return None
    return f"at most {limit:,} characters (this has {len(value):,})"


def unstorable(value: str) -> str | None:
    """NUL, which PostgreSQL cannot store in text or JSON, or half of a surrogate pair, which is
    not a character at all (it comes only from a JSON escape like "\\ud800")."""
    for char in value:
        if char == "\x00":
            return "contains a NUL character (U+0000), which cannot be stored"
        if "\ud800" <= char <= "\udfff":
            return f"contains U+{ord(char):04X}, half of a surrogate pair, which is not text"
    return None


def _control(char: str) -> bool:
    return char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs")


def identifier_problem(value: str) -> str | None:
    """Keys and codes: no control or invisible formatting character of any kind (bidirectional
    controls, zero-width spaces, line breaks), so that what is shown is what is stored."""
    for char in value:
        if _control(char) or unicodedata.category(char) in ("Cf", "Zl", "Zp"):
            return f"cannot contain {character_name(char)}: use visible characters only"
    return None


def line_problem(value: str) -> str | None:
    """Names, labels and other one-line text: no control characters (line breaks, tabs, NUL)
    and no bidirectional controls. Joiners and marks that scripts need are allowed."""
    for char in value:
        if _control(char):
            return f"cannot contain {character_name(char)}"
    return None


def text_problem(value: str, limit: int) -> str | None:
    """Free text (quotes, notes, rationales): storable, and within its limit."""
    return unstorable(value) or too_long(value, limit)


def json_depth(value) -> int:
    """Levels of nesting: 0 for a number or text, 1 for [1, 2], 2 for [[1]]. Iterative, so a
    value nested past Python's recursion limit is measured too."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict):
            children = current.values()
        elif isinstance(current, list):
            children = current
        else:
            deepest = max(deepest, depth)
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def too_deep(value, limit: int = JSON_DEPTH) -> str | None:
    if json_depth(value) <= limit:
        return None
    return f"nested more than {limit} levels deep"


def strings_in(value, path: str = "") -> Iterator[tuple[str, str]]:
    """Every text in a JSON value, keys included, with where it is ("author[0].family")."""
    queue = deque([(value, path)])
    while queue:
        current, where = queue.popleft()
        if isinstance(current, str):
            yield where, current
        elif isinstance(current, dict):
            for key, child in current.items():
                inner = f"{where}.{key}" if where else str(key)
                yield inner, str(key)
                queue.append((child, inner))
        elif isinstance(current, list):
            queue.extend((child, f"{where}[{i}]") for i, child in enumerate(current))


def csl_problems(csl: dict) -> list[tuple[str, str]]:
    """What is wrong with a CSL record, as (variable, message) pairs ("" when the whole record
    is meant): nesting, characters, the length of each text and of the whole record."""
    problems = []
    for variable, value in csl.items():
        if too_deep(value, JSON_DEPTH - 1):
            problems.append(
                (variable, f'"{variable}" is nested more than {JSON_DEPTH} levels deep')
            )
    if problems:
        return problems
    for where, text in strings_in(csl):
        variable = where.split(".")[0].split("[")[0]
        limit = CSL_LONG_TEXT if variable in CSL_LONG_VARIABLES else CSL_TEXT
        problem = text_problem(text, limit)
        if problem:
            problems.append((variable, f'"{where}" {_as_predicate(problem)}'))
    size = len(json.dumps(csl, ensure_ascii=False, separators=(",", ":")))
    if size > CSL_RECORD:
        problems.append(
            (
                "",
                f"the record is too long: at most {CSL_RECORD:,} characters as JSON "
                f"(this has {size:,})",
            )
        )
    return problems


def _as_predicate(problem: str) -> str:
    """ "at most 5,000 characters (…)" reads as "is too long: at most …" after a name."""
    return f"is too long: {problem}" if problem.startswith("at most") else problem


# --- documents (a source's PDF, HTML, text or Markdown file) ---------------------------------
# Defaults of the settings SCCODER_DOCUMENT_MAX_BYTES and SCCODER_DOCUMENT_MAX_PAGES.

DOCUMENT_BYTES = 50 * 1024 * 1024
DOCUMENT_PAGES = 1_000  # a long monograph; text is extracted while the uploader waits
DOCUMENT_FILENAME = 255
PAGE_LABEL = 60  # a document page's label as printed ("xii", "213")
PASSAGE_CONTEXT = 200  # the text kept before and after a passage (its prefix and suffix)
