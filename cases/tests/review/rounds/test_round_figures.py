"""The agreement of a round is computed over the round's items alone, and the trend reads every
round's. Checked against the ``krippendorff`` package (test-only oracle) on the units by hand.

In the round (conftest), E2 and E3, criteria in codebook order TRANS, TRUST, RESP:

application  carl  E2 1 0 0   E3 0 1 0
             cleo  E2 1 0 1   E3 1 1 0
value (both applied)          E2 TRANS carl 2, cleo 1;  E3 TRUST carl 3, cleo 3

E1, which both coders also submitted, is outside the round and must not count.
"""

import krippendorff
import numpy as np
import pytest

from cases.models import Evidence
from cases.review.reliability import load_submitted_codes
from cases.review.rounds.actions import create_round
from cases.review.rounds.figures import only_items, round_agreement, rounds_trend

pytestmark = pytest.mark.django_db

APPLICATION = np.array([[1, 0, 0, 0, 1, 0], [1, 0, 1, 1, 1, 0]], dtype=float)
VALUES = np.array([[2, 3], [1, 3]], dtype=float)


def overall(rows) -> dict:
    return {row["measure"]: row for row in rows if row["scope"] == "overall"}


def test_the_rounds_agreement_counts_its_own_items_only(coded):
    found = overall(round_agreement(coded))
    assert found["application"]["n_units"] == 6
    assert found["application"]["alpha"] == pytest.approx(
        krippendorff.alpha(APPLICATION, level_of_measurement="nominal")
    )
    assert found["value"]["n_units"] == 2
    assert found["value"]["alpha"] == pytest.approx(
        krippendorff.alpha(VALUES, level_of_measurement="ordinal", value_domain=[0, 1, 2, 3])
    )


def test_narrowing_loaded_codes_to_some_items_keeps_those_items_codes_exactly(coded):
    data = load_submitted_codes(coded.project)
    ids = sorted(coded.items.values_list("pk", flat=True))
    narrowed = only_items(data, ids)
    assert narrowed.items.tolist() == ids
    assert narrowed.coders == data.coders
    cube = narrowed.value_cube(["carl", "cleo"], narrowed.common_items(["carl", "cleo"]))
    every = data.value_cube(["carl", "cleo"], np.flatnonzero(np.isin(data.items, ids)))
    np.testing.assert_array_equal(cube, every)


def test_a_round_with_one_coder_has_no_agreement_and_the_trend_says_none(
    coded, small_project, people
):
    alone = create_round(
        project=small_project,
        name="Alone",
        kind="production",
        reference="consensus",
        coders=[people["carl"]],
        created_by=people["ada"],
        items=list(Evidence.objects.filter(project=small_project, key="E1")),
    )
    assert round_agreement(alone) is None
    trend = rounds_trend(small_project, [coded, alone])
    assert [line["name"] for line in trend] == ["Calibration 1", "Alone"]
    assert trend[1]["application"] is None and trend[1]["n_coders"] == 1
    assert (
        trend[0]["application"]["alpha"] == overall(round_agreement(coded))["application"]["alpha"]
    )
