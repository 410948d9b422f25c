"""Bibliographic records typed, pasted or exported from Zotero → CSL-JSON items ready to store.

Pure: no Django. Three ways in, one shape out (``ParsedSource``: a key and a CSL-JSON dict):

- ``parse_csl_json(text)``: one CSL-JSON object or a list of them, as Zotero's "CSL JSON" and
  Better BibTeX's "Better CSL JSON" exports give. The key comes from ``citation-key`` or ``id``
  (when the id looks like a key rather than a Zotero URI), otherwise it is generated (authorYEAR).
- ``parse_bibtex(text)``: BibTeX or biblatex, read with bibtexparser 1.4. bibtexparser skips
  entries it cannot read without a word, so a small scanner checks the syntax first and names the
  line of the first problem; LaTeX accents and dashes become Unicode.
- ``csl_from_form(fields)`` / ``update_csl(csl, fields)``: the source form's fields. An edit
  changes only the fields the user changed, so everything the form does not show (editors, name
  particles, month and day, notes, Zotero's extra variables) survives an edit untouched.

Every problem is reported with where it is ("item 3: …", "line 12: …"); a parse either returns
every record or raises ``SourceImportError``, never a part.
"""

from __future__ import annotations

import bisect
import copy
import hashlib
import json
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import bibtexparser
from bibtexparser.bparser import BibTexParser
from bibtexparser.customization import InvalidName, splitname

from . import limits

KEY_MAX_LENGTH = limits.KEY
KEY_PATTERN = re.compile(r"^\w[\w:.+-]*$")
KEY_RULE = "use letters, digits and _ - : . + only, starting with a letter or digit"
MAX_PROBLEMS = 20


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


