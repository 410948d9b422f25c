"""Exports: plain functions that write as much of a project's data as the viewer may take to a
file object: CSV, XLSX, the JSON bundle, REFI-QDA, the replication package (docs/exports.md).

- CSV: ``write_codings_csv`` (raw, per viewer), ``write_reliability_csv`` (admins and
  reviewers), ``write_consensus_csv``, ``write_period_values_csv``, ``write_codebook_csv``;
  ``write_codebook_markdown``;
- ``write_xlsx``: the same tables as sheets; ``bundle_for``: the JSON bundle a viewer may take,
  ``write_bundle_zip_for`` the same with each source's document;
- REFI-QDA: ``write_qdc`` (codebook), ``write_version_qdc`` (one published version),
  ``write_qdpx`` (project);
- ``write_annotations``: the passages taken from documents as W3C Web Annotations (JSON-LD);
- ``write_replication_package``: one zip for a journal's data editor.

``viewer`` is the Membership asking (``None``: the operator at the command line);
``export_scope`` maps it to what it may take away, following DESIGN.md's permission table.
"""

from cases.exports.annotations import write_annotations
from cases.exports.bundle_export import bundle_for, write_bundle_zip_for
from cases.exports.csv_exports import (
    codings_csv_chunks,
    csv_chunks,
    write_codebook_csv,
    write_codebook_markdown,
    write_codings_csv,
    write_consensus_csv,
    write_period_values_csv,
    write_reliability_csv,
)
from cases.exports.refiqda import write_qdc, write_qdpx, write_version_qdc
from cases.exports.reliability_table import VARIANTS
from cases.exports.replication import write_replication_package
from cases.exports.scope import Codings, ExportRefused, ExportScope, export_scope
from cases.exports.xlsx_export import write_xlsx

__all__ = [
    "VARIANTS",
    "Codings",
    "ExportRefused",
    "ExportScope",
    "bundle_for",
    "codings_csv_chunks",
    "csv_chunks",
    "export_scope",
    "write_annotations",
    "write_bundle_zip_for",
    "write_codebook_csv",
    "write_codebook_markdown",
    "write_codings_csv",
    "write_consensus_csv",
    "write_period_values_csv",
    "write_qdc",
    "write_qdpx",
    "write_reliability_csv",
    "write_replication_package",
    "write_version_qdc",
    "write_xlsx",
]
