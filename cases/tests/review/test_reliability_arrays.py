"""The reliability adapter's array shortcuts give exactly what the plain route gives.

The adapter loads the codings as arrays, counts each table once for all its figures and
computes the coder-pair kappas from contingency tables. Each shortcut is checked here against
the plain computation, to the last bit: the one-pass figures against the separate engine
functions, the table kappa against ``cohen_kappa`` on the units, the loaded cube against one
built object by object from the ORM.
"""

from __future__ import annotations

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.db.models import F

from cases.bundles import import_bundle
from cases.models import Assignment, Coding, Criterion, Evidence
from cases.review.agreement import (
    alpha_coefficient,
    alpha_figures,
    cohen_kappa,
    cohen_kappa_table,
    gwet_ac1,
    krippendorff_alpha_bootstrap,
    percent_agreement,
)
from cases.review.coding_units import NOT_CODED
from cases.review.reliability import agreement_rows, coder_pair_kappas
from cases.review.submitted_codes import load_submitted_codes
from cases.tests.review.test_reliability import add_item, code_and_submit, hand_built_bundle, row

SCALE = [0, 1, 2, 3]


def random_table(seed: int, coders: int, units: int, missing: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 4, size=(coders, units)).astype(float)
    data[rng.random(data.shape) < missing] = np.nan
    return data


# --- one pass for alpha, percent agreement, AC1 and the interval ---------------------------


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_the_one_pass_figures_equal_the_separate_functions(seed, level):
    data = random_table(seed, coders=2 + seed % 3, units=200 + 50 * seed, missing=0.3)
    found = alpha_figures(data, level=level, categories=SCALE, draws=1000, seed=seed)
    assert found.alpha == alpha_coefficient(data, level=level, categories=SCALE)
    assert found.percent_agreement == percent_agreement(data, categories=SCALE)
    assert found.ac1 == gwet_ac1(data, categories=SCALE)
    interval = krippendorff_alpha_bootstrap(
        data, level=level, categories=SCALE, draws=1000, seed=seed
    )
    assert found.interval is not None
    assert (found.interval.ci, found.interval.p_below, found.interval.method) == (
        interval.ci,
        interval.p_below,
        interval.method,
    )


@pytest.mark.parametrize(
    "data",
    [
        [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]],  # no variation
        [[1.0, np.nan, np.nan], [np.nan, 2.0, np.nan]],  # no pairable unit
        [[np.nan, np.nan], [np.nan, np.nan]],  # no values
    ],
)
def test_the_one_pass_figures_give_the_same_reasons_and_no_interval(data):
    found = alpha_figures(data, level="ordinal", categories=SCALE, draws=1000, seed=1)
    assert found.alpha == alpha_coefficient(data, level="ordinal", categories=SCALE)
    assert found.alpha.reason is not None
    assert found.percent_agreement == percent_agreement(data, categories=SCALE)
    assert found.ac1 == gwet_ac1(data, categories=SCALE)
    assert found.interval is None


# --- Cohen's kappa from the contingency table ----------------------------------------------


def table_of(data: np.ndarray, categories: list[int]) -> np.ndarray:
    position = {value: p for p, value in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)))
    for first, second in zip(data[0], data[1], strict=True):
        table[position[int(first)], position[int(second)]] += 1
    return table


@pytest.mark.parametrize("seed", range(8))
def test_the_table_kappa_equals_cohens_kappa_on_the_units(seed):
    categories = [NOT_CODED, *SCALE]
    data = np.nan_to_num(random_table(seed, coders=2, units=300, missing=0.6), nan=NOT_CODED)
    expected = cohen_kappa(data, categories=categories)
    assert expected.value is not None
    assert cohen_kappa_table(table_of(data, categories), categories) == expected


@pytest.mark.parametrize(
    "data",
    [
        np.full((2, 5), float(NOT_CODED)),  # nobody coded anything: no variation
        np.full((2, 3), 2.0),
        np.empty((2, 0)),  # no unit at all
    ],
)
def test_the_table_kappa_gives_the_same_reasons(data):
    categories = [NOT_CODED, *SCALE]
    expected = cohen_kappa(data, categories=categories)
    assert expected.value is None
    assert cohen_kappa_table(table_of(data, categories), categories) == expected


def test_the_table_kappa_rejects_the_category_lists_cohens_kappa_rejects():
    with pytest.raises(ValueError, match="listed twice"):
        cohen_kappa_table(np.eye(3), [0, 1, 1])


# --- the loaded arrays against the ORM, object by object -----------------------------------


