"""Inter-coder agreement: the public entry point of the pure agreement engine.

PURE: numpy and the standard library only, never Django, so it is tested on published examples
without a database and reused by the ``agreement`` command, the reliability adapter and the API.

Reliability data are a coders x units array-like (rows = coders, columns = units), as in the
``krippendorff`` package; a missing value is ``None``, ``NaN`` or an empty string. The category
list defaults to the sorted distinct observed values (numeric when all parse as numbers); a
given list keeps its order, which ordinal alpha and the linear/quadratic weights use.

Every coefficient comes back as a ``Coefficient`` (value, or None and a one-line reason);
``krippendorff_alpha`` keeps the contract's plain ``float | None``. The helpers live in
sibling modules: ``encoding`` (values, category list, per-unit counts), ``unit_stats`` (one
pass over the units), ``alpha`` (coincidence-matrix alpha), ``kappas`` (p_a, Fleiss, AC1/AC2,
Brennan-Prediger, Cohen, Scott), ``bootstrap`` (Hayes & Krippendorff 2007) and ``reading``
(what an alpha lets a reader conclude, held back where the data are too thin).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cases.review.agreement.alpha import LEVELS, alpha_from_stats, check_level, distance_matrix
from cases.review.agreement.bootstrap import AlphaBootstrap, bootstrap_alpha, check_draws
from cases.review.agreement.coefficient import NO_VALUES, Coefficient, no_variation
from cases.review.agreement.encoding import Encoded, display_category, encode
from cases.review.agreement.kappas import (
    WEIGHTS,
    brennan_prediger_from,
    cohen_kappa_from,
    cohen_kappa_value,
    fleiss_kappa_from,
    gwet_ac1_from,
    gwet_ac2_from,
    pair_table,
    percent_agreement_from,
    scott_pi_from,
    weight_matrix,
)
from cases.review.agreement.reading import (
    ENGLISH_READING,
    Prevalent,
    Reading,
    ReadingWords,
    read_alpha,
)
from cases.review.agreement.unit_stats import UnitStats, collect_unit_stats

__all__ = [
    "LEVELS",
    "WEIGHTS",
    "AlphaBootstrap",
    "AlphaFigures",
    "Coefficient",
    "Prevalent",
    "Reading",
    "agreement_report",
    "alpha_coefficient",
    "alpha_figures",
    "brennan_prediger",
    "cohen_kappa",
    "cohen_kappa_table",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "krippendorff_alpha",
    "krippendorff_alpha_bootstrap",
    "percent_agreement",
    "prevalent_value",
    "read_alpha",
    "scott_pi",
    "weighted_cohen_kappa",
]

Categories = Sequence[Any] | None


def krippendorff_alpha(
    reliability_data: Any, level: str = "nominal", categories: Categories = None
) -> float | None:
    """Krippendorff's alpha (coincidence-matrix method), or None when the data cannot give one."""
    return alpha_coefficient(reliability_data, level=level, categories=categories).value


def alpha_coefficient(
    reliability_data: Any, level: str = "nominal", categories: Categories = None
) -> Coefficient:
    """Krippendorff's alpha with the reason when it is undefined."""
    encoded = encode(reliability_data, categories)
    check_level(level, encoded)
    return alpha_from_stats(collect_unit_stats(encoded, gwet=False), encoded, level)


def percent_agreement(reliability_data: Any, categories: Categories = None) -> Coefficient:
    """Share of agreeing pairs of values within a unit, averaged over units with ≥ 2 values."""
    return percent_agreement_from(_stats(reliability_data, categories)[1])


def fleiss_kappa(reliability_data: Any, categories: Categories = None) -> Coefficient:
    """Fleiss' κ; with missing values Gwet's generalisation (irrCAC ``fleiss.kappa.raw``)."""
    encoded, stats = _stats(reliability_data, categories)
    return fleiss_kappa_from(stats, encoded)


def gwet_ac1(reliability_data: Any, categories: Categories = None) -> Coefficient:
    """Gwet's AC1 with q = length of the category list (irrCAC ``gwet.ac1.raw``)."""
    encoded, stats = _stats(reliability_data, categories)
    return gwet_ac1_from(stats, encoded)


def gwet_ac2(
    reliability_data: Any, weights: str = "linear", categories: Categories = None
) -> Coefficient:
    """Gwet's AC2: AC1 with agreement weights spaced by position in the category list."""
    encoded = encode(reliability_data, categories)
    matrix = weight_matrix(weights, encoded.n_categories)
    stats = collect_unit_stats(encoded, matrix)
    return gwet_ac2_from(stats, encoded, matrix)


def brennan_prediger(reliability_data: Any, categories: Categories = None) -> Coefficient:
    """Brennan-Prediger κ with q = length of the category list (irrCAC ``bp.coeff.raw``)."""
    encoded, stats = _stats(reliability_data, categories)
    return brennan_prediger_from(stats, encoded)


