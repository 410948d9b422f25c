"""The replication package's ``datapackage.json``: a Frictionless Data Package (v1, tabular)
describing every CSV file in it, column by column.

Each CSV file is a tabular data resource with its path, size and SHA-256, and a Table Schema
whose fields are the file's header exactly as written (a header the formula rule defused keeps
its added quote), typed as the writer writes them: integers, figures as decimal numbers,
``true``/``false`` booleans, ISO dates and UTC timestamps, everything else text; an empty cell
is a missing value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from cases.exports.csv_exports import defused
from cases.projects.licences import Licence

INTEGER, NUMBER, STRING, BOOLEAN, DATE, DATETIME = (
    "integer",
    "number",
    "string",
    "boolean",
    "date",
    "datetime",
)

# Columns that mean the same in every file that has them: (type, description).
COMMON: dict[str, tuple[str, str]] = {
    "project": (STRING, "the project's slug"),
    "dyad": (STRING, "the dyad's code: two ISO 3166-1 alpha-3 codes, e.g. TUR-AZE"),
    "dyad_name": (STRING, "the dyad's name"),
    "period": (STRING, "the period's code within its dyad"),
    "label": (STRING, "the period's label"),
    "start_year": (INTEGER, "the period's first year"),
    "end_year": (INTEGER, "the period's last year; empty: the period is still open"),
    "evidence": (STRING, "the evidence item's key (data/evidence.csv)"),
    "date": (
        STRING,
        "the item's date as recorded, ISO 8601: a year (1993), a month (2008-10), a day "
        "(2010-08-16) or an interval of those (1994/1999)",
    ),
    "date_start": (DATE, "the first day the item's date covers"),
    "date_end": (DATE, "the last day the item's date covers"),
    "evidence_type": (
        STRING,
        "event, agreement, policy, statistic, survey, discourse, research_finding, context or "
        "author_assessment",
    ),
    "source": (
        STRING,
        "the key of the source the evidence rests on (bibliography/sources.csl.json)",
    ),
    "citation": (STRING, "the in-text citation with the page, in the project's CSL style"),
    "locator": (STRING, "the page or pages in the source"),
    "via_source": (
        STRING,
        "the key of the work the quote is taken from, when the passage rests on the source "
        "that work cites; empty when quoted from the source itself",
    ),
    "via_locator": (STRING, "the quote's page in the work it is taken from"),
    "criterion": (STRING, "the criterion's code (codebook/codebook.csv)"),
    "framework": (STRING, "the criterion's framework (Deutsch; Adler & Barnett)"),
    "group": (STRING, "the criterion's group (tier) within its framework"),
    "coder": (STRING, "the coder's username"),
    "stage": (STRING, "the rule's stage: none, nascent, ascendant or mature"),
    "coupling": (STRING, "loosely or tightly (mature periods only); empty otherwise"),
    "rule": (STRING, "the classification rule: sccoder-v1 or sccoder-v2 (classification/)"),
    "n_units": (INTEGER, "the number of units the figure rests on"),
    "percent_agreement": (NUMBER, "the share of units coded alike, a fraction (0.75, not 75)"),
    "undefined_reason": (STRING, "why the figure is undefined (empty when it is defined)"),
}

# What a column means in one file, where it differs from COMMON or appears nowhere else.
BY_TABLE: dict[str, dict[str, tuple[str, str]]] = {
    "codings": {
        "value": (INTEGER, "the coder's value on the codebook's scale (0 absent … 3 strong)"),
        "note": (STRING, "the coder's note"),
        "status": (STRING, "submitted (the package holds submitted items only)"),
        "submitted_at": (DATETIME, "when the coder submitted the item (UTC); empty if unknown"),
    },
    "consensus": {
        "value": (INTEGER, "the consensus value on the codebook's scale"),
        "method": (
            STRING,
            "adjudicated: a reviewer's decision; unanimous: every submitted coder gave this value",
        ),
        "decided_by": (STRING, "who decided (empty for unanimous)"),
        "rationale": (STRING, "the recorded reason"),
        "states": (
            STRING,
            "the member states of its community the item concerns, space-separated; empty: the "
            "whole dyad or community",
        ),
    },
    "periods": {
        "own_value": (
            INTEGER,
            "the highest consensus value among the period's own items; empty when none codes it",
        ),
        "value": (
            INTEGER,
            "the value the rule reads: own value, carried forward, then any override; 0 when "
            "missing",
        ),
        "carried_from": (STRING, "the period the value was carried from; empty if not carried"),
        "overridden": (BOOLEAN, "whether a reviewer's override set the value"),
        "derived_value": (INTEGER, "the value the override replaced"),
        "override_rationale": (STRING, "the reviewer's reason for the override"),
        "contested": (BOOLEAN, "an item codes the criterion 0 and another 2 or more"),
        "loose_count": (INTEGER, "loosely-coupled indicators at 2 or more"),
        "tight_count": (INTEGER, "tightly-coupled indicators at 2 or more"),
        "blocked_by": (STRING, "the unmet conditions for the next stage, '; '-separated"),
        "pending_items": (INTEGER, "items of the period awaiting adjudication (left out)"),
        "explanation": (STRING, "the verdict explained in words"),
        "indeterminate": (
            BOOLEAN,
            "rule v2: the period fell from the previous one only for want of documentation",
        ),
        "undocumented": (STRING, "rule v2: the codes nobody documented, '; '-separated"),
        "states": (
            STRING,
            "the case's member states (ISO 3166-1 alpha-3), space-separated: two for a dyad, "
            "more for a community",
        ),
    },
    "codebook": {
        "codebook": (STRING, "the codebook's name"),
        "codebook_version": (STRING, "the codebook's version"),
        "order": (INTEGER, "the criterion's position in the codebook"),
        "code": (STRING, "the criterion's code"),
        "name": (STRING, "the criterion's name"),
        "carry_forward": (BOOLEAN, "whether the codebook flags the criterion as carried forward"),
        "verification": (
            STRING,
            "V checked against a public source, S stated in the seed article, U standard "
            "reading not checked page by page",
        ),
        "definition": (STRING, "the criterion's definition"),
        "indicators": (STRING, "its indicators, joined with ' | '"),
        "notes": (STRING, "what a coder must know about the criterion"),
    },
    "reliability": {
        "unit": (STRING, "the evidence item's key: one row per item at least one coder submitted"),
    },
    "agreement": {
        "scope": (STRING, "criterion, group or overall"),
        "key": (STRING, "the criterion's code, the group's name, or all"),
        "measure": (
            STRING,
            "application (did the coders apply the criterion at all) or value (where two or "
            "more applied it, did they give the same value)",
        ),
        "alpha": (NUMBER, "Krippendorff's alpha"),
        "level": (STRING, "alpha's level of measurement: nominal or ordinal"),
        "ac1": (NUMBER, "Gwet's AC1 (application only)"),
        "ci_low": (NUMBER, "the lower end of alpha's bootstrap 95% interval"),
        "ci_high": (NUMBER, "the upper end of alpha's bootstrap 95% interval"),
        "ci_method": (STRING, "how the interval was computed"),
        "reading": (STRING, "Krippendorff's reading: reliable, tentative, not reliable, ..."),
        "reading_note": (STRING, "why a figure is not conclusive, if it is not"),
    },
    "evidence": {
        "locator_note": (STRING, "a note on the page, e.g. that it is inferred, not printed"),
        "footnote": (STRING, "the number of the footnote the passage carries where it is printed"),
        "quote": (STRING, "the verbatim quote, as printed"),
        "summary": (STRING, "the coder's summary of the item"),
        "states": (
            STRING,
            "the member states of its community the item concerns, space-separated; empty: the "
            "whole dyad or community",
        ),
    },
    "stage_judgments": {
        "stage": (STRING, "the coder's verdict: none, nascent, ascendant or mature"),
        "coupling": (STRING, "the coder's coupling: loosely or tightly (mature only)"),
        "rationale": (STRING, "the coder's reasons"),
    },
    "author_assessments": {
        "evidence": (STRING, "the author-assessment item's key (data/evidence.csv)"),
        "stage": (STRING, "the stage the source assigns to the period"),
        "coupling": (STRING, "the coupling it assigns (mature only); empty otherwise"),
        "quote": (STRING, "the verbatim passage that states the verdict"),
    },
    "leave_one_out": {
        "stage": (STRING, "the period's stage under the rule, with every item"),
        "coupling": (STRING, "the period's coupling under the rule, with every item"),
        "item": (STRING, "an item whose removal alone changes the period's verdict"),
        "item_period": (STRING, "the item's own period (an earlier one matters through carrying)"),
        "stage_without": (STRING, "the period's stage without that item"),
        "coupling_without": (STRING, "the period's coupling without that item"),
    },
    "without_author_assessments": {
        "stage": (STRING, "the period's stage under the rule, with every item"),
        "coupling": (STRING, "the period's coupling under the rule, with every item"),
        "assessments_left_out": (
            INTEGER,
            "the dyad's author-assessment items coded on criteria, all left out at once",
        ),
        "assessments_in_period": (INTEGER, "how many of them are the period's own"),
        "stage_without": (STRING, "the period's stage without them"),
        "coupling_without": (STRING, "the period's coupling without them"),
        "changed": (BOOLEAN, "whether the verdict changes without them"),
    },
    "coder_pairs": {
        "coder_a": (STRING, "the first coder of the pair (alphabetical)"),
        "coder_b": (STRING, "the second coder of the pair"),
        "n_units": (INTEGER, "the items both coders submitted"),
        "percent_agreement": (
            NUMBER,
            "the share of those items where both gave the same code, not coded included",
        ),
        "cohen_kappa": (
            NUMBER,
            "Cohen's kappa over those items, 'not coded' a category beside the scale's values",
        ),
    },
}
CODER_COLUMN = (
    INTEGER,
    "{coder}'s value for the criterion; empty when {coder} did not submit the item or did not "
    "code the criterion",
)


def field_of(table: str, column: str) -> tuple[str, str]:
    """(type, description) of one column of one table (``reliability-<CODE>`` tables share
    theirs; a reliability column other than ``unit`` is a coder's)."""
    if table.startswith("reliability-"):
        if column == "unit":
            return BY_TABLE["reliability"]["unit"]
        kind, text = CODER_COLUMN
        return kind, text.format(coder=column)
    found = BY_TABLE.get(table, {}).get(column) or COMMON.get(column)
    if found is None:
        raise LookupError(f"{table}: column {column!r} has no type and description")
    return found


@dataclass(frozen=True)
class Resource:
    """One CSV file of the package, as written."""

    path: str
    table: str  # the Table's name: the key of its columns' descriptions
    header: tuple[str, ...]  # the column names as stored (before any defusing)
    description: str
    size: int
    sha256: str
    primary_key: tuple[str, ...] = ()


def schema(resource: Resource, *, raw: bool) -> dict:
    written = {name: name if raw else defused(name) for name in resource.header}
    fields = []
    for name in resource.header:
        kind, description = field_of(resource.table, name)
        field = {"name": written[name], "type": kind, "description": description}
        if kind == BOOLEAN:
            field.update(trueValues=["true"], falseValues=["false"])
        fields.append(field)
    found = {"fields": fields, "missingValues": [""]}
    if resource.primary_key:
        found["primaryKey"] = [written[name] for name in resource.primary_key]
    return found


def datapackage_json(
    *,
    name: str,
    title: str,
    description: str,
    version: str,
    licence: Licence,
    resources: list[Resource],
    raw: bool,
) -> str:
    """The descriptor, keys sorted, so that unchanged files give an identical descriptor."""
    descriptor = {
        "profile": "tabular-data-package",
        "name": _name(name),
        "title": title,
        "description": description,
        "version": version,
        "resources": [_resource(r, i, resources, raw=raw) for i, r in enumerate(resources)],
    }
    if licence.spdx:
        descriptor["licenses"] = [
            {"name": licence.spdx, "path": licence.url, "title": licence.name}
        ]
    return json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _resource(resource: Resource, index: int, every: list[Resource], *, raw: bool) -> dict:
    return {
        "name": _unique_name(resource, index, every),
        "path": resource.path,
        "profile": "tabular-data-resource",
        "description": resource.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": resource.size,
        "hash": f"sha256:{resource.sha256}",
        "schema": schema(resource, raw=raw),
    }


def _name(text: str) -> str:
    """A Data Package name: lower-case letters, digits and - . _ only."""
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-") or "data"


def _unique_name(resource: Resource, index: int, every: list[Resource]) -> str:
    """The path without ``.csv`` as a name; numbered when two paths give the same name (codes
    that differ only in case, or in characters a name may not hold)."""
    name = _name(resource.path.removesuffix(".csv"))
    same = [i for i, r in enumerate(every) if _name(r.path.removesuffix(".csv")) == name]
    return name if len(same) == 1 else f"{name}-{same.index(index) + 1}"