@pytest.fixture
def mixed(db):
    """The hand-built project plus what the arrays must sort out: a third coder on some
    items, a coder whose username sorts before the others' but whose id comes last, a draft
    with codings, codings without any assignment, and an item of another dyad."""
    hand = import_bundle(hand_built_bundle())
    users = {u.username: u for u in get_user_model().objects.all()}
    abe = get_user_model().objects.create(username="abe")
    code_and_submit(Evidence.objects.get(key="I1"), users["cora"], {"C-A": 2, "C-C": 0})
    code_and_submit(Evidence.objects.get(key="I2"), users["cora"], {"C-B": 3})
    for key, values in [("I1", {"C-A": 1}), ("I3", {"C-A": 1, "C-B": 2}), ("I6", {})]:
        code_and_submit(Evidence.objects.get(key=key), abe, values)
    Assignment.objects.create(evidence=Evidence.objects.get(key="I3"), coder=users["cora"])
    Coding.objects.create(
        evidence=Evidence.objects.get(key="I3"),
        coder=users["cora"],
        criterion=Criterion.objects.get(code="C-A"),
        value=3,
    )
    draft = add_item(hand, "DRAFT")
    Assignment.objects.create(evidence=draft, coder=users["carl"])
    Coding.objects.create(
        evidence=draft, coder=users["carl"], criterion=Criterion.objects.get(code="C-C"), value=3
    )
    Coding.objects.create(
        evidence=Evidence.objects.get(key="I4"),
        coder=users["rita"],
        criterion=Criterion.objects.get(code="C-B"),
        value=1,
    )
    other = add_item(hand, "SPAIN", dyad_code="ESP-PRT")
    code_and_submit(other, users["carl"], {"C-C": 1})
    code_and_submit(other, abe, {"C-C": 3, "C-A": 0})
    return hand


def plain_cube(project, coders: list[str]) -> tuple[list[int], np.ndarray]:
    """The items every coder submitted and their coders x items x criteria values, built one
    object at a time."""
    submitted = {
        (a.evidence_id, a.coder.username)
        for a in Assignment.objects.filter(
            evidence__project=project, status=Assignment.Status.SUBMITTED
        ).select_related("coder")
    }
    items = sorted({i for i, _ in submitted if all((i, c) in submitted for c in coders)})
    criteria = list(Criterion.objects.filter(codebook=project.codebook).order_by("order", "code"))
    cube = np.full((len(coders), len(items), len(criteria)), np.nan)
    for coding in Coding.objects.filter(evidence__project=project).select_related("coder"):
        who = coding.coder.username
        if who in coders and coding.evidence_id in items and (coding.evidence_id, who) in submitted:
            cube[
                coders.index(who),
                items.index(coding.evidence_id),
                criteria.index(coding.criterion),
            ] = coding.value
    return items, cube


def test_the_loaded_coders_are_those_with_a_submission_sorted_by_name(mixed):
    assert load_submitted_codes(mixed).coders == ["abe", "carl", "cleo", "cora"]


def test_only_the_codings_of_submitted_items_are_kept(mixed):
    data = load_submitted_codes(mixed)
    submitted = Coding.objects.filter(
        evidence__assignments__coder=F("coder"),
        evidence__assignments__status=Assignment.Status.SUBMITTED,
    )
    assert data.submitted[data.coder, data.item].all()
    assert data.value.size == submitted.count() < Coding.objects.count()


@pytest.mark.parametrize(
    "coders",
    [
        ["abe", "carl", "cleo", "cora"],
        ["carl", "cleo"],
        ["abe", "carl"],
        ["cleo", "cora"],
        ["abe", "cora"],
        ["carl", "rita"],  # rita submitted nothing: no common item
    ],
)
def test_the_loaded_cube_equals_the_one_built_object_by_object(mixed, coders):
    data = load_submitted_codes(mixed)
    items, cube = plain_cube(mixed, coders)
    common = data.common_items(coders)
    assert data.items[common].tolist() == items
    assert np.array_equal(data.value_cube(coders, common), cube, equal_nan=True)


def test_the_pair_kappas_equal_cohens_kappa_on_the_plain_units(mixed):
    categories = [NOT_CODED, *SCALE]
    for found in coder_pair_kappas(mixed):
        pair = [found["coder_a"], found["coder_b"]]
        items, cube = plain_cube(mixed, pair)
        if not items:
            assert found["cohen_kappa"] is None and found["n_units"] == 0
            continue
        units = np.nan_to_num(cube, nan=NOT_CODED).reshape(2, -1)
        expected = cohen_kappa(units, categories=categories)
        assert (found["cohen_kappa"], found["reason"]) == (expected.value, expected.reason)
        assert found["n_units"] == units.shape[1]


@pytest.mark.parametrize("coders", [["carl", "cleo"], ["abe", "carl"]])
def test_the_pooled_rows_equal_the_engine_on_the_plain_units(mixed, coders):
    _, cube = plain_cube(mixed, coders)
    units = cube.reshape(len(coders), -1)  # item by item, criteria in codebook order
    applied = ~np.isnan(units)
    rows = agreement_rows(mixed, coders=coders)
    application = row(rows, "overall", "all", "application")
    expected = alpha_coefficient(applied.astype(float), level="nominal", categories=[0, 1])
    assert application["alpha"] == expected.value
    assert application["n_units"] == units.shape[1]
    values = units[:, applied.sum(axis=0) >= 2]
    expected = alpha_coefficient(values, level="ordinal", categories=SCALE)
    value = row(rows, "overall", "all", "value")
    assert (value["alpha"], value["n_units"]) == (expected.value, values.shape[1])