def cohen_kappa(
    reliability_data: Any, categories: Categories = None, weights: str = "identity"
) -> Coefficient:
    """Cohen's κ for exactly two coders over the units both coded; weighted unless identity."""
    encoded = encode(reliability_data, categories)
    matrix = weight_matrix(weights, encoded.n_categories)
    return cohen_kappa_from(pair_table(encoded), encoded, matrix)


def cohen_kappa_table(table: np.ndarray, categories: Sequence[Any]) -> Coefficient:
    """Cohen's κ of two coders who both gave every unit a value, from their contingency table
    (``table[i, j]``: the units the first coder put in category i and the second in j, in
    category-list order): the value and reasons ``cohen_kappa`` gives on the units themselves.
    For complete data so large that only their table is worth building, such as every
    (item, criterion) of a project with "not coded" as a category.
    """
    shown = encode(np.empty((2, 0)), categories).categories  # checks the list as cohen_kappa
    if table.sum() == 0:
        return Coefficient.undefined(NO_VALUES)
    used = np.flatnonzero(table.sum(axis=0) + table.sum(axis=1))
    if used.size == 1:
        return Coefficient.undefined(no_variation(shown[used[0]], everywhere=True))
    return Coefficient.of(cohen_kappa_value(table, np.eye(len(shown))))


def weighted_cohen_kappa(
    reliability_data: Any, weights: str = "linear", categories: Categories = None
) -> Coefficient:
    """Cohen's weighted κ (linear or quadratic weights by position in the category list)."""
    return cohen_kappa(reliability_data, categories=categories, weights=weights)


def scott_pi(reliability_data: Any, categories: Categories = None) -> Coefficient:
    """Scott's π for exactly two coders over the units both coded."""
    encoded = encode(reliability_data, categories)
    return scott_pi_from(pair_table(encoded), encoded)


def krippendorff_alpha_bootstrap(
    reliability_data: Any,
    level: str = "nominal",
    categories: Categories = None,
    draws: int = 10_000,
    seed: int | None = None,
) -> AlphaBootstrap:
    """95% interval of alpha and P(alpha < .800), P(alpha < .667) (Hayes & Krippendorff 2007)."""
    encoded = encode(reliability_data, categories)
    check_level(level, encoded)
    stats = collect_unit_stats(encoded, gwet=False)
    return _bootstrap(stats, encoded, level, draws, seed)


@dataclass(frozen=True)
class AlphaFigures:
    """Alpha with the figures reported beside it; ``interval`` is None when alpha is undefined
    (the bootstrap is then not run). ``n_pairable_units`` and ``prevalent`` (the most frequent
    of the values alpha reads) are what its reading needs besides."""

    alpha: Coefficient
    percent_agreement: Coefficient
    ac1: Coefficient
    interval: AlphaBootstrap | None
    n_pairable_units: int = 0
    prevalent: Prevalent | None = None

    def reading(
        self, labels: Mapping[Any, str] | None = None, words: ReadingWords = ENGLISH_READING
    ) -> Reading:
        """What these figures let a reader conclude (``cases.review.agreement.reading``), its
        notes in ``words`` (default: English)."""
        return read_alpha(
            self.alpha.value,
            n_units=self.n_pairable_units,
            interval=self.interval.ci if self.interval is not None else None,
            percent_agreement=self.percent_agreement.value,
            prevalent=self.prevalent,
            labels=labels,
            words=words,
        )


def alpha_figures(
    reliability_data: Any,
    level: str = "nominal",
    categories: Categories = None,
    draws: int = 10_000,
    seed: int | None = None,
) -> AlphaFigures:
    """Alpha, percent agreement, Gwet's AC1 and the bootstrap interval of alpha, each exactly
    as its own function gives it, from a single count of the data: counting, not arithmetic,
    is what costs on large tables, and every one of them reads the same sums."""
    encoded = encode(reliability_data, categories)
    check_level(level, encoded)
    stats = collect_unit_stats(encoded)
    alpha = alpha_from_stats(stats, encoded, level)
    interval = _bootstrap(stats, encoded, level, draws, seed) if alpha.is_defined else None
    return AlphaFigures(
        alpha=alpha,
        percent_agreement=percent_agreement_from(stats),
        ac1=gwet_ac1_from(stats, encoded),
        interval=interval,
        n_pairable_units=stats.n_pairable_units,
        prevalent=prevalent_value(stats, encoded),
    )


