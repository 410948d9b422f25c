"""A coder's score against a round's reference, on hand-made values (no database).

The κ values are checked twice: by hand from the contingency table, and against scikit-learn's
``cohen_kappa_score``, an implementation independent of sccoder's engine (test-only oracle).
"""

import pytest
from sklearn.metrics import cohen_kappa_score

from cases.review.rounds.sample import draw_sample
from cases.review.rounds.scoring import NOT_CODED, Difference, score_coder

CRITERIA = ["TRANS", "TRUST"]
SCALE = [0, 1, 2, 3]

# Four items. The coder applies TRANS with the gold's value on items 1 and 3, another value
# on item 2, and applies it on item 4 where the gold leaves it out. TRUST: identical everywhere.
CODES = {
    1: {"TRANS": 2, "TRUST": 1},
    2: {"TRANS": 1},
    3: {"TRANS": 3},
    4: {"TRANS": 0, "TRUST": 3},
}
GOLD = {
    1: {"TRANS": 2, "TRUST": 1},
    2: {"TRANS": 2, "TRUST": None},
    3: {"TRANS": 3},
    4: {"TRUST": 3},
}


def score():
    return score_coder("carl", CODES, GOLD, criteria=CRITERIA, scale=SCALE)


def test_percent_agreement_is_the_share_of_items_coded_as_the_gold():
    trans, trust = score().criteria
    assert (trans.n_units, trans.n_agreeing, trans.percent_agreement) == (4, 2, 0.5)
    assert (trust.n_units, trust.n_agreeing, trust.percent_agreement) == (4, 4, 1.0)


def test_kappa_of_a_criterion_matches_the_hand_computed_value():
    # TRANS, coder [2, 1, 3, 0] against gold [2, 2, 3, not coded]: p_o = 2/4; the coder's
    # marginals put 1/4 on each of 0, 1, 2, 3, the gold's 2/4 on 2, 1/4 on 3 and on not coded;
    # p_e = 1/4 · 2/4 + 1/4 · 1/4 = 3/16; κ = (1/2 - 3/16) / (1 - 3/16) = 5/13.
    trans = score().criteria[0]
    assert trans.kappa == pytest.approx(5 / 13)
    assert trans.reason is None


def test_kappa_of_a_criterion_matches_scikit_learn():
    coder = ["2", "1", "3", "0"]
    gold = ["2", "2", "3", NOT_CODED]
    assert score().criteria[0].kappa == pytest.approx(cohen_kappa_score(coder, gold))


def test_the_overall_line_pools_every_item_and_criterion_and_matches_scikit_learn():
    coder = ["2", "1", "1", NOT_CODED, "3", NOT_CODED, "0", "3"]
    gold = ["2", "1", "2", NOT_CODED, "3", NOT_CODED, NOT_CODED, "3"]
    overall = score().overall
    assert (overall.criterion, overall.n_units, overall.n_agreeing) == ("all", 8, 6)
    assert overall.percent_agreement == 0.75
    assert overall.kappa == pytest.approx(cohen_kappa_score(coder, gold))


def test_kappa_is_undefined_with_its_reason_when_coder_and_gold_use_one_value_only():
    codes = {1: {"TRANS": 2}, 2: {"TRANS": 2}}
    found = score_coder("carl", codes, codes, criteria=["TRANS"], scale=SCALE)
    assert found.criteria[0].percent_agreement == 1.0
    assert found.criteria[0].kappa is None
    assert found.criteria[0].reason == "no variation: every value is 2"


def test_differences_name_the_item_the_criterion_and_both_values_in_order():
    assert score().differences == (
        Difference(2, "TRANS", 1, 2),
        Difference(4, "TRANS", 0, None),
    )


def test_only_items_with_a_reference_and_submitted_by_the_coder_are_scored():
    found = score_coder(
        "carl",
        {1: CODES[1], 9: {"TRANS": 3}},
        {1: GOLD[1], 2: GOLD[2]},
        criteria=CRITERIA,
        scale=SCALE,
    )
    assert found.items == (1,)
    assert found.overall.n_units == 2


def test_a_coder_with_nothing_scored_has_no_figures_and_says_why():
    found = score_coder("carl", {}, GOLD, criteria=CRITERIA, scale=SCALE)
    assert found.overall.percent_agreement is None
    assert found.overall.kappa is None
    assert found.overall.reason == "no item of the round has been scored"


def test_a_random_sample_is_drawn_again_from_the_same_seed_and_keys_in_any_order():
    keys = [f"E{i}" for i in range(1, 21)]
    first = draw_sample(keys, 5, seed=42)
    assert first == draw_sample(list(reversed(keys)), 5, seed=42)
    assert first == sorted(first) and len(set(first)) == 5 and set(first) <= set(keys)
    assert first != draw_sample(keys, 5, seed=43)


@pytest.mark.parametrize("size", [0, 21])
def test_a_sample_larger_than_the_items_or_empty_is_refused(size):
    with pytest.raises(ValueError, match="between 1 and 20"):
        draw_sample([f"E{i}" for i in range(20)], size, seed=1)
