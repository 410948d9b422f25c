"""ISO 8601 dates: a year, year-month, full date, or an interval ``start/end``.

Pure: no Django. An evidence item is placed in a period by the start year of its date; a source's
dates (published, accessed) are stored as CSL date parts read by the same rules.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PART = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class EvidenceDateError(ValueError):
    """The text is not an ISO 8601 year, year-month, date or interval."""


@dataclass(frozen=True)
class EvidenceDate:
    text: str
    start: date
    end: date

    @property
    def start_year(self) -> int:
        return self.start.year

    @property
    def is_interval(self) -> bool:
        return "/" in self.text


def _parse_part(text: str, *, as_end: bool) -> date:
    """A year or year-month stands for its whole span: first day as a start, last day as an end."""
    match = _PART.match(text)
    if not match:
        raise EvidenceDateError(
            f'"{text}" is not an ISO 8601 date: use a year (1993), a year-month (2008-10), '
            "a date (2010-08-16) or an interval (1994/1999)"
        )
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return date(year, 12, 31) if as_end else date(year, 1, 1)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return date(year, month, last if as_end else 1)
        return date(year, month, day)
    except ValueError as exc:
        raise EvidenceDateError(f'"{text}" is not a valid date ({exc})') from None


def parse_evidence_date(text: str) -> EvidenceDate:
    text = (text or "").strip()
    if not text:
        raise EvidenceDateError("a date is required")
    parts = text.split("/")
    if len(parts) == 1:
        return EvidenceDate(text, _parse_part(text, as_end=False), _parse_part(text, as_end=True))
    if len(parts) != 2 or not all(parts):
        raise EvidenceDateError(
            f'"{text}" is not an interval: write it as start/end, e.g. 1994/1999'
        )
    start = _parse_part(parts[0], as_end=False)
    end = _parse_part(parts[1], as_end=True)
    if end < start:
        raise EvidenceDateError(f'"{text}" ends before it starts')
    return EvidenceDate(text, start, end)


def csl_date_parts(text: str) -> list[list[int]] | None:
    """The same dates as CSL date parts: "2024-03" → [[2024, 3]], "1994/1999" → [[1994],
    [1999]]; None when ``text`` is not an ISO 8601 date or interval."""
    try:
        parse_evidence_date(text)
    except EvidenceDateError:
        return None
    pieces = text.strip().split("/")
    return [[int(g) for g in _PART.match(piece).groups() if g] for piece in pieces]


def span_text(start_year: int, end_year: int | None, *, open_end: str = "–") -> str:
    """A period's years as a reader reads them: "1991–2009", "1999" for a single year, and
    "2020–" for a period still open (``open_end`` is what follows its start, e.g. " onward")."""
    if end_year is None:
        return f"{start_year}{open_end}"
    if end_year == start_year:
        return str(start_year)
    return f"{start_year}–{end_year}"
