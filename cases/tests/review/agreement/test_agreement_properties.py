"""Properties of the agreement engine on random data with missing values (pure: no database).

Independent implementations serve as oracles and are used only here: ``krippendorff.alpha``
(GPL, never imported by cases/), statsmodels, scikit-learn, and a plain-loop transcription of
Gwet's raw-data formulas (irrCAC ``*.raw``) for the coefficients no Python package computes
with missing values.
"""

from __future__ import annotations

import math
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import cohens_kappa, fleiss_kappa

from cases.review import agreement
from cases.review.agreement.coefficient import NO_PAIRABLE_UNIT, NO_VALUES

FAST = settings(max_examples=60, deadline=None)
CLOSE = {"rel_tol": 1e-9, "abs_tol": 1e-9}

Data = list[list[Any]]
REPO = Path(__file__).resolve().parents[4]
SMALL_INTEGERS = st.integers(0, 4)


@st.composite
def reliability_data(
    draw: st.DrawFn,
    values: st.SearchStrategy[Any] = SMALL_INTEGERS,
    coders: tuple[int, int] = (2, 5),
    missing: bool = True,
) -> Data:
    """Coders x units, each cell a value or (when ``missing``) None."""
    n_coders = draw(st.integers(*coders))
    n_units = draw(st.integers(1, 20))
    cell = st.one_of(st.none(), values) if missing else values
    row = st.lists(cell, min_size=n_units, max_size=n_units)
    return draw(st.lists(row, min_size=n_coders, max_size=n_coders))


def as_float_array(data: Data) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)


def observed(data: Data) -> list[Any]:
    return sorted({v for row in data for v in row if v is not None})


def same(ours: float | None, theirs: float | None) -> bool:
    """Equal to 1e-9, where 'undefined' on our side matches NaN or refusal on theirs."""
    if ours is None or theirs is None or math.isnan(theirs):
        return ours is None and (theirs is None or math.isnan(theirs))
    return math.isclose(ours, theirs, **CLOSE)


def oracle_alpha(data: Data, level: str, domain: list[Any] | None = None) -> float | None:
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return float(
                krippendorff.alpha(
                    as_float_array(data), value_domain=domain, level_of_measurement=level
                )
            )
    except ValueError:  # one value in the domain, or no unit with two values
        return None


# --- Krippendorff's alpha against the krippendorff package -------------------------------

LEVEL_VALUES = {
    "nominal": st.integers(0, 4),
    "ordinal": st.integers(1, 5),
    "interval": st.sampled_from([-3.0, -0.5, 0.0, 1.0, 2.5, 7.0]),
    "ratio": st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 10.0]),
}


@pytest.mark.parametrize("level", list(LEVEL_VALUES))
@FAST
@given(data=st.data())
def test_alpha_matches_the_krippendorff_package(level: str, data: st.DataObject) -> None:
    matrix = data.draw(reliability_data(LEVEL_VALUES[level]))
    ours = agreement.krippendorff_alpha(matrix, level=level)
    assert same(ours, oracle_alpha(matrix, level))


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@FAST
@given(matrix=reliability_data(st.integers(1, 6)))
def test_alpha_matches_the_krippendorff_package_with_unused_categories(
    level: str, matrix: Data
) -> None:
    domain = list(range(0, 9))
    ours = agreement.krippendorff_alpha(matrix, level=level, categories=domain)
    assert same(ours, oracle_alpha(matrix, level, domain))


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@FAST
@given(matrix=reliability_data(st.integers(1, 4)), extra=st.sampled_from([0, 5, 9]))
def test_alpha_does_not_change_when_unused_categories_are_listed(
    level: str, matrix: Data, extra: int
) -> None:
    plain = agreement.krippendorff_alpha(matrix, level=level, categories=[1, 2, 3, 4])
    listed = agreement.krippendorff_alpha(
        matrix, level=level, categories=sorted([extra, 1, 2, 3, 4])
    )
    assert same(plain, listed)


