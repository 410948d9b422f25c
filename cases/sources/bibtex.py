"""BibTeX and biblatex in, read by bibtexparser: each entry becomes a CSL record, LaTeX becomes
Unicode, and every problem is named by its line ("line 12: …"). Pure: no Django."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import bibtexparser
from bibtexparser import model
from bibtexparser.middlewares import (
    NormalizeFieldKeys,
    RemoveEnclosingMiddleware,
    SeparateCoAuthors,
    SplitNameParts,
)
from bibtexparser.middlewares.names import InvalidNameError, NameParts

from cases.lib import limits
from cases.lib.dates import csl_date_parts
from cases.sources.keys import assign_keys, check_key
from cases.sources.latex import latex_to_text
from cases.sources.records import ParsedSource, Problems, SourceImportError, normalise_doi

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
_NAME_FIELDS = ("author", "editor", "translator")
_NAME_PARTS = (("first", "given"), ("von", "non-dropping-particle"), ("jr", "suffix"))
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
_FIELD_NAME = re.compile(r"[A-Za-z][\w:.+-]*")
_OPENED = re.compile(r"@\s*(\w+)\s*([{(])\s*([^,\s]*)")
_OPEN_QUOTE = re.compile(r'([A-Za-z][\w:.+-]*)\s*=\s*"[^"]*$')
_STRAY_AT = re.compile(r"\s*(@\s*[A-Za-z]+)")


def parse_bibtex(text: str, taken: Iterable[str] = ()) -> list[ParsedSource]:
    """BibTeX or biblatex → records, keeping each entry's key. Raises SourceImportError naming
    the line of each block bibtexparser could not read, or of each entry whose values do not
    fit."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SourceImportError([f"line {line}: {limits.unstorable(chr(0))}"])
    library = bibtexparser.parse_string(
        text, append_middleware=[NormalizeFieldKeys(), SeparateCoAuthors(), SplitNameParts()]
    )
    problems = Problems()
    entries = _readable_entries(library, problems)
    problems.raise_if_any()
    if not entries:
        raise SourceImportError(["no BibTeX entries found: they start with @article{key, …"])
    records = []
    for entry, fields in entries:
        where = f"line {entry.start_line + 1}"
        problem = check_key(entry.key)
        if problem:
            problems.add(where, problem)
        csl = _csl_from_bibtex(
            entry, fields, f"{where} (@{entry.entry_type}{{{entry.key}}})", problems
        )
        problems.add_limits(csl, where)
        records.append((entry.key, csl, where))
    problems.raise_if_any()
    parsed = assign_keys(records, taken, problems)
    problems.raise_if_any()
    return parsed


# ---------------------------------------------------------------------------------------------
# What bibtexparser could not read, named by line


def _readable_entries(library, problems: Problems) -> list[tuple[model.Entry, dict]]:
    """The entries bibtexparser read, each with its field values; a block it could not read, a
    stray @, a broken value each become a problem naming the line."""
    strings = {key.lower(): string.value for key, string in library.strings_dict.items()}
    blocks = library.blocks
    readable = []
    for index, block in enumerate(blocks):
        if isinstance(block, model.Entry):
            fields = _field_values(block, strings, problems)
            if fields is not None:
                readable.append((block, fields))
        elif isinstance(block, model.ImplicitComment):
            for offset, text in enumerate(block.comment.splitlines()):
                stray = _STRAY_AT.match(text)
                if stray:
                    problems.add(
                        f"line {block.start_line + 1 + offset}",
                        f'"{stray.group(1)}" must be followed by {{, as in @article{{key, …}}',
                    )
        elif isinstance(block, model.ParsingFailedBlock):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            for where, message in _failures(block, following):
                problems.add(where, message)
    return readable


def _failures(block: model.ParsingFailedBlock, following) -> list[tuple[str, str]]:
    """What went wrong in a block bibtexparser could not read, as (where, message) pairs."""
    line = block.start_line + 1
    failed = block.ignore_error_block
    if isinstance(block, model.DuplicateBlockKeyBlock):
        also = block.previous_block.start_line + 1
        if isinstance(failed, model.String):
            return [
                (f"line {line}", f'@string "{block.key}" is defined twice (also at line {also})')
            ]
        return [(f"line {line}", f'the key "{block.key}" is used twice (also at line {also})')]
    if isinstance(block, model.DuplicateFieldKeyBlock):
        head = f"@{failed.entry_type}{{{failed.key}, …}}"
        return [
            (f"line {_second(failed, name)}", f'"{name}" appears twice in {head}')
            for name in sorted(block.duplicate_keys)
        ]
    if isinstance(block, model.MiddlewareErrorBlock) and isinstance(block.error, InvalidNameError):
        name, reason = block.error.name, block.error.reason
        variable = next(
            (f.key for f in failed.fields if f.key in _NAME_FIELDS and name in f.value), "author"
        )
        where = f"line {line} (@{failed.entry_type}{{{failed.key}}})"
        return [(where, f'cannot read the name "{name}" in "{variable}" ({reason})')]
    line, message = _syntax_failure(block, following)
    return [(f"line {line}", message)]


