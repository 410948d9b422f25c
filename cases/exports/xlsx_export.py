"""The XLSX workbook: the same tables as the CSV files, one sheet each (xlsxwriter).

``constant_memory`` mode writes each row to disk as it comes, so a large project costs no more
memory than a small one; the rows come from the same lazy tables as the CSV files. Text is never
read as a formula, a number or a link (a note that starts with "=" stays text), and the file's
creation date is the project's, so two exports of unchanged data are byte-identical.
"""

from __future__ import annotations

from datetime import UTC
from typing import BinaryIO

import xlsxwriter

from cases.exports.codebook_table import codebook_table
from cases.exports.csv_exports import scope_of
from cases.exports.item_tables import codings_table, consensus_table
from cases.exports.period_table import periods_table
from cases.exports.scope import Codings
from cases.exports.tables import Table
from cases.models import Project

WIDTHS = {  # characters; every other column gets 12
    "citation": 24,
    "note": 40,
    "rationale": 40,
    "explanation": 80,
    "definition": 60,
    "indicators": 50,
    "notes": 40,
    "name": 28,
    "dyad_name": 22,
    "label": 22,
    "framework": 16,
    "blocked_by": 40,
    "override_rationale": 30,
}

CODINGS_SCOPE = {
    Codings.ALL: "every coder's codings of submitted items",
    Codings.OWN: "your own codings only (drafts included, status 'draft')",
    Codings.NONE: "none: observers do not export raw codings",
}


def write_xlsx(out: BinaryIO | str, project: Project, *, viewer) -> None:
    """Sheets: about, codings (when the viewer may export raw codings), consensus, periods,
    codebook. ``out`` is a binary file object or a path."""
    scope = scope_of(viewer)
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    created = project.created_at.astimezone(UTC).replace(tzinfo=None)
    workbook.set_properties(
        {
            "title": f"{project.name}: coded data",
            "comments": "Exported by sccoder",
            "created": created,
        }
    )
    bold = workbook.add_format({"bold": True, "bottom": 1})
    tables = [codings_table(project, scope)] if scope.raw else []
    tables += [
        consensus_table(project, scope),
        periods_table(project, scope),
        codebook_table(project.codebook),
    ]
    _about_sheet(workbook, bold, project, scope, [t.name for t in tables])
    for table in tables:
        _sheet(workbook, bold, table)
    workbook.close()


def _about_sheet(workbook, bold, project: Project, scope, sheets: list[str]) -> None:
    sheet = workbook.add_worksheet("about")
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 90)
    codebook = project.codebook
    rows = [
        ("project", project.slug),
        ("name", project.name),
        ("codebook", f"{codebook.name}, version {codebook.version}"),
        ("rule", project.rule.name),
        ("raw codings", CODINGS_SCOPE[scope.codings]),
        ("sheets", ", ".join(sheets)),
        ("formats", "dates are ISO 8601 text; an empty cell is a missing value"),
        ("documentation", "docs/exports.md in the sccoder source describes every column"),
    ]
    sheet.write_row(0, 0, ("field", "value"), bold)
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, row)


def _sheet(workbook, bold, table: Table) -> None:
    sheet = workbook.add_worksheet(table.name[:31])
    for column, name in enumerate(table.header):  # before any row: constant_memory needs it
        sheet.set_column(column, column, WIDTHS.get(name, 12))
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, table.header, bold)
    last = 0
    for last, row in enumerate(table.rows, start=1):
        sheet.write_row(last, 0, row)
    sheet.autofilter(0, 0, max(last, 1), len(table.header) - 1)