@FAST
@given(matrix=reliability_data(st.integers(1, 4)))
def test_nominal_alpha_does_not_depend_on_the_order_of_the_category_list(matrix: Data) -> None:
    assert same(
        agreement.krippendorff_alpha(matrix, categories=[1, 2, 3, 4]),
        agreement.krippendorff_alpha(matrix, categories=[4, 2, 9, 1, 3]),
    )


@FAST
@given(matrix=reliability_data(), unit_value=st.integers(0, 4), coder=st.integers(0, 4))
def test_alpha_ignores_units_with_a_single_value(matrix: Data, unit_value: int, coder: int) -> None:
    lone = [[None] for _ in matrix]
    lone[coder % len(matrix)][0] = unit_value
    extended = [row + extra for row, extra in zip(matrix, lone, strict=True)]
    for level in ("nominal", "ordinal", "interval"):
        assert same(
            agreement.krippendorff_alpha(matrix, level=level),
            agreement.krippendorff_alpha(extended, level=level),
        )


def naive_nominal_alpha(matrix: np.ndarray) -> float:
    """Nominal alpha from ordered pairs of values within units, one unit at a time."""
    coincidences: Counter[tuple[float, float]] = Counter()
    for unit in matrix.T:
        values = unit[~np.isnan(unit)]
        for i, first in enumerate(values):
            for j, second in enumerate(values):
                if i != j:
                    coincidences[first, second] += 1 / (len(values) - 1)
    n = sum(coincidences.values())
    marginals: Counter[float] = Counter()
    for (first, _), weight in coincidences.items():
        marginals[first] += weight
    disagree = sum(w for (a, b), w in coincidences.items() if a != b)
    expected = n * n - sum(m * m for m in marginals.values())
    return 1 - (n - 1) * disagree / expected


@pytest.mark.parametrize("n_categories", [4, 40])
def test_alpha_is_right_on_a_table_spanning_many_blocks(n_categories: int) -> None:
    # 70,000 units cross the engine's 32,768-unit blocks; 40 categories take the bincount path.
    rng = np.random.default_rng(n_categories)
    matrix = rng.integers(0, n_categories, size=(3, 70_000)).astype(float)
    matrix[rng.random(matrix.shape) < 0.3] = np.nan
    ours = agreement.krippendorff_alpha(matrix)
    assert math.isclose(ours, naive_nominal_alpha(matrix), rel_tol=1e-7, abs_tol=1e-9)
    if n_categories == 4:  # the package builds units x categories² arrays: keep those small
        for level in ("ordinal", "interval"):
            theirs = krippendorff.alpha(matrix, level_of_measurement=level)
            ours = agreement.krippendorff_alpha(matrix, level=level)
            assert math.isclose(ours, theirs, rel_tol=1e-7, abs_tol=1e-9)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
@FAST
@given(matrix=reliability_data(st.integers(0, 40)))
def test_alpha_matches_the_krippendorff_package_with_many_categories(
    level: str, matrix: Data
) -> None:
    assert same(agreement.krippendorff_alpha(matrix, level=level), oracle_alpha(matrix, level))


# --- Two-coder coefficients against scikit-learn and statsmodels -------------------------


def paired(matrix: Data) -> tuple[list[Any], list[Any]]:
    pairs = [(a, b) for a, b in zip(*matrix, strict=True) if a is not None and b is not None]
    return [a for a, _ in pairs], [b for _, b in pairs]


def pair_table(first: list[Any], second: list[Any], labels: list[Any]) -> np.ndarray:
    table = np.zeros((len(labels), len(labels)))
    for a, b in zip(first, second, strict=True):
        table[labels.index(a), labels.index(b)] += 1
    return table


def oracle_cohen(matrix: Data, weights: str | None) -> float | None:
    first, second = paired(matrix)
    if not first:
        return None
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return float(cohen_kappa_score(first, second, labels=observed(matrix), weights=weights))


