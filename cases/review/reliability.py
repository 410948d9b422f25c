"""Reliability data from the database: the ORM adapter of the pure agreement engine.

The unit of coding is an (evidence item, criterion) pair, over the items that every listed coder
has submitted (default: every coder with a submitted item; drafts never count). Two questions are
asked of each criterion, and of each framework group and the whole codebook by pooling their units:

- **application**: did the coder apply the criterion at all? 1 if they coded it (any value,
  0 included: 0 is contrary evidence, still an application), 0 if not; nominal alpha with the
  categories [0, 1], percent agreement and Gwet's AC1. AC1 is there because most criteria are
  absent from most items, which depresses alpha and kappa (the "paradox" of high agreement and
  low alpha);
- **value**: where at least two of the coders applied it, did they give the same value? Ordinal
  alpha on the codebook's scale (all of it, so the metric knows the values nobody used).

Each figure comes with its number of units, a bootstrap interval (Hayes & Krippendorff 2007) and
Krippendorff's reading: alpha >= .800 reliable; .667 to .800 for tentative conclusions only;
below .667 not reliable; "not conclusive" instead where fewer than 10 units, an interval wider
than 0.5 or (for a positive reading) percent agreement below 70% cannot carry it, with the
reasons in ``reading_note`` (``cases.review.agreement.reading``). An undefined alpha is reported
as such, with the reason.

The public functions (``agreement_rows``, ``coder_pair_kappas``, ``stage_judgment_agreement``,
and ``agreement_figures`` with the coder diagnostics of ``cases.review.diagnostics``) return
plain dicts with fixed keys, for the agreement page, the exports and the API alike. They read
the database in a fixed number of queries whatever the project's size
(``cases.review.submitted_codes``) and hand numpy arrays to ``cases.review.agreement``, where
all the arithmetic is.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

import numpy as np

from cases.models import Dyad, Project, Stage, StageJudgment
from cases.review.agreement import alpha_coefficient, alpha_figures, cohen_kappa_table
from cases.review.agreement.reading import (
    ENGLISH_READING,
    RELIABLE,
    TENTATIVE,
    ReadingWords,
    krippendorff_band,
)
from cases.review.coding_units import NOT_CODED, UnitPools, pair_table
from cases.review.diagnostics import against_consensus_of, left_out_of, submitted_consensus_of
from cases.review.submitted_codes import (
    SubmittedCodes,
    listed_coders,
    load_submitted_codes,
    no_items_reason,
    resolve_dyad,
)

# The rules and keys of these figures: part of the key of every cache that holds them, so that
# figures cached before a change of rules are not served after it. 3: the pages' reading notes
# are in the reader's language.
FIGURES_VERSION = 3
STAGE_ORDER = [Stage.NONE.value, Stage.NASCENT.value, Stage.ASCENDANT.value, Stage.MATURE.value]

ROW_KEYS = (
    "scope",
    "key",
    "framework",
    "group",
    "measure",
    "n_units",
    "alpha",
    "level",
    "percent_agreement",
    "ac1",
    "ci_low",
    "ci_high",
    "ci_method",
    "reading",
    "undefined_reason",
    "reading_note",
)


def reading(alpha: float | None) -> str:
    """Krippendorff's (2004) reading of an alpha alone; the rows' ``reading`` also weighs the
    units, the interval and percent agreement behind it (``cases.review.agreement.reading``)."""
    return krippendorff_band(alpha)


# --- one row of figures --------------------------------------------------------------------


def _undefined_row(n_units: int, reason: str) -> dict[str, Any]:
    return {
        "n_units": n_units,
        "alpha": None,
        "percent_agreement": None,
        "ac1": None,
        "ci_low": None,
        "ci_high": None,
        "ci_method": None,
        "reading": "undefined",
        "undefined_reason": reason,
        "reading_note": "",
    }


def _figures(
    matrix: np.ndarray,
    *,
    level: str,
    categories: list,
    draws: int,
    seed: int,
    empty: str,
    words: ReadingWords,
) -> dict[str, Any]:
    """alpha, its interval and reading, percent agreement (and AC1 for application) of one
    coders x units matrix; ``empty`` is the reason given when it has no unit; ``words``: the
    reading notes' words."""
    n_units = int(matrix.shape[1])
    if n_units == 0:
        return _undefined_row(0, empty)
    found = alpha_figures(matrix, level=level, categories=categories, draws=draws, seed=seed)
    alpha, interval = found.alpha, found.interval
    figures = _undefined_row(n_units, alpha.reason or "")
    figures["percent_agreement"] = found.percent_agreement.value
    if level == "nominal":
        labels = {0: words.not_applied, 1: words.applied}
    else:
        labels = {c: words.value % {"value": c} for c in categories}
    read = found.reading(labels, words)
    figures["reading_note"] = read.note
    if level == "nominal":
        figures["ac1"] = found.ac1.value
    if interval is not None:
        figures.update(
            alpha=alpha.value,
            reading=read.label,
            undefined_reason=None,
            ci_low=interval.ci[0] if interval.ci else None,
            ci_high=interval.ci[1] if interval.ci else None,
            ci_method=interval.method if interval.ci else None,
        )
    return figures


