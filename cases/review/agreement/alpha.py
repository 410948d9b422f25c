"""Krippendorff's alpha from the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
Alpha-Reliability", sections A-E).

alpha = 1 - D_o / D_e = 1 - (n.. - 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck, where o is the coincidence
matrix of pairable values (units with one value are ignored), n_c its marginals and δ² the
level's difference function. The ordinal δ² uses ranks through the marginals, so categories
nobody used (n_g = 0) change nothing.
"""

from __future__ import annotations

import numpy as np

from cases.review.agreement.coefficient import (
    NO_PAIRABLE_UNIT,
    NO_VALUES,
    Coefficient,
    no_variation,
)
from cases.review.agreement.encoding import Encoded, display_category
from cases.review.agreement.unit_stats import UnitStats

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def check_level(level: str, encoded: Encoded) -> None:
    """Fail early on a level the data cannot support (text at interval or ratio level)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}: use one of {', '.join(LEVELS)}")
    if level in ("interval", "ratio") and encoded.numbers is None:
        raise ValueError(f"{level} level needs numeric values and categories")


def distance_matrix(level: str, marginals: np.ndarray, numbers: np.ndarray | None) -> np.ndarray:
    """δ²_ck for every pair of categories, in category-list order."""
    size = marginals.size
    if level == "nominal":
        return 1.0 - np.eye(size)
    if level == "ordinal":
        # Σ_{g=c..k} n_g - (n_c + n_k)/2 with the running total S: S_k - S_c + (n_c - n_k)/2.
        running = np.cumsum(marginals)
        between = running[None, :] - running[:, None]
        return (between + (marginals[:, None] - marginals[None, :]) / 2.0) ** 2
    assert numbers is not None
    difference = numbers[:, None] - numbers[None, :]
    if level == "interval":
        return difference**2
    total = numbers[:, None] + numbers[None, :]
    ratio = np.divide(difference, total, out=np.zeros_like(difference), where=total != 0)
    return ratio**2


def alpha_from_stats(stats: UnitStats, encoded: Encoded, level: str) -> Coefficient:
    """alpha at ``level``, or the reason it is undefined for these data."""
    check_level(level, encoded)
    reason = undefined_reason(stats, encoded, level)
    if reason is not None:
        return Coefficient.undefined(reason)
    observed, expected = disagreement_sums(stats.coincidences, level, encoded.numbers)
    n = stats.coincidences.sum()
    return Coefficient.of(1.0 - (n - 1.0) * observed / expected)


def disagreement_sums(
    coincidences: np.ndarray, level: str, numbers: np.ndarray | None
) -> tuple[float, float]:
    """Σ o_ck δ²_ck and Σ n_c n_k δ²_ck (D_o and D_e up to the factors n.. and n..(n.. - 1))."""
    marginals = coincidences.sum(axis=1)
    delta = distance_matrix(level, marginals, numbers)
    observed = float((coincidences * delta).sum())
    expected = float(marginals @ delta @ marginals)
    return observed, expected


def undefined_reason(stats: UnitStats, encoded: Encoded, level: str) -> str | None:
    """Why alpha has no value here, or None when it has one."""
    if stats.value_totals.sum() == 0:
        return NO_VALUES
    if stats.n_pairable_units == 0:
        return NO_PAIRABLE_UNIT
    marginals = stats.coincidences.sum(axis=1)
    used = np.flatnonzero(marginals > 0)
    if level == "ratio":
        assert encoded.numbers is not None
        negative = encoded.numbers[used][encoded.numbers[used] < 0]
        if negative.size:
            return f"ratio level needs non-negative values, found {display_category(negative[0])}"
    if used.size == 1:
        everywhere = np.count_nonzero(stats.value_totals) == 1
        return no_variation(encoded.categories[used[0]], everywhere=everywhere)
    return None