@pytest.mark.parametrize("weights", ["identity", "linear", "quadratic"])
@FAST
@given(matrix=reliability_data(coders=(2, 2)))
def test_cohen_kappa_matches_scikit_learn(weights: str, matrix: Data) -> None:
    ours = agreement.cohen_kappa(matrix, weights=weights).value
    assert same(ours, oracle_cohen(matrix, None if weights == "identity" else weights))


@pytest.mark.parametrize("weights", ["identity", "linear", "quadratic"])
@FAST
@given(matrix=reliability_data(coders=(2, 2)))
def test_cohen_kappa_matches_statsmodels(weights: str, matrix: Data) -> None:
    first, second = paired(matrix)
    ours = agreement.cohen_kappa(matrix, weights=weights).value
    if not first or len(set(first) | set(second)) == 1:
        assert ours is None
        return
    table = pair_table(first, second, observed(matrix))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        theirs = cohens_kappa(table, wt=None if weights == "identity" else weights).kappa
    assert same(ours, float(theirs))


@FAST
@given(matrix=reliability_data(coders=(2, 2)))
def test_percent_agreement_of_two_coders_is_the_share_of_units_coded_alike(
    matrix: Data,
) -> None:
    first, second = paired(matrix)
    ours = agreement.percent_agreement(matrix).value
    if not first:
        assert ours is None
        return
    alike = sum(a == b for a, b in zip(first, second, strict=True)) / len(first)
    assert same(ours, alike)


@FAST
@given(matrix=reliability_data(coders=(2, 2), missing=False))
def test_scott_pi_equals_fleiss_kappa_for_two_coders_without_missing_values(
    matrix: Data,
) -> None:
    assert same(agreement.scott_pi(matrix).value, agreement.fleiss_kappa(matrix).value)


# --- Fleiss, AC1/AC2, Brennan-Prediger: statsmodels (complete) and irrCAC's formulas ------


def count_table(matrix: Data, categories: list[Any]) -> np.ndarray:
    """Units x categories: how many coders put each unit in each category."""
    table = np.zeros((len(matrix[0]), len(categories)))
    for row in matrix:
        for unit, value in enumerate(row):
            if value is not None:
                table[unit, categories.index(value)] += 1
    return table


def irrcac_weights(name: str, q: int) -> np.ndarray:
    if name == "identity" or q < 2:
        return np.eye(q)
    i, j = np.meshgrid(range(q), range(q), indexing="ij")
    power = 1 if name == "linear" else 2
    return 1 - (abs(i - j) / (q - 1)) ** power


def irrcac_raw(matrix: Data, categories: list[Any], weights: str = "identity") -> dict:
    """Gwet's raw-data coefficients transcribed loop by loop from irrCAC (R)."""
    q = len(categories)
    w = irrcac_weights(weights, q)
    rated = [r for r in count_table(matrix, categories) if r.sum() >= 1]
    pairable = [r for r in rated if r.sum() >= 2]
    if not pairable:
        return {}
    pa = 0.0
    for r in pairable:
        ri = r.sum()
        pa += sum(r[k] * (sum(w[k, j] * r[j] for j in range(q)) - 1) for k in range(q)) / (
            ri * (ri - 1)
        )
    pa /= len(pairable)
    pi = [sum(r[k] / r.sum() for r in rated) / len(rated) for k in range(q)]
    spread = sum(p * (1 - p) for p in pi)
    out = {"pa": pa}
    if q >= 2:
        chance = w.sum() * spread / (q * (q - 1))
        out["gwet"] = (pa - chance) / (1 - chance)
        out["bp"] = (pa - w.sum() / q**2) / (1 - w.sum() / q**2)
    fleiss_pe = sum(w[k, j] * pi[k] * pi[j] for k in range(q) for j in range(q))
    out["fleiss"] = (pa - fleiss_pe) / (1 - fleiss_pe) if fleiss_pe < 1 - 1e-12 else None
    return out