def _second(entry: model.Entry, name: str) -> int:
    """The line of the second field called ``name``."""
    lines = [field.start_line for field in entry.fields if field.key == name]
    return (lines[1] if len(lines) > 1 else entry.start_line) + 1


def _syntax_failure(block: model.ParsingFailedBlock, following) -> tuple[int, str]:
    """Turns bibtexparser's reason for giving up on a block into the mistake a person made."""
    raw = (block.raw or "").rstrip()
    line = block.start_line + 1
    reason = getattr(block.error, "abort_reason", None) or str(block.error)
    opened = _OPENED.match(raw)
    kind = opened.group(1).lower() if opened else "entry"
    head = f"@{kind}{{{opened.group(3) if opened else ''}, …}}"
    if reason.startswith("Expected comma after entry key"):
        return line, f"@{kind} has no key: write @{kind}{{key, title = {{…}}, …}}"
    if reason.startswith("Expected a `=`"):
        name = raw.rsplit(",", 1)[-1].strip(" \t\r\n{}()")
        if not name:
            return line, f'expected a field such as title = {{…}} in {head}, found ","'
        return line + raw.count("\n"), f'"=" is missing after "{name}" in {head}'
    quote = _OPEN_QUOTE.search(raw)
    if quote:
        message = f'the quote opened in "{quote.group(1)}" of {head} is never closed'
        return line + raw[: quote.start()].count("\n"), message
    if reason.startswith(("Unexpected block start", "Unexpectedly reached end of file")):
        closer = "}" if opened is None or opened.group(2) == "{" else ")"
        before = "before the end of the text"
        if following is not None and reason.startswith("Unexpected block start"):
            before = f"before the next entry on line {following.start_line + 1}"
        start = raw.split(",", 1)[0].split("\n", 1)[0][:50].strip()
        return line, f'"{start}" is not closed: a "{closer}" is missing {before}'
    return line, f"{head} could not be read ({reason})"


def _field_values(entry: model.Entry, strings: Mapping[str, str], problems: Problems):
    """Each field's value (names: lists of NameParts) with @string names and # joins resolved,
    or None when a value cannot be read (the problems are added)."""
    head = f"@{entry.entry_type}{{{entry.key}, …}}"
    values: dict = {}
    readable = True
    for field in entry.fields:
        line = (field.start_line if field.start_line is not None else entry.start_line) + 1
        value = field.value
        if not _FIELD_NAME.fullmatch(field.key):
            found = f"{field.key} = {_as_written(entry, field)}".strip()
            problems.add(
                f"line {line}", f'expected a field such as title = {{…}} in {head}, found "{found}"'
            )
            value = None
        elif isinstance(value, str) and field.enclosing == "no-enclosing":
            value = _joined(value, field.key, head, line, strings, problems)
        if value is None:
            readable = False
        values[field.key] = value
    return values if readable else None


def _as_written(entry: model.Entry, field: model.Field) -> str:
    enclosings = entry.parser_metadata.get(RemoveEnclosingMiddleware.metadata_key()) or {}
    value = field.value if isinstance(field.value, str) else "…"
    return {"{": f"{{{value}}}", '"': f'"{value}"'}.get(enclosings.get(field.key), value)


def _joined(value: str, name: str, head: str, line: int, strings: Mapping[str, str], problems):
    """A value written without braces or quotes: a number, a @string name, a month, or pieces
    joined by # (bibtexparser resolves a name standing alone, not a join). None when it cannot
    be read; an = outside braces means the comma before the next field is missing."""
    pieces, equals = _pieces(value)
    if equals is not None:
        at = line + value[:equals].count("\n")
        since = f" (from line {line})" if at != line else ""
        problems.add(f"line {at}", f'a comma is missing after the "{name}" field{since} of {head}')
        return None
    texts = []
    for piece in pieces:
        if len(piece) >= 2 and (piece[0], piece[-1]) in (("{", "}"), ('"', '"')):
            texts.append(piece[1:-1])
        elif piece.isdigit() or piece.lower() in _MONTHS:
            texts.append(piece)
        elif piece.lower() in strings:
            texts.append(strings[piece.lower()])
        elif not piece:
            problems.add(f"line {line}", f'"{name}" has no value in {head}')
            return None
        elif _FIELD_NAME.fullmatch(piece):
            problems.add(
                f"line {line}",
                f'"{piece}" in "{name}" is not defined: put text in braces, as in '
                f"{name} = {{{piece}}}, or define it with @string",
            )
            return None
        else:
            problems.add(
                f"line {line}",
                f'the value of "{name}" in {head} must be in braces {{…}} or quotes "…"',
            )
            return None
    return "".join(texts)