class SourceImportError(ValueError):
    """Nothing could be imported; ``problems`` lists each one with its item or line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class ParsedSource:
    key: str
    csl: dict
    origin: str  # where the record was in the pasted text: "item 3", "line 12"
    key_generated: bool = False


class _Problems:
    """Collects problems up to a limit, so one paste reports many mistakes at once."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.more = 0

    def add(self, where: str, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(f"{where}: {message}")
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if self.items:
            extra = [f"… and {self.more} more problems"] if self.more else []
            raise SourceImportError(self.items + extra)


def detect_format(text: str) -> str | None:
    """Guess the format: CSL-JSON starts with [ or {, BibTeX with @ (after any % comment
    lines, as JabRef writes them). Returns "csl-json", "bibtex", or None for neither."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("%"):
            continue
        if stripped[0] in "[{":
            return "csl-json"
        if stripped[0] == "@":
            return "bibtex"
        return None
    return None


def record_digest(key: str, csl: Mapping) -> str:
    """A fingerprint of a stored record, to tell whether it changed while a form was open."""
    blob = json.dumps([key, csl], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# Keys


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


def _assign_keys(
    records: list[tuple[str | None, dict, str]], taken: Iterable[str], problems: _Problems
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


# ---------------------------------------------------------------------------------------------
# CSL-JSON


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
    problems = _Problems()
    records = []
    for number, item in enumerate(items, start=1):
        where = f"item {number}"
        if not isinstance(item, dict):
            problems.add(where, f"must be a CSL-JSON object {{…}}, not {_json_kind(item)}")
            continue
        key, csl = _checked_csl_item(item, where, problems)
        _check_limits(csl, where, problems)
        records.append((key, csl, where))
    problems.raise_if_any()
    parsed = _assign_keys(records, taken, problems)
    problems.raise_if_any()
    return parsed


def _check_limits(csl: dict, where: str, problems: _Problems) -> None:
    """Nesting, characters and lengths (cases.limits): a 22 MB title would make every page that
    lists the source as large."""
    for _variable, message in limits.csl_problems(csl):
        problems.add(where, message)


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


def _checked_csl_item(item: dict, where: str, problems: _Problems) -> tuple[str | None, dict]:
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


def _checked_names(value, where: str, variable: str, problems: _Problems) -> list:
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


def _checked_date(value, where: str, variable: str, problems: _Problems):
    """Date parts become numbers; a "raw" ISO date becomes date parts (citeproc-py ignores
    "raw"); a "literal" ("forthcoming") is kept."""
    if isinstance(value, dict) and "date-parts" not in value:
        if isinstance(value.get("literal"), str) and value["literal"].strip():
            return value
        if isinstance(value.get("raw"), str):
            parts = parse_iso_date(value["raw"])
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
    limits = [(-9999, 9999), (1, 24), (1, 31)]
    if any(not low <= n <= high for n, (low, high) in zip(numbers, limits, strict=False)):
        return None
    return numbers


def _key_of_item(item: dict, where: str, problems: _Problems) -> str | None:
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


# ---------------------------------------------------------------------------------------------
# Dates, names and LaTeX: shared by BibTeX and the form


_ISO_DATE = re.compile(r"^(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_iso_date(text: str) -> list[list[int]] | None:
    """ISO dates (2024, 2024-03, 2024-03-15) or a range (1994/1999) → CSL date parts, or None."""
    ranges = []
    for piece in text.strip().split("/"):
        match = _ISO_DATE.match(piece.strip())
        numbers = _date_numbers([int(g) for g in match.groups() if g]) if match else None
        if numbers is None or (len(numbers) > 1 and numbers[1] > 12):  # seasons are CSL-only
            return None
        ranges.append(numbers)
    return ranges if 1 <= len(ranges) <= 2 else None


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


_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331",
}  # fmt: skip
_SYMBOLS = {
    "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "o": "ø",
    "O": "Ø", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "textendash": "–", "textemdash": "—",
    "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“",
    "textquotedblright": "”", "S": "§", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ",
}  # fmt: skip
_BASE = r"(?:\\[ij](?![A-Za-z])|[A-Za-z])"
_SYMBOL_ACCENT = re.compile(
    r"\\([" + re.escape("'`^\"~=.") + r"])\s*(?:\{\s*(" + _BASE + r")\s*\}|(" + _BASE + "))"
)
_LETTER_ACCENT = re.compile(r"\\([uvHckrdb])(?:\s*\{\s*(" + _BASE + r")\s*\}|\s+(" + _BASE + "))")
_SYMBOL = re.compile(
    r"\\(" + "|".join(sorted(_SYMBOLS, key=len, reverse=True)) + r")(?![A-Za-z])\s*(?:\{\})?"
)
# \{ and \} stand in as control characters while the protective braces are removed.
_ESCAPED = {
    "\\&": "&", "\\%": "%", "\\$": "$", "\\#": "#", "\\_": "_", "\\{": "\x00", "\\}": "\x01",
}  # fmt: skip
_FORMATTING = re.compile(
    r"\\(?:textit|emph|textbf|textsc|textrm|textsf|texttt|textup|textsl|textnormal|mkbibquote|"
    r"mkbibemph|enquote|url|mbox|hbox|textsuperscript|textsubscript)\s*(?=\{)"
)


def _accented(match: re.Match) -> str:
    base = match.group(2) or match.group(3)
    base = {"\\i": "i", "\\j": "j"}.get(base, base)
    return unicodedata.normalize("NFC", base + _ACCENTS[match.group(1)])


def latex_to_text(value: str, dashes: bool = True) -> str:
    """BibTeX field text → plain Unicode: accents ({\\"u}, \\c{s}, \\u{g}), special letters (\\ss,
    \\o, \\i), escapes (\\&), formatting commands (\\emph{…}: kept as text), TeX dashes and
    quotes, then the protective braces go. Commands it does not know are left as they are.

    bibtexparser's own latex_to_unicode mis-reads some of these (\\'z at the end of a word,
    \\r{a}), so this small converter is ours."""
    text = value
    for escape, char in _ESCAPED.items():
        text = text.replace(escape, char)
    text = re.sub(r"\\href\s*\{[^{}]*\}", "", text)
    text = _FORMATTING.sub("", text)
    text = _SYMBOL_ACCENT.sub(_accented, text)
    text = _LETTER_ACCENT.sub(_accented, text)
    text = _SYMBOL.sub(lambda m: _SYMBOLS[m.group(1)], text)
    if dashes:
        text = text.replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”")
    text = text.replace("~", " ").replace("{", "").replace("}", "")
    text = text.replace("\x00", "{").replace("\x01", "}")
    return re.sub(r"\s+", " ", text).strip()


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


# ---------------------------------------------------------------------------------------------
# BibTeX


_ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
_NEXT_ENTRY = re.compile(r"^[ \t]*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_BIB_KEY = re.compile(r"\s*([^\s,{}()\"#%'=\\]+)\s*,")
_FIELD_NAME = re.compile(r"[A-Za-z][\w:.+-]*")
_BARE_VALUE = re.compile(r"[\w:.+/-]+")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip


@dataclass
class _BibEntry:
    kind: str
    key: str
    line: int


class _BibScanner:
    """Checks BibTeX syntax and finds each entry's line; bibtexparser then reads the values.

    It knows just enough BibTeX to point at a missing brace, comma or "=", a missing key, or an
    undefined @string name, which bibtexparser would skip silently."""

    def __init__(self, text: str):
        self.text = text
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]
        self.strings: set[str] = set()
        self.entries: list[_BibEntry] = []
        self.macros: list[tuple[str, str, int]] = []  # (name, field, line)

    def line_at(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def fail(self, pos: int, message: str):
        raise SourceImportError([f"line {self.line_at(pos)}: {message}"])

    def scan(self) -> None:
        text, pos = self.text, 0
        while (at := text.find("@", pos)) >= 0:
            start = _ENTRY_START.match(text, at)
            if not start:
                word = re.match(r"@\s*[A-Za-z]+", text[at:])
                if word and text[text.rfind("\n", 0, at) + 1 : at].strip() == "":
                    self.fail(
                        at, f'"{word.group()}" must be followed by {{, as in @article{{key, …}}'
                    )
                pos = at + 1
                continue
            kind = start.group(1).lower()
            end = self._entry_end(at, start)
            if kind == "string":
                self._scan_string(start.end(), end)
            elif kind not in ("comment", "preamble"):
                self._scan_entry(kind, at, start.end(), end)
            pos = end + 1
        for name, field_name, line in self.macros:
            if name not in self.strings and name not in _MONTHS:
                raise SourceImportError(
                    [
                        f'line {line}: "{name}" in "{field_name}" is not defined: put text in '
                        f"braces, as in {field_name} = {{{name}}}, or define it with @string"
                    ]
                )
        if not self.entries:
            raise SourceImportError(["no BibTeX entries found: they start with @article{key, …"])

    def _entry_end(self, at: int, start: re.Match) -> int:
        closer = "}" if start.group(2) == "{" else ")"
        end = self._closing(start.end(), closer)
        if end >= 0:
            return end
        head = self.text[at : start.end()] + (self.text[start.end() :].split(",", 1)[0][:40])
        following = _NEXT_ENTRY.search(self.text, start.end())
        before = (
            f"before the next entry on line {self.line_at(following.start())}"
            if following
            else "before the end of the text"
        )
        self.fail(at, f'"{head.strip()}" is not closed: a "{closer}" is missing {before}')
        return -1  # not reached

    def _closing(self, pos: int, closer: str) -> int:
        """Index of the closer that ends what was opened just before ``pos``, or -1."""
        depth = 0
        for match in re.finditer(r"[{}()]", self.text[pos:]):
            char, index = match.group(), pos + match.start()
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0:
                    return index if closer == "}" else -1
                depth -= 1
            elif char == ")" and closer == ")" and depth == 0:
                return index
        return -1

    def _skip_space(self, pos: int, end: int) -> int:
        while pos < end and self.text[pos].isspace():
            pos += 1
        return pos

    def _scan_string(self, pos: int, end: int) -> None:
        name = _FIELD_NAME.match(self.text, self._skip_space(pos, end))
        if not name:
            self.fail(pos, '@string needs a name, as in @string{jir = "Journal of IR"}')
        self.strings.add(name.group().lower())

    def _scan_entry(self, kind: str, at: int, pos: int, end: int) -> None:
        body = self.text[pos:end]
        key_match = _BIB_KEY.match(self.text, pos, end)
        if not key_match:
            first = body.split(",", 1)[0]
            if "=" in first or not first.strip():
                self.fail(at, f"@{kind} has no key: write @{kind}{{key, title = {{…}}, …}}")
            if "," not in body:
                self.fail(at, f"@{kind}{{{first.strip()}}} has no fields")
            self.fail(at, f'"{first.strip()}" cannot be a key: {KEY_RULE}')
        key = key_match.group(1)
        where = f"@{kind}{{{key}, …}}"
        seen: set[str] = set()
        pos = key_match.end()
        while (pos := self._skip_space(pos, end)) < end:
            name = _FIELD_NAME.match(self.text, pos, end)
            if not name:
                snippet = self.text[pos:end].split("\n", 1)[0][:30]
                self.fail(
                    pos, f'expected a field such as title = {{…}} in {where}, found "{snippet}"'
                )
            field_name, field_pos = name.group().lower(), pos
            if field_name in seen:
                self.fail(pos, f'"{field_name}" appears twice in {where}')
            seen.add(field_name)
            pos = self._skip_space(name.end(), end)
            if pos >= end or self.text[pos] != "=":
                self.fail(pos, f'"=" is missing after "{field_name}" in {where}')
            pos = self._scan_value(field_name, where, self._skip_space(pos + 1, end), end)
            pos = self._skip_space(pos, end)
            if pos < end and self.text[pos] != ",":
                started = self.line_at(field_pos)
                since = f" (from line {started})" if started != self.line_at(pos) else ""
                self.fail(
                    pos, f'a comma is missing after the "{field_name}" field{since} of {where}'
                )
            pos += 1
        self.entries.append(_BibEntry(kind=kind, key=key, line=self.line_at(at)))

    def _scan_value(self, field_name: str, where: str, pos: int, end: int) -> int:
        """Skip one value: {…}, "…", a number or a @string name, joined by #."""
        while True:
            if pos >= end:
                self.fail(pos, f'"{field_name}" has no value in {where}')
            char = self.text[pos]
            if char == "{":
                pos = self._closing(pos + 1, "}") + 1
            elif char == '"':
                pos = self._closing_quote(pos + 1, end, field_name, where) + 1
            else:
                bare = _BARE_VALUE.match(self.text, pos, end)
                if not bare:
                    self.fail(
                        pos,
                        f'the value of "{field_name}" in {where} must be in braces {{…}} or '
                        'quotes "…"',
                    )
                if not bare.group().isdigit():
                    self.macros.append((bare.group().lower(), field_name, self.line_at(pos)))
                pos = bare.end()
            pos = self._skip_space(pos, end)
            if pos < end and self.text[pos] == "#":
                pos = self._skip_space(pos + 1, end)
                continue
            return pos

    def _closing_quote(self, pos: int, end: int, field_name: str, where: str) -> int:
        depth = 0
        for index in range(pos, end):
            char = self.text[index]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif char == '"' and depth == 0:
                return index
        self.fail(pos - 1, f'the quote opened in "{field_name}" of {where} is never closed')
        return -1  # not reached


# BibTeX/biblatex entry type → CSL type. misc/online become webpage when they have a URL.
BIBTEX_TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "collection": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "booklet": "pamphlet",
    "unpublished": "manuscript",
    "dataset": "dataset",
    "software": "software",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "misc": "document",
}
_THESIS_GENRE = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
# BibTeX field → CSL text variable, converted from LaTeX.
_TEXT_FIELDS = {
    "title": "title",
    "series": "collection-title",
    "volume": "volume",
    "edition": "edition",
    "publisher": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "note": "note",
    "abstract": "abstract",
    "isbn": "ISBN",
    "issn": "ISSN",
    "language": "language",
    "chapter": "chapter-number",
    "type": "genre",
}
_PUBLISHER_FALLBACKS = ("school", "institution", "organization")