@FAST
@given(matrix=reliability_data(coders=(2, 6)))
def test_gwet_family_matches_irrcac_raw_formulas_with_missing_values(matrix: Data) -> None:
    categories = observed(matrix)
    reference = irrcac_raw(matrix, categories)
    assert same(agreement.percent_agreement(matrix).value, reference.get("pa"))
    assert same(agreement.gwet_ac1(matrix).value, reference.get("gwet"))
    assert same(agreement.brennan_prediger(matrix).value, reference.get("bp"))
    assert same(agreement.fleiss_kappa(matrix).value, reference.get("fleiss"))


@pytest.mark.parametrize("weights", ["linear", "quadratic"])
@FAST
@given(matrix=reliability_data(coders=(2, 6)), extra=st.booleans())
def test_gwet_ac2_matches_irrcac_raw_formulas(weights: str, matrix: Data, extra: bool) -> None:
    categories = list(range(0, 6)) if extra or not observed(matrix) else observed(matrix)
    reference = irrcac_raw(matrix, categories, weights)
    ours = agreement.gwet_ac2(matrix, weights=weights, categories=categories).value
    assert same(ours, reference.get("gwet"))


@FAST
@given(matrix=reliability_data(coders=(2, 6), missing=False))
def test_fleiss_kappa_matches_statsmodels_on_complete_data(matrix: Data) -> None:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        theirs = float(fleiss_kappa(count_table(matrix, observed(matrix)), method="fleiss"))
    assert same(agreement.fleiss_kappa(matrix).value, theirs)


@FAST
@given(matrix=reliability_data(coders=(2, 6), missing=False))
def test_brennan_prediger_matches_statsmodels_randolph_on_complete_data(matrix: Data) -> None:
    scale = [0, 1, 2, 3, 4]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        theirs = float(fleiss_kappa(count_table(matrix, scale), method="randolph"))
    assert same(agreement.brennan_prediger(matrix, categories=scale).value, theirs)


@FAST
@given(matrix=reliability_data(coders=(2, 6)))
def test_fleiss_and_cohen_do_not_change_when_unused_categories_are_listed(matrix: Data) -> None:
    scale = [0, 1, 2, 3, 4, 5, 6]
    assert same(
        agreement.fleiss_kappa(matrix).value,
        agreement.fleiss_kappa(matrix, categories=scale).value,
    )
    if len(matrix) == 2:
        assert same(
            agreement.cohen_kappa(matrix).value,
            agreement.cohen_kappa(matrix, categories=scale).value,
        )


@FAST
@given(matrix=reliability_data(coders=(2, 6)))
def test_brennan_prediger_follows_the_length_of_the_category_list(matrix: Data) -> None:
    # p_e = 1/q, so listing an unused category changes BP in exactly this way (AC1 likewise
    # changes with q): it is not invariant, by design of the coefficient.
    scale = [0, 1, 2, 3, 4]
    short = agreement.brennan_prediger(matrix, categories=scale).value
    longer = agreement.brennan_prediger(matrix, categories=[*scale, 5]).value
    agreement_share = agreement.percent_agreement(matrix).value
    if agreement_share is None:
        assert short is None and longer is None
        return
    assert same(short, (agreement_share - 1 / 5) / (1 - 1 / 5))
    assert same(longer, (agreement_share - 1 / 6) / (1 - 1 / 6))


# --- Symmetry and representation ------------------------------------------------------------


def _report_values(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if isinstance(v, float) or v is None}


@FAST
@given(matrix=reliability_data(coders=(2, 5)), order=st.randoms(use_true_random=False))
def test_permuting_coders_changes_no_coefficient(matrix: Data, order: Any) -> None:
    shuffled = list(matrix)
    order.shuffle(shuffled)
    options = {"level": "ordinal", "weights": "quadratic"}
    before = agreement.agreement_report(matrix, **options)
    after = agreement.agreement_report(shuffled, **options)
    assert before["undefined"] == after["undefined"]
    for key, value in _report_values(before).items():
        assert same(value, after[key]), key


