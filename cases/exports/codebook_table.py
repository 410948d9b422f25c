"""The codebook as an export table: one row per criterion, in codebook order."""

from __future__ import annotations

from cases.exports.tables import Table
from cases.models import Codebook

CODEBOOK_COLUMNS = (
    "codebook",
    "codebook_version",
    "order",
    "code",
    "name",
    "framework",
    "group",
    "carry_forward",
    "verification",
    "definition",
    "indicators",
    "notes",
)
INDICATOR_SEPARATOR = " | "


def codebook_table(codebook: Codebook) -> Table:
    """One row per criterion in codebook order; indicators joined with " | "."""
    rows = (
        [
            codebook.name,
            codebook.version,
            position,
            c.code,
            c.name,
            c.framework,
            c.group,
            c.carry_forward,
            c.verification,
            c.definition,
            INDICATOR_SEPARATOR.join(c.indicators or []) or None,
            c.notes or None,
        ]
        for position, c in enumerate(codebook.criteria.in_codebook_order(), start=1)
    )
    return Table("codebook", CODEBOOK_COLUMNS, rows)
