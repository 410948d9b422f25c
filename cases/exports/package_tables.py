"""The tables only the replication package carries: the evidence as one flat file, the coders'
stage judgments, the robustness checks of the classification and Cohen's κ per coder pair and
criterion. Admins and reviewers only (the package is), so every coder's judgments and codes are
in.

Each is a ``tables.Table`` (a header and a stream of rows), written by the same CSV writer as
every other export.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from cases.classification.inputs import carry_forward_codes, find_dyads, gather_inputs
from cases.classification.rule import classify
from cases.exports.tables import CHUNK, Table, iso_date
from cases.models import Evidence, EvidenceType, Project, StageJudgment
from cases.reports.robustness import classify_leaving_out, leave_one_out
from cases.review.agreement import cohen_kappa_table
from cases.review.submitted_codes import load_submitted_codes

# --- the evidence, one row per item -------------------------------------------------------------

EVIDENCE_FILE_COLUMNS = (
    "evidence",
    "dyad",
    "period",
    "date",
    "date_start",
    "date_end",
    "evidence_type",
    "source",
    "locator",
    "locator_note",
    "footnote",
    "via_source",
    "via_locator",
    "quote",
    "summary",
    "states",  # last: files written before communities keep their columns
)


def evidence_table(project: Project) -> Table:
    """Every evidence item with its quote and where it is printed: the source, the page, the
    footnote, and the work it was quoted from when it rests on a source that work cites."""
    rows = (
        Evidence.objects.filter(project=project)
        .order_by("dyad__code", "date_start", "key")
        .values_list(
            "key",
            "dyad__code",
            "period__code",
            "date",
            "date_start",
            "date_end",
            "evidence_type",
            "source__key",
            "locator",
            "locator_note",
            "footnote",
            "via_source__key",
            "via_locator",
            "quote",
            "summary",
            "states",
        )
    )
    return Table("evidence", EVIDENCE_FILE_COLUMNS, _evidence_rows(rows), has_yes_no=False)


def _evidence_rows(rows) -> Iterator[list[Any]]:
    for row in rows.iterator(chunk_size=CHUNK):
        cells = list(row)
        cells[4], cells[5] = iso_date(cells[4]), iso_date(cells[5])
        yield [cell if cell != "" else None for cell in cells]


# --- the author's own stage assessments --------------------------------------------------------

AUTHOR_ASSESSMENT_COLUMNS = (
    "evidence",
    "dyad",
    "period",
    "start_year",
    "end_year",
    "stage",
    "coupling",
    "source",
    "locator",
    "quote",
)


def author_assessments_table(project: Project) -> Table:
    """Every author-assessment item that states a bare stage verdict (CODEBOOK §4b): the
    author's own reading of the period, set beside the rule's and the coders'."""
    rows = (
        Evidence.objects.filter(project=project)
        .exclude(assessed_stage="")
        .order_by("dyad__code", "period__start_year", "date_start", "key")
        .values_list(
            "key",
            "dyad__code",
            "period__code",
            "period__start_year",
            "period__end_year",
            "assessed_stage",
            "assessed_coupling",
            "source__key",
            "locator",
            "quote",
        )
    )
    return Table(
        "author_assessments",
        AUTHOR_ASSESSMENT_COLUMNS,
        ([cell if cell != "" else None for cell in row] for row in rows.iterator(chunk_size=CHUNK)),
        has_yes_no=False,
    )


# --- the coders' stage judgments ----------------------------------------------------------------

JUDGMENT_COLUMNS = (
    "dyad",
    "period",
    "start_year",
    "end_year",
    "coder",
    "stage",
    "coupling",
    "rationale",
)


def stage_judgments_table(project: Project) -> Table:
    """Every coder's holistic verdict on each period they judged."""
    rows = (
        StageJudgment.objects.filter(period__dyad__project=project)
        .order_by("period__dyad__code", "period__start_year", "coder__username")
        .values_list(
            "period__dyad__code",
            "period__code",
            "period__start_year",
            "period__end_year",
            "coder__username",
            "stage",
            "coupling",
            "rationale",
        )
    )
    return Table(
        "stage_judgments",
        JUDGMENT_COLUMNS,
        ([*row[:7], row[7] or None] for row in rows.iterator(chunk_size=CHUNK)),
        has_yes_no=False,
    )


# --- robustness of the classification -----------------------------------------------------------

LEAVE_ONE_OUT_COLUMNS = (
    "dyad",
    "period",
    "rule",
    "stage",
    "coupling",
    "item",
    "item_period",
    "stage_without",
    "coupling_without",
)
WITHOUT_ASSESSMENTS_COLUMNS = (
    "dyad",
    "period",
    "rule",
    "stage",
    "coupling",
    "assessments_left_out",
    "assessments_in_period",
    "stage_without",
    "coupling_without",
    "changed",
)