def prevalent_value(stats: UnitStats, encoded: Encoded) -> Prevalent | None:
    """The most frequent of the values alpha reads (those of units with two or more values),
    with its count; None when there are none. Ties go to the first in the category list."""
    marginals = np.rint(stats.coincidences.sum(axis=1)).astype(np.int64)
    total = int(marginals.sum())
    if total == 0:
        return None
    top = int(np.argmax(marginals))
    return Prevalent(display_category(encoded.categories[top]), int(marginals[top]), total)


def _bootstrap(
    stats: UnitStats, encoded: Encoded, level: str, draws: int, seed: int | None
) -> AlphaBootstrap:
    check_draws(draws)
    alpha = alpha_from_stats(stats, encoded, level)
    if not alpha.is_defined:
        method = "Hayes & Krippendorff (2007) bootstrap, not run: alpha is undefined"
        return AlphaBootstrap(None, None, method, draws, 0, alpha.reason)
    marginals = stats.coincidences.sum(axis=1)
    delta = distance_matrix(level, marginals, encoded.numbers)
    return bootstrap_alpha(
        stats.coincidences,
        delta,
        n_coders=encoded.n_coders,
        draws=draws,
        seed=seed,
    )


def _stats(reliability_data: Any, categories: Categories) -> tuple[Encoded, UnitStats]:
    encoded = encode(reliability_data, categories)
    return encoded, collect_unit_stats(encoded)


def agreement_report(
    reliability_data: Any,
    level: str = "nominal",
    categories: Categories = None,
    weights: str = "identity",
    bootstrap: int | None = None,
    seed: int | None = None,
) -> dict[str, Any]:
    """Everything the ``agreement`` command prints, as a JSON-ready dict (see the contract).

    Coefficients that do not apply are absent (Cohen's κ and Scott's π need exactly two coders;
    the weighted ones need linear or quadratic weights; the interval and the reading of alpha,
    which weighs the interval, need ``bootstrap``);
    those that apply but are undefined are None, with their reason under ``undefined``.
    """
    encoded = encode(reliability_data, categories)
    check_level(level, encoded)
    matrix = weight_matrix(weights, encoded.n_categories)
    weighted = weights != "identity"
    if bootstrap is not None:
        check_draws(bootstrap)
    stats = collect_unit_stats(encoded, matrix if weighted else None)
    coefficients = _coefficients(stats, encoded, level, matrix if weighted else None)
    report: dict[str, Any] = {
        "n_units": encoded.n_units,
        "n_coders": encoded.n_coders,
        "n_pairable_units": stats.n_pairable_units,
        "level": level,
        "categories": list(encoded.categories),
        "weights": weights,
    }
    report.update({name: coefficient.value for name, coefficient in coefficients.items()})
    undefined = {name: c.reason for name, c in coefficients.items() if not c.is_defined}
    if bootstrap is not None:
        interval = _bootstrap(stats, encoded, level, bootstrap, seed)
        report.update(_bootstrap_fields(interval))
        if report["krippendorff_alpha_ci"] is None:
            undefined["krippendorff_alpha_ci"] = coefficients["krippendorff_alpha"].reason
        found = read_alpha(
            coefficients["krippendorff_alpha"].value,
            n_units=stats.n_pairable_units,
            interval=interval.ci,
            percent_agreement=coefficients["percent_agreement"].value,
            prevalent=prevalent_value(stats, encoded),
        )
        report["krippendorff_alpha_reading"] = {"label": found.label, "notes": list(found.notes)}
    report["undefined"] = undefined
    return report


def _coefficients(
    stats: UnitStats, encoded: Encoded, level: str, weights: np.ndarray | None
) -> dict[str, Coefficient]:
    """Every coefficient that applies to these data, in the order the report lists them."""
    found = {
        "percent_agreement": percent_agreement_from(stats),
        "krippendorff_alpha": alpha_from_stats(stats, encoded, level),
        "fleiss_kappa": fleiss_kappa_from(stats, encoded),
        "gwet_ac1": gwet_ac1_from(stats, encoded),
        "brennan_prediger": brennan_prediger_from(stats, encoded),
    }
    table = pair_table(encoded) if encoded.n_coders == 2 else None
    if table is not None:
        found["cohen_kappa"] = cohen_kappa_from(table, encoded)
        found["scott_pi"] = scott_pi_from(table, encoded)
    if weights is not None:
        if table is not None:
            found["weighted_cohen_kappa"] = cohen_kappa_from(table, encoded, weights)
        found["gwet_ac2"] = gwet_ac2_from(stats, encoded, weights)
    return found


def _bootstrap_fields(result: AlphaBootstrap) -> dict[str, Any]:
    p_below = None
    if result.p_below is not None:
        p_below = {f"{minimum:.3f}": share for minimum, share in result.p_below.items()}
    return {
        "krippendorff_alpha_ci": list(result.ci) if result.ci is not None else None,
        "krippendorff_alpha_ci_method": result.method,
        "krippendorff_alpha_p_below": p_below,
    }
