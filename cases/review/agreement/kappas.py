"""Percent agreement and the κ family: Fleiss, Gwet's AC1/AC2, Brennan-Prediger, Cohen, Scott.

Multi-coder coefficients follow Gwet's raw-data formulas (irrCAC's ``*.raw`` functions), which
handle missing values: p_a averages, over units with at least two values, the share of agreeing
pairs within the unit; π_k averages r_ik / r_i over every unit with at least one value. On
complete data Fleiss' κ computed this way is exactly Fleiss (1971).

Two-coder coefficients (Cohen's κ, weighted κ, Scott's π) use the units both coders coded.
Weights are spaced by position in the category list: linear w = 1 - |i - j| / (q - 1),
quadratic w = 1 - (i - j)² / (q - 1)².
"""

from __future__ import annotations

import numpy as np

from cases.review.agreement.coefficient import (
    NO_PAIRABLE_UNIT,
    NO_VALUES,
    Coefficient,
    no_variation,
    too_few_categories,
)
from cases.review.agreement.encoding import MISSING, Encoded
from cases.review.agreement.unit_stats import UnitStats

WEIGHTS = ("identity", "linear", "quadratic")


def weight_matrix(name: str, size: int) -> np.ndarray:
    """Agreement weights for a category list of ``size`` entries, spaced by position."""
    if name not in WEIGHTS:
        raise ValueError(f"unknown weights {name!r}: use one of {', '.join(WEIGHTS)}")
    if name == "identity" or size < 2:
        return np.eye(size)
    position = np.arange(size, dtype=np.float64)
    distance = np.abs(position[:, None] - position[None, :]) / (size - 1)
    return 1.0 - (distance if name == "linear" else distance**2)


def _kappa(agreement: float, chance: float) -> float:
    return (agreement - chance) / (1.0 - chance)


def _common_reason(stats: UnitStats) -> str | None:
    if stats.value_totals.sum() == 0:
        return NO_VALUES
    if stats.n_pairable_units == 0:
        return NO_PAIRABLE_UNIT
    return None


def _shares(stats: UnitStats) -> np.ndarray:
    """π_k: mean over units with at least one value of the unit's share of category k."""
    return stats.share_sums / stats.n_units_with_values


def percent_agreement_from(stats: UnitStats) -> Coefficient:
    reason = _common_reason(stats)
    if reason is not None:
        return Coefficient.undefined(reason)
    return Coefficient.of(stats.agreement_sum / stats.n_pairable_units)


def fleiss_kappa_from(stats: UnitStats, encoded: Encoded) -> Coefficient:
    """Fleiss' κ with Gwet's missing-value generalisation: p_e = Σ π_k²."""
    reason = _common_reason(stats)
    if reason is None:
        reason = _single_category_reason(stats.value_totals, stats.value_totals, encoded)
    if reason is not None:
        return Coefficient.undefined(reason)
    shares = _shares(stats)
    agreement = stats.agreement_sum / stats.n_pairable_units
    return Coefficient.of(_kappa(agreement, float(shares @ shares)))


def gwet_ac1_from(stats: UnitStats, encoded: Encoded) -> Coefficient:
    """AC1: p_e = Σ π_k (1 - π_k) / (q - 1), q = length of the category list."""
    return _gwet_from(stats, encoded, None, "AC1")


def gwet_ac2_from(stats: UnitStats, encoded: Encoded, weights: np.ndarray) -> Coefficient:
    """AC2: weighted p_a, and p_e = (Σ w_kl) Σ π_k (1 - π_k) / (q (q - 1))."""
    return _gwet_from(stats, encoded, weights, "AC2")


def _gwet_from(
    stats: UnitStats, encoded: Encoded, weights: np.ndarray | None, name: str
) -> Coefficient:
    reason = _common_reason(stats) or _category_count_reason(encoded, name)
    if reason is not None:
        return Coefficient.undefined(reason)
    q = encoded.n_categories
    shares = _shares(stats)
    spread = float((shares * (1.0 - shares)).sum())
    if weights is None:
        agreement, chance = stats.agreement_sum, spread / (q - 1)
    else:
        agreement = stats.weighted_agreement_sum
        chance = float(weights.sum()) * spread / (q * (q - 1))
    return Coefficient.of(_kappa(agreement / stats.n_pairable_units, chance))


def brennan_prediger_from(stats: UnitStats, encoded: Encoded) -> Coefficient:
    """Brennan & Prediger (1981) free-marginal κ: p_e = 1 / q."""
    reason = _common_reason(stats) or _category_count_reason(encoded, "Brennan-Prediger")
    if reason is not None:
        return Coefficient.undefined(reason)
    agreement = stats.agreement_sum / stats.n_pairable_units
    return Coefficient.of(_kappa(agreement, 1.0 / encoded.n_categories))


def _category_count_reason(encoded: Encoded, name: str) -> str | None:
    if encoded.n_categories < 2:
        return too_few_categories(encoded.categories, name)
    return None


def _single_category_reason(
    counted: np.ndarray, every_value: np.ndarray, encoded: Encoded
) -> str | None:
    """'No variation' when the values a coefficient uses all fall in one category."""
    used = np.flatnonzero(counted)
    if used.size != 1:
        return None
    everywhere = np.count_nonzero(every_value) == 1
    return no_variation(encoded.categories[used[0]], everywhere=everywhere)


def pair_table(encoded: Encoded) -> np.ndarray:
    """Coder 1 x coder 2 counts over the units both coded (the two-coder contingency table)."""
    if encoded.n_coders != 2:
        raise ValueError(f"two-coder coefficients need exactly 2 coders, got {encoded.n_coders}")
    first, second = encoded.codes()
    both = (first != MISSING) & (second != MISSING)
    size = encoded.n_categories
    flat = first[both] * size + second[both]
    return np.bincount(flat, minlength=size * size).reshape(size, size).astype(np.float64)


def _two_coder_reason(table: np.ndarray, encoded: Encoded) -> str | None:
    codes = encoded.codes()
    if not (codes != MISSING).any():
        return NO_VALUES
    if table.sum() == 0:
        return NO_PAIRABLE_UNIT
    every_value = np.bincount(codes[codes != MISSING], minlength=encoded.n_categories)
    return _single_category_reason(table.sum(axis=0) + table.sum(axis=1), every_value, encoded)


def cohen_kappa_from(
    table: np.ndarray, encoded: Encoded, weights: np.ndarray | None = None
) -> Coefficient:
    """Cohen's κ (weighted when ``weights`` is given) from the two-coder table."""
    reason = _two_coder_reason(table, encoded)
    if reason is not None:
        return Coefficient.undefined(reason)
    if weights is None:
        weights = np.eye(encoded.n_categories)
    return Coefficient.of(cohen_kappa_value(table, weights))


def cohen_kappa_value(table: np.ndarray, weights: np.ndarray) -> float:
    """The arithmetic of Cohen's κ on a two-coder table whose κ is defined."""
    shares = table / table.sum()
    first, second = shares.sum(axis=1), shares.sum(axis=0)
    agreement = float((weights * shares).sum())
    chance = float(first @ weights @ second)
    return _kappa(agreement, chance)


def scott_pi_from(table: np.ndarray, encoded: Encoded) -> Coefficient:
    """Scott's π: Cohen's p_o with chance from the pooled shares of both coders."""
    reason = _two_coder_reason(table, encoded)
    if reason is not None:
        return Coefficient.undefined(reason)
    shares = table / table.sum()
    pooled = (shares.sum(axis=1) + shares.sum(axis=0)) / 2.0
    return Coefficient.of(_kappa(float(np.trace(shares)), float(pooled @ pooled)))