# --- the public functions ------------------------------------------------------------------


def agreement_rows(
    project: Project,
    *,
    dyad: Dyad | str | None = None,
    coders=None,
    draws: int = 1000,
    seed: int = 1,
    codebook_version: int | None = None,
    words: ReadingWords = ENGLISH_READING,
) -> list[dict[str, Any]]:
    """One dict per (scope, key, measure): every criterion, then every framework group, then
    the whole codebook ("overall"), each with its application and its value row.

    ``coders``: usernames (or users) whose agreement to measure, at least two; default every
    coder with a submitted item. ``codebook_version``: as ``load_submitted_codes``. Keys: see
    ``ROW_KEYS``. ``words``: the reading notes' words, English (the exports, the API) unless a
    page passes its reader's (``cases.review.reading_words``).
    """
    data = load_submitted_codes(
        project, resolve_dyad(project, dyad), codebook_version=codebook_version
    )
    return _rows_of(data, coders, draws=draws, seed=seed, words=words)


def agreement_rows_of(
    data: SubmittedCodes, *, coders=None, draws: int = 1000, seed: int = 1
) -> list[dict[str, Any]]:
    """``agreement_rows`` of codes already loaded (a coding round's items, say)."""
    return _rows_of(data, coders, draws=draws, seed=seed, words=ENGLISH_READING)


def _rows_of(
    data: SubmittedCodes, coders, *, draws: int, seed: int, words: ReadingWords
) -> list[dict[str, Any]]:
    listed = listed_coders(data, coders)
    items = data.common_items(listed if len(listed) >= 2 else [])
    pools = UnitPools(data.value_cube(listed, items))
    scale = list(data.scale)
    no_items = no_items_reason(listed)

    def rows_for(scope: str, key: str, framework: str, group: str, columns: list[int]):
        shared = {"scope": scope, "key": key, "framework": framework, "group": group}
        application = _figures(
            pools.application(columns),
            level="nominal",
            categories=[0, 1],
            draws=draws,
            seed=seed,
            empty=no_items,
            words=words,
        )
        value = _figures(
            pools.values(columns),
            level="ordinal",
            categories=scale,
            draws=draws,
            seed=seed,
            empty=no_items if items.size == 0 else "no item on which two coders applied it",
            words=words,
        )
        return [
            {**shared, "measure": "application", "level": "nominal", **application},
            {**shared, "measure": "value", "level": "ordinal", **value},
        ]

    rows: list[dict[str, Any]] = []
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for j, criterion in enumerate(data.criteria):
        rows += rows_for("criterion", criterion.code, criterion.framework, criterion.group, [j])
        groups[(criterion.framework, criterion.group)].append(j)
    for (framework, group), columns in groups.items():
        rows += rows_for("group", group, framework, group, columns)
    rows += rows_for("overall", "all", "", "", list(range(len(data.criteria))))
    return [{key: row[key] for key in ROW_KEYS} for row in rows]