@FAST
@given(matrix=reliability_data(coders=(2, 4)))
def test_numbers_written_as_text_give_the_same_report(matrix: Data) -> None:
    as_text = [[None if v is None else f" {v} " for v in row] for row in matrix]
    before = agreement.agreement_report(matrix, level="interval", weights="linear")
    after = agreement.agreement_report(as_text, level="interval", weights="linear")
    assert before == after


def test_text_categories_sort_as_text_and_numbers_as_numbers() -> None:
    numbers = [["10", "9", "2"], ["9", "10", "2"]]
    words = [["b", "a", "c"], ["a", "b", None]]
    assert agreement.agreement_report(numbers)["categories"] == [2, 9, 10]
    assert agreement.agreement_report(words)["categories"] == ["a", "b", "c"]


# --- Undefined coefficients ------------------------------------------------------------------


def test_no_variation_makes_alpha_and_kappas_undefined_with_the_value_named() -> None:
    report = agreement.agreement_report([[2, 2, 2], [2, 2, None]])
    for name in ("krippendorff_alpha", "fleiss_kappa", "cohen_kappa", "scott_pi"):
        assert report[name] is None
        assert report["undefined"][name] == "no variation: every value is 2"
    assert report["percent_agreement"] == 1.0


def test_no_variation_among_pairable_values_says_so() -> None:
    alpha = agreement.alpha_coefficient([[2, 2, 3], [2, 2, None]])
    assert alpha.value is None
    assert alpha.reason == "no variation: every pairable value is 2"


def test_a_single_category_makes_ac1_and_brennan_prediger_undefined() -> None:
    report = agreement.agreement_report([[2, 2], [2, 2]])
    assert report["gwet_ac1"] is None and report["brennan_prediger"] is None
    assert report["undefined"]["gwet_ac1"].startswith("one category only (2)")


def test_ac1_of_unanimous_data_on_a_listed_scale_is_one_by_gwets_formula() -> None:
    # With q = 4 listed categories p_e = 0, so AC1 = p_a = 1: defined, unlike kappa.
    report = agreement.agreement_report([[2, 2], [2, 2]], categories=[0, 1, 2, 3])
    assert report["gwet_ac1"] == 1.0
    assert report["brennan_prediger"] == 1.0
    assert report["krippendorff_alpha"] is None


def test_no_pairable_unit_makes_every_coefficient_undefined() -> None:
    report = agreement.agreement_report([[1, None, 3], [None, 2, None]], bootstrap=1000, seed=1)
    assert report["n_pairable_units"] == 0
    for name in ("percent_agreement", "krippendorff_alpha", "fleiss_kappa", "gwet_ac1"):
        assert report[name] is None
        assert report["undefined"][name] == NO_PAIRABLE_UNIT
    assert report["krippendorff_alpha_ci"] is None
    assert report["undefined"]["krippendorff_alpha_ci"] == NO_PAIRABLE_UNIT


def test_all_missing_data_are_undefined_rather_than_an_error() -> None:
    assert agreement.alpha_coefficient([[None, None], [None, None]]).reason == NO_VALUES


def test_ratio_alpha_with_negative_values_is_undefined() -> None:
    alpha = agreement.alpha_coefficient([[-1, 2, 3], [1, 2, 3]], level="ratio")
    assert alpha.value is None
    assert alpha.reason == "ratio level needs non-negative values, found -1"


def test_text_values_cannot_be_measured_at_interval_level() -> None:
    with pytest.raises(ValueError, match="interval level needs numeric values"):
        agreement.krippendorff_alpha([["a", "b"], ["a", "a"]], level="interval")


def test_a_value_outside_the_category_list_is_refused() -> None:
    with pytest.raises(ValueError, match="value 7 is not in the category list"):
        agreement.krippendorff_alpha([[1, 7], [1, 2]], categories=[1, 2, 3])


# --- The report ------------------------------------------------------------------------------


