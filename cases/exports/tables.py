"""The export tables as a header and a stream of rows: one source for CSV, XLSX and the package.

Every table is built lazily, so a writer can stream it: the raw rows come from querysets read
with ``.iterator(chunk_size=...)`` or a batch of items at a time, as flat ``values_list`` rows
(no model instances, no N+1), and everything that needs more than one row at a time (formatted
citations, the item consensus, an item's codings) is worked out per batch of rows. Cells are
``str``, ``int``, ``bool`` or ``None`` (missing); dates are ISO 8601 text, so no spreadsheet or
data frame reinterprets them.

The item-level tables are in ``item_tables`` (codings, consensus), the others in
``period_table``, ``codebook_table`` and ``reliability_table``; this module holds what they share.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any

from cases.models import Criterion, Project, Source
from cases.sources.citations import ItemCite, format_item_citations

CHUNK = 2000  # rows fetched from the database at a time
BATCH = 500  # rows whose citations (or item consensus) are worked out together

Row = Sequence[Any]


@dataclass
class Table:
    """A header and rows; ``rows`` is an iterator, so a table can be written once."""

    name: str
    header: tuple[str, ...]
    rows: Iterable[Row]
    # Whether a cell may be True or False. Writers must spell those out ("true"), which costs a
    # look at every cell; the two long tables have no such cell and skip it.
    has_yes_no: bool = True


def batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def iso_datetime(value: datetime | None) -> str | None:
    """UTC, to the second, with a Z: 2024-05-01T09:30:00Z."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- shared pieces ------------------------------------------------------------------------------


class Citations:
    """In-text citations, "(Doe 2020, 12)", in the project's CSL style, formatted per batch; an
    item quoted from one work that rests on another names both ("…, cited in …").

    Every source of the project goes to the formatter each time, so a style's disambiguation
    (2020a, 2020b) is the same in every batch.
    """

    def __init__(self, project: Project):
        self.style = project.citation_style
        self.sources = dict(Source.objects.filter(project=project).values_list("key", "csl"))
        # Citations already formatted: the same one recurs in every batch of a long export, and
        # citeproc took most of its time (bounded by the number of distinct citations, not rows).
        self.known: dict[ItemCite, str] = {}

    def for_items(self, cites: Iterable[ItemCite]) -> dict[ItemCite, str]:
        """(source, page, via-source or "", page there) -> the citation."""
        unique = list(dict.fromkeys(cites))
        new = [cite for cite in unique if cite not in self.known]
        if new:
            texts = format_item_citations(self.sources, new, self.style)
            self.known.update(zip(new, texts, strict=True))
        return {cite: self.known[cite] for cite in unique}


@dataclass(frozen=True)
class CriterionInfo:
    order: int
    framework: str
    group: str


def criteria_of(codebook_id: int) -> dict[str, CriterionInfo]:
    """The codebook's criteria by code, in codebook order (one small query)."""
    rows = (
        Criterion.objects.filter(codebook_id=codebook_id)
        .in_codebook_order()
        .values_list("code", "framework", "group")
    )
    return {code: CriterionInfo(i, fw, group) for i, (code, fw, group) in enumerate(rows)}
