"""The agreement engine reproduces published worked examples (pure: no database needed).

The examples and their sources live in ``data/agreement_examples.json``. Each value is checked
to 1e-9; a value published with fewer than nine decimals is checked within its stated
tolerance and, in addition, against an independent implementation to 1e-9.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cases.review import agreement

DATA = Path(__file__).resolve().parents[2] / "data"
EXAMPLES = json.loads((DATA / "agreement_examples.json").read_text())
CASES = EXAMPLES["cases"]
STRICT = 1e-9


def compute(case: dict[str, Any]) -> float | None:
    """Our value for a published example, by the metric it names."""
    data, categories = case["data"], case.get("categories")
    metric = case["metric"]
    if metric == "krippendorff_alpha":
        return agreement.krippendorff_alpha(data, level=case["level"], categories=categories)
    if metric == "weighted_cohen_kappa":
        return agreement.weighted_cohen_kappa(data, case["weights"], categories).value
    functions = {
        "cohen_kappa": agreement.cohen_kappa,
        "fleiss_kappa": agreement.fleiss_kappa,
        "scott_pi": agreement.scott_pi,
        "gwet_ac1": agreement.gwet_ac1,
        "brennan_prediger": agreement.brennan_prediger,
    }
    return functions[metric](data, categories=categories).value


def oracle(case: dict[str, Any]) -> float | None:
    """The same value from an independent implementation (test-only), or None if none exists."""
    metric, data = case["metric"], case["data"]
    if metric == "krippendorff_alpha":
        import krippendorff

        if isinstance(data[0][0], str):
            array = np.array([["nan" if v is None else v for v in row] for row in data])
        else:
            array = np.array([[np.nan if v is None else v for v in row] for row in data])
        return float(krippendorff.alpha(array, level_of_measurement=case["level"]))
    if metric in ("cohen_kappa", "weighted_cohen_kappa"):
        from sklearn.metrics import cohen_kappa_score

        return float(cohen_kappa_score(data[0], data[1], weights=case["weights"]))
    if metric in ("fleiss_kappa", "scott_pi"):
        from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

        table, _ = aggregate_raters(np.array(data).T)
        return float(fleiss_kappa(table))
    return None


def decimals(value: float) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text else 0


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_published_example_is_reproduced(case: dict[str, Any]) -> None:
    ours = compute(case)
    assert ours is not None
    tolerance = STRICT if decimals(case["expected"]) >= 9 else case["tolerance"]
    assert math.isclose(ours, case["expected"], rel_tol=0, abs_tol=tolerance)


@pytest.mark.parametrize(
    "case",
    [case for case in CASES if case["oracle"]],
    ids=[case["name"] for case in CASES if case["oracle"]],
)
def test_published_example_matches_the_independent_implementation(case: dict[str, Any]) -> None:
    assert math.isclose(compute(case), oracle(case), rel_tol=0, abs_tol=STRICT)


def test_every_example_published_with_few_decimals_has_an_oracle() -> None:
    coarse = [case["name"] for case in CASES if decimals(case["expected"]) < 9]
    assert all(case["oracle"] for case in CASES if case["name"] in coarse)


def test_krippendorff_2011_section_c_report_has_irrcac_percent_agreement() -> None:
    # irrCAC README, gwet.ac1.raw(cac.raw4raters): pa = 0.8181818 (9 agreeing units of 11).
    case = CASES[0]
    report = agreement.agreement_report(case["data"], level="nominal")
    assert math.isclose(report["percent_agreement"], 9 / 11, abs_tol=STRICT)
    assert report["n_units"] == 12
    assert report["n_pairable_units"] == 11
    assert report["krippendorff_alpha"] == pytest.approx(case["expected"], abs=STRICT)


def test_krippendorff_2011_section_c_gives_the_same_alpha_with_words_for_values() -> None:
    # Krippendorff's own presentation of the data codes 1..5 as ordered labels.
    words = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    case = next(case for case in CASES if case["level"] == "ordinal")
    data = [[None if v is None else words[v] for v in row] for row in case["data"]]
    scale = list(words.values())
    alpha = agreement.krippendorff_alpha(data, level="ordinal", categories=scale)
    assert alpha == pytest.approx(case["expected"], abs=STRICT)


def test_wikipedia_cohen_example_has_the_published_agreement_shares() -> None:
    # Wikipedia "Cohen's kappa": p_o = 0.70, p_e = 0.50, kappa = 0.40. Scott's pi pools the
    # marginals (A said yes 25 times, B 30 times): p_e = .55² + .45² = .505, pi = .195/.495.
    case = next(case for case in CASES if case["name"] == "wikipedia_cohen_grant_50")
    report = agreement.agreement_report(case["data"], categories=case["categories"])
    assert report["percent_agreement"] == pytest.approx(0.70, abs=STRICT)
    assert report["cohen_kappa"] == pytest.approx(0.40, abs=STRICT)
    assert report["scott_pi"] == pytest.approx(13 / 33, abs=STRICT)
