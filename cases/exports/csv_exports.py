"""CSV and Markdown writers. Each writes to a text file object; ``csv_chunks`` streams the same
text for a ``StreamingHttpResponse``.

CSV conventions (docs/exports.md): UTF-8 without a byte-order mark, a header row, LF line
endings, ISO 8601 dates, an empty cell for a missing value, ``true``/``false`` for yes/no. Text
is written exactly as stored: nothing is prefixed to defuse spreadsheet formulas, because the
files are data for R and pandas; the XLSX workbook is the file for spreadsheets.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any, TextIO

from ..models import Codebook, Criterion, Project
from .scope import ExportScope, export_scope
from .tables import (
    BATCH,
    Table,
    batched,
    codebook_table,
    codings_table,
    consensus_table,
    periods_table,
    reliability_table,
)


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_chunks(table: Table) -> Iterator[str]:
    """The table as CSV text, a few hundred rows per chunk (constant memory)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.header)
    for batch in batched(table.rows, BATCH):
        # The csv module already writes None as an empty cell.
        writer.writerows(
            ([csv_cell(v) for v in row] for row in batch) if table.has_yes_no else batch
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def write_table_csv(out: TextIO, table: Table) -> None:
    for chunk in csv_chunks(table):
        out.write(chunk)


def write_codings_csv(out: TextIO, project: Project, *, viewer) -> None:
    """The long CSV: one row per coding, filtered to what ``viewer`` (a Membership) may see."""
    write_table_csv(out, codings_table(project, export_scope(viewer)))


def write_reliability_csv(
    out: TextIO, project: Project, criterion: Criterion | str, *, viewer, variant: str = "value"
) -> None:
    """One criterion's reliability data in the ``agreement`` command's format (admins and
    reviewers only: it sets every coder's codes side by side)."""
    write_table_csv(
        out,
        reliability_table(
            project, _criterion(project, criterion), scope_of(viewer), variant=variant
        ),
    )


def write_consensus_csv(out: TextIO, project: Project, *, viewer=None) -> None:
    write_table_csv(out, consensus_table(project, scope_of(viewer)))


def write_period_values_csv(out: TextIO, project: Project, *, viewer=None) -> None:
    write_table_csv(out, periods_table(project, scope_of(viewer)))


def write_codebook_csv(out: TextIO, codebook: Codebook) -> None:
    write_table_csv(out, codebook_table(codebook))


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
    for c in codebook.criteria.order_by("order", "code"):
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