def coder_pair_kappas(project: Project, *, dyad: Dyad | str | None = None) -> list[dict]:
    """Cohen's kappa for every pair of coders with submitted items.

    Units: every (item, criterion) of the items both coders submitted; categories: "not coded"
    and each value of the scale, nominal. So the kappa counts a disagreement whenever the two
    codes differ, whether one applied the criterion and the other did not or both applied it
    with different values.
    """
    return _kappas_of(load_submitted_codes(project, resolve_dyad(project, dyad)))


def _kappas_of(data: SubmittedCodes) -> list[dict]:
    categories = [NOT_CODED, *data.scale]
    found = []
    for coder_a, coder_b in combinations(data.coders, 2):
        items = data.common_items([coder_a, coder_b])
        row = {"coder_a": coder_a, "coder_b": coder_b, "n_units": 0}
        if items.size == 0:
            found.append({**row, "cohen_kappa": None, "reason": "no item submitted by both"})
            continue
        table = pair_table(data.category_cube([coder_a, coder_b], items), len(categories))
        kappa = cohen_kappa_table(table, categories=categories)
        found.append(
            {
                **row,
                "n_units": len(items) * len(data.criteria),
                "cohen_kappa": kappa.value,
                "reason": kappa.reason,
            }
        )
    return found


def stage_judgment_agreement(project: Project, *, dyad: Dyad | str | None = None) -> dict:
    """Ordinal alpha of the coders' holistic stage verdicts (none < nascent < ascendant < mature).

    Units are periods; ``n_periods`` counts those judged by at least two coders (the only ones
    alpha can use), ``n_coders`` every coder with a judgment.
    """
    judgments = StageJudgment.objects.filter(period__dyad__project=project)
    chosen = resolve_dyad(project, dyad)
    if chosen is not None:
        judgments = judgments.filter(period__dyad=chosen)
    verdicts: dict[int, dict[str, str]] = defaultdict(dict)
    for period_id, coder, stage in judgments.values_list("period_id", "coder__username", "stage"):
        verdicts[period_id][coder] = stage
    coders = sorted({c for by_coder in verdicts.values() for c in by_coder})
    n_periods = sum(1 for by_coder in verdicts.values() if len(by_coder) >= 2)
    result = {"n_periods": n_periods, "n_coders": len(coders), "alpha_ordinal": None}
    if len(coders) < 2:
        return {**result, "reason": "fewer than two coders have recorded stage judgments"}
    periods = sorted(verdicts)
    matrix = [[verdicts[p].get(c) for p in periods] for c in coders]
    alpha = alpha_coefficient(matrix, level="ordinal", categories=STAGE_ORDER)
    return {**result, "alpha_ordinal": alpha.value, "reason": alpha.reason}


def agreement_figures(
    project: Project,
    *,
    dyad: Dyad | str | None = None,
    coders=None,
    draws: int = 1000,
    seed: int = 1,
    codebook_version: int | None = None,
    words: ReadingWords = ENGLISH_READING,
) -> dict[str, Any]:
    """Everything the agreement page shows, reading the codings once: ``rows`` as
    ``agreement_rows`` (their reading notes in ``words``), ``kappas`` as
    ``coder_pair_kappas``, ``stages`` as ``stage_judgment_agreement``, ``left_out`` as
    ``leave_one_coder_out`` and ``against_consensus`` as ``coders_against_consensus``."""
    chosen = resolve_dyad(project, dyad)
    data = load_submitted_codes(project, chosen, codebook_version=codebook_version)
    return {
        "rows": _rows_of(data, coders, draws=draws, seed=seed, words=words),
        "kappas": _kappas_of(data),
        "stages": stage_judgment_agreement(project, dyad=chosen),
        "left_out": left_out_of(data, coders),
        "against_consensus": against_consensus_of(
            data, coders, submitted_consensus_of(project, chosen, data)
        ),
    }


__all__ = [
    "FIGURES_VERSION",
    "RELIABLE",
    "ROW_KEYS",
    "TENTATIVE",
    "agreement_figures",
    "agreement_rows",
    "agreement_rows_of",
    "coder_pair_kappas",
    "reading",
    "stage_judgment_agreement",
]