def parse_bibtex(text: str, taken: Iterable[str] = ()) -> list[ParsedSource]:
    """BibTeX or biblatex → records, keeping each entry's key. Raises SourceImportError naming
    the line of the first syntax problem, or of each entry whose values do not fit."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SourceImportError([f"line {line}: {limits.unstorable(chr(0))}"])
    scanner = _BibScanner(text)
    scanner.scan()
    try:
        with warnings.catch_warnings():  # bibtexparser 1.4 uses pyparsing's deprecated names
            warnings.simplefilter("ignore", DeprecationWarning)
            parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False)
            entries = bibtexparser.loads(text, parser).entries
    except Exception as exc:  # the scanner should have caught it; say something useful anyway
        raise SourceImportError([f"the BibTeX could not be read ({exc})"]) from None
    read = [(e.get("ENTRYTYPE"), e.get("ID")) for e in entries]
    for index, expected in enumerate(scanner.entries):
        if index >= len(read) or read[index] != (expected.kind, expected.key):
            raise SourceImportError(
                [f"line {expected.line}: @{expected.kind}{{{expected.key}, … could not be read"]
            )
    problems = _Problems()
    records = []
    for entry, found in zip(entries, scanner.entries, strict=False):
        where = f"line {found.line}"
        problem = check_key(found.key)
        if problem:
            problems.add(where, problem)
        csl = _csl_from_bibtex(entry, where, problems)
        _check_limits(csl, where, problems)
        records.append((found.key, csl, where))
    problems.raise_if_any()
    parsed = _assign_keys(records, taken, problems)
    problems.raise_if_any()
    return parsed


def _csl_from_bibtex(entry: dict, where: str, problems: _Problems) -> dict:
    kind = entry["ENTRYTYPE"]
    where = f"{where} (@{kind}{{{entry['ID']}}})"
    fields = {k.lower(): v for k, v in entry.items() if k not in ("ENTRYTYPE", "ID")}
    url = _bibtex_url(fields)
    csl_type = BIBTEX_TYPES.get(kind, "document")
    if kind in ("misc", "online") and not url:
        csl_type = "document"
    elif kind == "misc" and url:
        csl_type = "webpage"
    csl: dict = {"type": csl_type}
    for variable in ("author", "editor", "translator"):
        if fields.get(variable, "").strip():
            csl[variable] = _bibtex_names(fields[variable], where, variable, problems)
    for name, variable in _TEXT_FIELDS.items():
        value = latex_to_text(fields.get(name, ""))
        if value and variable not in csl:
            csl[variable] = value
    container = fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle")
    if container and latex_to_text(container):
        csl["container-title"] = latex_to_text(container)
    number = latex_to_text(fields.get("number") or fields.get("issue") or "")
    if number:
        csl["number" if csl_type == "report" else "issue"] = number
    if fields.get("pages", "").strip():
        csl["page"] = re.sub(r"\s*[-–—]+\s*", "–", latex_to_text(fields["pages"], dashes=False))
    if "publisher" not in csl:
        fallback = next((fields[f] for f in _PUBLISHER_FALLBACKS if fields.get(f)), "")
        if latex_to_text(fallback):
            csl["publisher"] = latex_to_text(fallback)
    if csl_type == "thesis" and "genre" not in csl and kind in _THESIS_GENRE:
        csl["genre"] = _THESIS_GENRE[kind]
    issued = _bibtex_issued(fields, where, problems)
    if issued:
        csl["issued"] = issued
    if fields.get("urldate", "").strip():
        accessed = parse_iso_date(fields["urldate"])
        if accessed is None:
            urldate = fields["urldate"]
            problems.add(where, f'"urldate" must be a date such as 2024-05-01, not "{urldate}"')
        else:
            csl["accessed"] = {"date-parts": accessed}
    if fields.get("doi", "").strip():
        csl["DOI"] = normalise_doi(latex_to_text(fields["doi"], dashes=False))
    if url:
        csl["URL"] = url
    if not csl.get("title"):
        problems.add(where, '"title" is missing')
    return csl


def _bibtex_url(fields: Mapping[str, str]) -> str:
    url = fields.get("url", "")
    if not url:
        found = re.search(r"\\url\{([^{}]*)\}", fields.get("howpublished", ""))
        url = found.group(1) if found else ""
    return url.replace("\\_", "_").replace("\\%", "%").replace("\\&", "&").strip()


def _bibtex_issued(fields: Mapping[str, str], where: str, problems: _Problems) -> dict | None:
    if fields.get("date", "").strip():
        parts = parse_iso_date(latex_to_text(fields["date"], dashes=False))
        if parts is None:
            date = fields["date"]
            problems.add(where, f'"date" must be a date such as 2024 or 2024-03-15, not "{date}"')
            return None
        return {"date-parts": parts}
    year = latex_to_text(fields.get("year", ""), dashes=False)
    if not year:
        return None
    if not re.fullmatch(r"\d{1,4}", year):
        if not re.search(r"\d", year):  # "forthcoming", "in press"
            return {"literal": year}
        problems.add(where, f'"year" must be a year such as 2024, not "{year}"')
        return None
    parts = [int(year)]
    month = latex_to_text(fields.get("month", ""), dashes=False).lower().rstrip(".")
    if month:
        number = _MONTHS.get(month) or (int(month) if month.isdigit() else 0)
        if not 1 <= number <= 12:
            problems.add(where, f'"month" must be a month such as mar or 3, not "{month}"')
        else:
            parts.append(number)
    return {"date-parts": [parts]}


def _split_names(value: str) -> list[str]:
    """Split on " and " outside braces: {Barnes and Noble} stays one name."""
    names, depth, current = [], 0, []
    tokens = re.split(r"(\{|\}|\s+and\s+)", value, flags=re.IGNORECASE)
    for token in tokens:
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        if depth == 0 and re.fullmatch(r"\s+and\s+", token or "", flags=re.IGNORECASE):
            names.append("".join(current))
            current = []
        else:
            current.append(token)
    names.append("".join(current))
    return [n.strip() for n in names if n.strip()]


_NAME_PARTS = (("first", "given"), ("von", "non-dropping-particle"), ("jr", "suffix"))


def _bibtex_names(value: str, where: str, variable: str, problems: _Problems) -> list[dict]:
    """ "Family, Given and Given Family and {Corporate Name}" → CSL names ("and others" is
    dropped: CSL adds "et al." itself)."""
    names = []
    for raw in _split_names(value):
        if raw.lower() == "others":
            continue
        if raw.startswith("{") and raw.endswith("}") and _outer_group(raw):
            names.append({"literal": latex_to_text(raw)})
            continue
        try:
            parts = splitname(raw)
        except InvalidName as exc:
            problems.add(where, f'cannot read the name "{raw}" in "{variable}" ({exc})')
            continue
        family = latex_to_text(" ".join(parts["last"]))
        if not family:
            problems.add(where, f'the name "{raw}" in "{variable}" has no family name')
            continue
        name = {"family": family}
        for part, csl_part in _NAME_PARTS:
            text = latex_to_text(" ".join(parts[part]))
            if text:
                name[csl_part] = text
        names.append(name)
    return names


def _outer_group(text: str) -> bool:
    """True when the opening brace's match is the last character: {World Bank}, not {A} {B}."""
    depth = 0
    for index, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return index == len(text) - 1
    return False


def normalise_doi(value: str) -> str:
    """ "https://doi.org/10.1/x", "doi:10.1/x" → "10.1/x"."""
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value.strip(), flags=re.I)


# ---------------------------------------------------------------------------------------------
# The source form


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
    csl: dict = {}
    errors: dict[str, str] = {}
    for field_name, variable in FORM_VARIABLES.items():
        value = str(fields.get(field_name) or "").strip()
        if not value:
            continue
        try:
            csl[variable] = _form_value(field_name, value)
        except ValueError as exc:
            errors[field_name] = str(exc)
    _check_required(csl, errors)
    if errors:
        raise FormFieldErrors(errors)
    return csl


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
        parts = parse_iso_date(value)
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
