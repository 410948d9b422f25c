"""CSV and Markdown writers. Each writes to a text file object; ``csv_chunks`` streams the same
text for a ``StreamingHttpResponse``.

CSV conventions (docs/exports.md): UTF-8 without a byte-order mark, a header row, LF line
endings, ISO 8601 dates, an empty cell for a missing value, ``true``/``false`` for yes/no.

Formulas: a spreadsheet opening a CSV runs a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula, and evidence quotes and notes are text anyone in the
project can type. By default such a text cell gets a leading ``'`` (OWASP's advice for CSV
injection), unless it is a plain number such as ``-1`` or ``-0.25``. ``raw=True`` writes text
exactly as stored, for R and pandas.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any, TextIO

from cases.exports.codebook_table import codebook_table
from cases.exports.codings_copy import codings_copy_chunks, copy_applies
from cases.exports.item_tables import codings_table, consensus_table
from cases.exports.period_table import periods_table
from cases.exports.reliability_table import reliability_table
from cases.exports.scope import ExportScope, export_scope
from cases.exports.tables import BATCH, Table, batched
from cases.models import Codebook, Criterion, Project


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _may_hold_formula(text: str) -> bool:
    """A quick test on written CSV text, true whenever a cell in it starts with a formula
    character (and sometimes when none does): any of the rare ones anywhere, or a minus sign
    where a cell may start (a line's start, after a comma or an opening quote). A few substring
    searches cost far less than looking at every cell of the usual chunk, which has none."""
    if "=" in text or "+" in text or "@" in text or "\t" in text or "\r" in text:
        return True
    return text.startswith("-") or ",-" in text or "\n-" in text or '"-' in text


def defused(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, prefixed with ``'``; anything else
    (numbers, numeric text such as "-0.5", other text) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_chunks(table: Table, *, raw: bool = False) -> Iterator[str]:
    """The table as CSV text, a few hundred rows per chunk (constant memory). Text cells that
    would run as spreadsheet formulas are defused unless ``raw``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.header if raw else [defused(name) for name in table.header])
    for batch in batched(table.rows, BATCH):
        start = buffer.tell()
        # The csv module already writes None as an empty cell.
        writer.writerows(
            ([csv_cell(v) for v in row] for row in batch) if table.has_yes_no else batch
        )
        text = buffer.getvalue()
        if not raw and _may_hold_formula(text):  # write the batch again, cell by cell
            buffer.seek(start)
            buffer.truncate()
            writer.writerows([defused(csv_cell(v)) for v in row] for row in batch)
            text = buffer.getvalue()
        yield text
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def write_table_csv(out: TextIO, table: Table, *, raw: bool = False) -> None:
    for chunk in csv_chunks(table, raw=raw):
        out.write(chunk)


def codings_csv_chunks(project: Project, scope: ExportScope, *, raw: bool = False) -> Iterator[str]:
    """The long CSV, one row per coding in ``scope``: streamed by PostgreSQL's COPY where it
    gives the same bytes (cases.exports.codings_copy), else written row by row."""
    scope.check_raw()  # now, not when the first chunk is asked for
    if copy_applies(project, scope):
        return codings_copy_chunks(project, scope, raw=raw)
    return csv_chunks(codings_table(project, scope), raw=raw)


def write_codings_csv(out: TextIO, project: Project, *, viewer, raw: bool = False) -> None:
    """The long CSV: one row per coding, filtered to what ``viewer`` (a Membership) may see."""
    for chunk in codings_csv_chunks(project, export_scope(viewer), raw=raw):
        out.write(chunk)


def write_reliability_csv(
    out: TextIO,
    project: Project,
    criterion: Criterion | str,
    *,
    viewer,
    variant: str = "value",
    raw: bool = False,
) -> None:
    """One criterion's reliability data in the ``agreement`` command's format (admins and
    reviewers only: it sets every coder's codes side by side)."""
    write_table_csv(
        out,
        reliability_table(
            project, _criterion(project, criterion), scope_of(viewer), variant=variant
        ),
        raw=raw,
    )


def write_consensus_csv(out: TextIO, project: Project, *, viewer=None, raw: bool = False) -> None:
    write_table_csv(out, consensus_table(project, scope_of(viewer)), raw=raw)


def write_period_values_csv(
    out: TextIO, project: Project, *, viewer=None, raw: bool = False
) -> None:
    write_table_csv(out, periods_table(project, scope_of(viewer)), raw=raw)


def write_codebook_csv(out: TextIO, codebook: Codebook, *, raw: bool = False) -> None:
    write_table_csv(out, codebook_table(codebook), raw=raw)


def scope_of(viewer) -> ExportScope:
    return viewer if isinstance(viewer, ExportScope) else export_scope(viewer)


def _criterion(project: Project, criterion: Criterion | str) -> Criterion:
    if isinstance(criterion, Criterion):
        return criterion
    found = Criterion.objects.filter(codebook_id=project.codebook_id, code=criterion).first()
    if found is None:
        raise LookupError(f'criterion: no criterion "{criterion}" in this codebook')
    return found


# --- the codebook as Markdown ------------------------------------------------------------------

VERIFICATION = {
    "V": "checked against a public source",
    "S": "stated in the seed article",
    "U": "standard reading, not checked page by page",
}


def write_codebook_markdown(out: TextIO, codebook: Codebook) -> None:
    """The codebook as a readable document: scale, then criteria by framework and group."""
    out.write(f"# {codebook.name}\n\nVersion {codebook.version}.\n\n")
    out.write("## Value scale\n\nThe same scale for every criterion. ")
    out.write('"Not coded" (no value) differs from 0 (evidence that the condition is missing).\n\n')
    out.write("| value | label |\n|---|---|\n")
    for point in codebook.scale.order_by("value"):
        out.write(f"| {point.value} | {_cell(point.label)} |\n")
    framework = group = None
    for c in codebook.criteria.in_codebook_order():
        if c.framework != framework:
            framework, group = c.framework, None
            out.write(f"\n## {c.framework}\n")
        if c.group != group:
            group = c.group
            out.write(f"\n### {c.group}\n")
        out.write(f"\n#### {c.code} — {c.name}\n\n{c.definition.strip()}\n")
        if c.indicators:
            out.write("\nIndicators:\n\n")
            out.writelines(f"- {indicator}\n" for indicator in c.indicators)
        carried = "carried forward into later periods" if c.carry_forward else "not carried"
        tag = VERIFICATION.get(c.verification, c.verification)
        out.write(f"\n*Rule v1: {carried}. Verification: [{c.verification}] {tag}.*\n")
        if c.notes:
            out.write(f"\nNotes: {c.notes.strip()}\n")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
