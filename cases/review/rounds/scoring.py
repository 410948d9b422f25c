"""A coder's score in a calibration round: their codes against the round's reference.

PURE: plain mappings in, dataclasses out, no Django. The arithmetic is the agreement engine's
(``cases.review.agreement``): per criterion, over the items the coder submitted that have a
reference, percent agreement and Cohen's κ of two "coders", the coder and the reference, with
"not coded" as a category of its own beside the scale's values, so applying a criterion the
reference leaves out counts as a disagreement, as does giving it another value. The overall
line pools every (item, criterion) of those items, as Dedoose's Training Center and the
coder-against-consensus diagnostic do.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cases.review.agreement import cohen_kappa, percent_agreement

NOT_CODED = "not coded"  # the category of a criterion left out, by the coder or the reference

Codes = Mapping[str, int | None]  # criterion code -> value; absent or None: not coded


@dataclass(frozen=True)
class Difference:
    """One (item, criterion) where the coder's code is not the reference's; None: not coded."""

    item: Hashable
    criterion: str
    coded: int | None
    reference: int | None


@dataclass(frozen=True)
class Score:
    """Agreement of one coder with the reference on one criterion (or ``"all"`` pooled)."""

    criterion: str
    n_units: int
    n_agreeing: int
    percent_agreement: float | None
    kappa: float | None
    reason: str | None  # why κ is undefined (None when it is defined)


@dataclass(frozen=True)
class CoderScore:
    coder: str
    items: tuple[Hashable, ...]  # the items scored, in the order given
    criteria: tuple[Score, ...]  # in the order given
    overall: Score
    differences: tuple[Difference, ...]  # item by item, criteria in the order given


def score_coder(
    coder: str,
    codes: Mapping[Hashable, Codes],
    reference: Mapping[Hashable, Codes],
    *,
    criteria: Sequence[str],
    scale: Sequence[int],
) -> CoderScore:
    """Score ``coder``'s ``codes`` (item -> their codes, over the items they submitted)
    against ``reference`` (item -> the reference's codes). Only items in both are scored,
    in the order of ``codes``."""
    items = tuple(item for item in codes if item in reference)
    categories = [NOT_CODED, *scale]
    coded = _table(codes, items, criteria)
    right = _table(reference, items, criteria)
    scores = tuple(
        _score(code, coded[:, j], right[:, j], categories) for j, code in enumerate(criteria)
    )
    overall = _score("all", coded.reshape(-1), right.reshape(-1), categories)
    differences = tuple(
        Difference(item, code, _value(coded[i, j]), _value(right[i, j]))
        for i, item in enumerate(items)
        for j, code in enumerate(criteria)
        if coded[i, j] != right[i, j]
    )
    return CoderScore(coder, items, scores, overall, differences)


def _table(codes: Mapping[Hashable, Codes], items, criteria: Sequence[str]) -> np.ndarray:
    """items x criteria of values, ``NOT_CODED`` where a criterion was left out."""
    table = np.empty((len(items), len(criteria)), dtype=object)
    for i, item in enumerate(items):
        given = codes[item]
        for j, code in enumerate(criteria):
            value = given.get(code)
            table[i, j] = NOT_CODED if value is None else value
    return table


def _value(cell) -> int | None:
    return None if cell == NOT_CODED else cell


def _score(criterion: str, coded: np.ndarray, right: np.ndarray, categories: list) -> Score:
    n_units = len(coded)
    if n_units == 0:
        return Score(criterion, 0, 0, None, None, "no item of the round has been scored")
    pair = np.stack([coded, right])
    kappa = cohen_kappa(pair, categories=categories)
    agreement = percent_agreement(pair, categories=categories).value
    n_agreeing = sum(1 for a, b in zip(coded, right, strict=True) if a == b)
    return Score(criterion, n_units, n_agreeing, agreement, kappa.value, kappa.reason)