def test_report_lists_two_coder_and_weighted_coefficients_only_when_they_apply() -> None:
    two = agreement.agreement_report([[1, 2, 3], [1, 2, 2]], weights="linear")
    three = agreement.agreement_report([[1, 2, 3], [1, 2, 2], [1, 3, 3]])
    assert {"cohen_kappa", "scott_pi", "weighted_cohen_kappa", "gwet_ac2"} <= two.keys()
    assert not {"cohen_kappa", "scott_pi", "weighted_cohen_kappa", "gwet_ac2"} & three.keys()
    assert "krippendorff_alpha_ci" not in three


# --- Bootstrap (Hayes & Krippendorff 2007) ---------------------------------------------------

SECTION_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_bootstrap_is_reproducible_with_a_seed_and_names_its_method() -> None:
    first = agreement.krippendorff_alpha_bootstrap(SECTION_C, "ordinal", draws=5000, seed=7)
    again = agreement.krippendorff_alpha_bootstrap(SECTION_C, "ordinal", draws=5000, seed=7)
    other = agreement.krippendorff_alpha_bootstrap(SECTION_C, "ordinal", draws=5000, seed=8)
    assert first.ci == again.ci and first.p_below == again.p_below
    assert first.ci != other.ci
    assert first.method.startswith("Hayes & Krippendorff (2007) bootstrap, 5000 draws")
    assert first.method.endswith("seed 7")


def test_bootstrap_draws_min_of_25_cells_and_half_the_pairable_values_per_coder() -> None:
    # 40 pairable values, 4 coders: (4 - 1) * 40 / 2 = 60 < 25 * (non-empty cells).
    result = agreement.krippendorff_alpha_bootstrap(SECTION_C, draws=1000, seed=1)
    assert result.pairs_per_draw == 60


def test_bootstrap_distribution_is_centred_on_alpha() -> None:
    alpha = agreement.krippendorff_alpha(SECTION_C, level="interval")
    result = agreement.krippendorff_alpha_bootstrap(SECTION_C, "interval", draws=20000, seed=3)
    assert abs(result.estimates.mean() - alpha) < 0.01
    low, high = result.ci
    assert -1 <= low < alpha < high <= 1
    assert result.p_below[0.667] <= result.p_below[0.8]


def test_bootstrap_of_total_disagreement_is_a_point() -> None:
    # Every pair disagrees, so every resample has D_o = 1 and alpha = 1 - 1/D_e = -0.5.
    result = agreement.krippendorff_alpha_bootstrap([[1, 2], [2, 1]], draws=1000, seed=1)
    assert result.ci == (pytest.approx(-0.5), pytest.approx(-0.5))
    assert result.p_below == {0.8: 1.0, 0.667: 1.0}


def test_bootstrap_sets_the_expected_share_of_single_category_samples_to_zero() -> None:
    # Perfect agreement on two categories: every draw is a diagonal pair (alpha = 1), but
    # M = 2 pairs come from one category with probability .5² + .5² = .5, and such a sample
    # has no variation, so half the samples count as alpha = 0 (Krippendorff's correction).
    result = agreement.krippendorff_alpha_bootstrap([[1, 2], [1, 2]], draws=1000, seed=1)
    assert result.pairs_per_draw == 2
    assert (result.estimates == 0).sum() == 500
    assert (result.estimates == 1).sum() == 500
    assert result.ci == (0.0, 1.0)


def test_bootstrap_needs_at_least_a_thousand_draws() -> None:
    with pytest.raises(ValueError, match="at least 1000 draws"):
        agreement.krippendorff_alpha_bootstrap(SECTION_C, draws=999)


def test_bootstrap_of_undefined_alpha_gives_the_reason() -> None:
    result = agreement.krippendorff_alpha_bootstrap([[2, 2], [2, 2]], draws=1000, seed=1)
    assert result.ci is None
    assert result.reason == "no variation: every value is 2"


def test_the_engine_imports_neither_django_nor_the_gpl_oracle() -> None:
    # agreement.py must stay pure, and the GPL krippendorff package must never ship at run time.
    code = (
        "import sys, cases.review.agreement, cases.review.agreement.reliability_csv; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'krippendorff')]; "
        "sys.exit(bool(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True)
    assert result.returncode == 0, result.stderr