def _pieces(value: str) -> tuple[list[str], int | None]:
    """The pieces between # outside braces and quotes, and where an = stands there, if one does."""
    pieces, start, depth, quoted = [], 0, 0, False
    for index, char in enumerate(value):
        if char in "{}":
            depth += 1 if char == "{" else -1
        elif depth == 0 and char == '"':
            quoted = not quoted
        elif depth == 0 and not quoted and char == "=":
            return [], index
        elif depth == 0 and not quoted and char == "#":
            pieces.append(value[start:index].strip())
            start = index + 1
    pieces.append(value[start:].strip())
    return pieces, None


# ---------------------------------------------------------------------------------------------
# Fields → CSL


def _csl_from_bibtex(entry: model.Entry, fields: dict, where: str, problems: Problems) -> dict:
    kind = entry.entry_type
    url = _bibtex_url(fields)
    csl_type = BIBTEX_TYPES.get(kind, "document")
    if kind in ("misc", "online") and not url:
        csl_type = "document"
    elif kind == "misc" and url:
        csl_type = "webpage"
    csl: dict = {"type": csl_type}
    for variable in _NAME_FIELDS:
        if fields.get(variable):
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
        csl["page"] = re.sub(r"\s*[-–—]+\s*", "–", latex_to_text(fields["pages"]))
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
        accessed = csl_date_parts(fields["urldate"])
        if accessed is None:
            urldate = fields["urldate"]
            problems.add(where, f'"urldate" must be a date such as 2024-05-01, not "{urldate}"')
        else:
            csl["accessed"] = {"date-parts": accessed}
    if fields.get("doi", "").strip():
        csl["DOI"] = normalise_doi(_verbatim(fields["doi"]))
    if url:
        csl["URL"] = url
    if not csl.get("title"):
        problems.add(where, '"title" is missing')
    return csl


def _verbatim(value: str) -> str:
    """Addresses and DOIs are not LaTeX (% and ~ are part of them); only escapes are undone."""
    return re.sub(r"\\([_%&#$~])", r"\1", value).strip()


def _bibtex_url(fields: Mapping[str, str]) -> str:
    url = fields.get("url", "")
    if not url:
        found = re.search(r"\\url\{([^{}]*)\}", fields.get("howpublished", ""))
        url = found.group(1) if found else ""
    return _verbatim(url)


def _bibtex_issued(fields: Mapping[str, str], where: str, problems: Problems) -> dict | None:
    if fields.get("date", "").strip():
        parts = csl_date_parts(latex_to_text(fields["date"]))
        if parts is None:
            date = fields["date"]
            problems.add(where, f'"date" must be a date such as 2024 or 2024-03-15, not "{date}"')
            return None
        return {"date-parts": parts}
    year = latex_to_text(fields.get("year", ""))
    if not year:
        return None
    if not re.fullmatch(r"\d{1,4}", year):
        if not re.search(r"\d", year):  # "forthcoming", "in press"
            return {"literal": year}
        problems.add(where, f'"year" must be a year such as 2024, not "{year}"')
        return None
    parts = [int(year)]
    month = latex_to_text(fields.get("month", "")).lower().rstrip(".")
    if month:
        number = _MONTHS.get(month) or (int(month) if month.isdigit() else 0)
        if not 1 <= number <= 12:
            problems.add(where, f'"month" must be a month such as mar or 3, not "{month}"')
        else:
            parts.append(number)
    return {"date-parts": [parts]}


def _bibtex_names(names: list[NameParts], where: str, variable: str, problems) -> list[dict]:
    """Names as bibtexparser splits them (first, von, last, jr) → CSL names. One in braces,
    {World Bank}, is an organisation; "and others" is dropped (CSL adds "et al." itself)."""
    csl_names = []
    for parts in names:
        alone = not (parts.first or parts.von or parts.jr) and len(parts.last) == 1
        if alone and parts.last[0].lower() == "others":
            continue
        if alone and _one_group(parts.last[0]) and latex_to_text(parts.last[0]):
            csl_names.append({"literal": latex_to_text(parts.last[0])})
            continue
        family = latex_to_text(" ".join(parts.last))
        if not family:
            written = parts.merge_first_name_first
            problems.add(where, f'the name "{written}" in "{variable}" has no family name')
            continue
        name = {"family": family}
        for part, csl_part in _NAME_PARTS:
            text = latex_to_text(" ".join(getattr(parts, part)))
            if text:
                name[csl_part] = text
        csl_names.append(name)
    return csl_names


def _one_group(text: str) -> bool:
    """True when the whole text is one group in braces: {World Bank}, not {A} {B}."""
    depth = 0
    for index, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return index == len(text) - 1
    return False