@dataclass(frozen=True)
class Robustness:
    leave_one_out: Table
    without_assessments: Table


def robustness_tables(project: Project) -> Robustness:
    """The dyad report's two robustness checks under the project's rule, for every period:
    the single items whose removal changes its verdict (one row per period and item), and the
    verdict with the author-assessment items the rule reads left out (one row per period).

    The same functions as the report (``report_logic.leave_one_out``,
    ``classify_leaving_out``), on the whole consensus.
    """
    rule = project.rule
    dyads = find_dyads(project)
    gathered = gather_inputs(project, dyads)
    carry = carry_forward_codes(project)
    items = list(Evidence.objects.filter(project=project).values_list("pk", "key", "evidence_type"))
    key_of = {pk: key for pk, key, _ in items}
    assessments = {pk for pk, _, kind in items if kind == EvidenceType.AUTHOR_ASSESSMENT}
    hanging, without = [], []
    for dyad in dyads:
        periods = sorted(dyad.periods.all(), key=lambda p: p.start_year)
        inputs = gathered.inputs[dyad.pk]
        ids = {p.code: gathered.item_ids.get(p.pk, []) for p in periods}
        item_keys = {code: [key_of[pk] for pk in pks] for code, pks in ids.items()}
        results = classify(inputs, carry_forward=carry, rule=rule)
        hangs_on = leave_one_out(inputs, item_keys, carry_forward=carry, rule=rule)
        # As in the report: the author assessments coded on criteria, which the rule reads.
        read = {
            code: [key_of[pk] for pk in pks if pk in assessments and gathered.consensus[pk].values]
            for code, pks in ids.items()
        }
        left_out = {key for keys in read.values() for key in keys}
        trimmed = classify_leaving_out(inputs, item_keys, left_out, carry_forward=carry, rule=rule)
        for result, after in zip(results, trimmed, strict=True):
            verdict = [dyad.code, result.code, rule.name, result.stage, result.coupling]
            for h in hangs_on[result.code]:
                hanging.append([*verdict, h["key"], h["item_period"], h["stage"], h["coupling"]])
            changed = (after.stage, after.coupling) != (result.stage, result.coupling)
            without.append(
                [
                    *verdict,
                    len(left_out),
                    len(read[result.code]),
                    after.stage,
                    after.coupling,
                    changed,
                ]
            )
    return Robustness(
        Table("leave_one_out", LEAVE_ONE_OUT_COLUMNS, hanging, has_yes_no=False),
        Table("without_author_assessments", WITHOUT_ASSESSMENTS_COLUMNS, without),
    )


# --- Cohen's κ per coder pair and criterion -----------------------------------------------------

PAIR_COLUMNS = (
    "criterion",
    "framework",
    "group",
    "coder_a",
    "coder_b",
    "n_units",
    "percent_agreement",
    "cohen_kappa",
    "undefined_reason",
)


def coder_pair_table(project: Project) -> Table:
    """Cohen's κ of every pair of coders on every criterion, over the items both submitted.

    As the agreement page's coder-pair κ, "not coded" is a category beside the scale's values,
    so a pair disagrees where one applied the criterion and the other did not; the page pools
    every criterion, this table gives each its own row.
    """
    return Table("coder_pairs", PAIR_COLUMNS, _pair_rows(project), has_yes_no=False)


def _pair_rows(project: Project) -> Iterator[list[Any]]:
    data = load_submitted_codes(project)
    # Named for the reasons' sake ("no variation: every value is not coded"); the κ is the same.
    categories = ["not coded", *(str(value) for value in data.scale)]
    size = len(categories)
    for coder_a, coder_b in combinations(data.coders, 2):
        items = data.common_items([coder_a, coder_b])
        cube = data.category_cube([coder_a, coder_b], items)
        for column, criterion in enumerate(data.criteria):
            pairs = cube[0, :, column] * size + cube[1, :, column]
            table = np.bincount(pairs, minlength=size * size).reshape(size, size)
            if items.size:
                kappa = cohen_kappa_table(table.astype(np.float64), categories=categories)
                agreement, value, reason = np.trace(table) / items.size, kappa.value, kappa.reason
            else:
                agreement, value, reason = None, None, "no item submitted by both"
            yield [
                criterion.code,
                criterion.framework,
                criterion.group,
                coder_a,
                coder_b,
                int(items.size),
                _figure(agreement),
                _figure(value),
                reason,
            ]


def _figure(value: float | None) -> str | None:
    """Six decimals as text, as in the agreement table: stable across platforms."""
    return None if value is None else f"{float(value):.6f}"
