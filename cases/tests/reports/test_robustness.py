"""Leave-one-out, the verdict without the author assessments and the gaps to the next stage
(``cases.reports.robustness``), on hand-made periods. No database."""

from hypothesis import given, settings
from hypothesis import strategies as st

from cases.classification.rule import classify, classify_without
from cases.reports.robustness import (
    classify_leaving_out,
    leave_one_out,
    next_stage_gaps,
    robustness_entry,
)
from cases.tests.reports.hand_made import ASCENDANT, by_period, keyed, period


def test_leave_one_out_names_the_single_item_a_verdict_hangs_on():
    items = [{k: v for k, v in ASCENDANT.items() if k != "AB-T3-ID"}, {"AB-T3-ID": 2}]
    periods = [period("P1", items, 1990)]
    assert classify(periods)[0].stage == "ascendant"
    changes = leave_one_out(periods, keyed(periods))
    assert changes == {
        "P1": [
            {"key": "P1-0", "item_period": "P1", "stage": "none", "coupling": None},
            {"key": "P1-1", "item_period": "P1", "stage": "nascent", "coupling": None},
        ]
    }


def test_an_item_whose_value_another_item_repeats_changes_nothing():
    periods = [period("P1", [ASCENDANT, ASCENDANT], 1990)]
    assert leave_one_out(periods, keyed(periods)) == {"P1": []}


def test_an_earlier_item_can_hold_up_a_later_verdict_through_carry_forward():
    periods = [
        period("P1", [{"AB-T2-LEARN": 2}], 1990),
        period("P2", [{k: v for k, v in ASCENDANT.items() if k != "AB-T2-LEARN"}], 2000),
    ]
    assert classify(periods)[1].stage == "ascendant"
    changes = leave_one_out(periods, keyed(periods))
    assert {"key": "P1-0", "item_period": "P1", "stage": "nascent", "coupling": None} in changes[
        "P2"
    ]


def test_removing_the_only_contrary_item_lets_a_value_carry_again():
    periods = [
        period("P1", [{"AB-T2-LEARN": 2}], 1990),
        period(
            "P2",
            [{k: v for k, v in ASCENDANT.items() if k != "AB-T2-LEARN"}, {"AB-T2-LEARN": 0}],
            2000,
        ),
    ]
    assert classify(periods)[1].stage == "nascent"
    changes = leave_one_out(periods, keyed(periods))
    assert {"key": "P2-1", "item_period": "P2", "stage": "ascendant", "coupling": None} in changes[
        "P2"
    ]


codes = st.sampled_from(["AB-T1-THREAT", "AB-T2-TRANS", "AB-T2-ORG", "AB-T3-TRUST", "AB-T3-ID"])
item_maps = st.dictionaries(codes, st.integers(0, 3), max_size=3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(item_maps, max_size=4), min_size=1, max_size=3))
def test_skipping_items_that_cannot_matter_loses_no_change(period_items):
    """The shortcut in leave_one_out agrees with re-running the rule without every item."""
    periods = [period(f"P{i + 1}", items, 1990 + 10 * i) for i, items in enumerate(period_items)]
    keys = keyed(periods)
    baseline = classify(periods)
    brute = {p.code: [] for p in periods}
    for p in periods:
        for index, key in enumerate(keys[p.code]):
            for before, after in zip(
                baseline, classify_without(periods, p.code, index), strict=True
            ):
                if (before.stage, before.coupling) != (after.stage, after.coupling):
                    brute[before.code].append(
                        {
                            "key": key,
                            "item_period": p.code,
                            "stage": after.stage,
                            "coupling": after.coupling,
                        }
                    )
    assert leave_one_out(periods, keys) == brute


def test_leaving_out_a_set_of_items_reruns_the_rule_without_them():
    periods = [period("P1", [ASCENDANT, {"AB-T3-TRUST": 3}], 1990)]
    assert classify_leaving_out(periods, keyed(periods), {"P1-0"})[0].stage == "none"
    assert classify_leaving_out(periods, keyed(periods), set())[0].stage == "ascendant"


def test_the_gap_to_the_next_stage_says_when_nothing_in_the_period_shows_it():
    periods = [period("P1", [{**ASCENDANT, "AB-T3-ID": 1}], 2010, 2019)]
    result = classify(periods)[0]
    gaps = next_stage_gaps(result, by_period(periods)["P1"])
    assert [(g["target"], g["code"], g["value"], g["needs"]) for g in gaps] == [
        ("ascendant", "AB-T3-ID", 1, 2)
    ]
    entry = robustness_entry(result, [], result, 0, gaps)
    assert (
        "Not ascendant because identity (AB-T3-ID) is 1 (needs 2): no item dated 2010–2019 shows "
        "it at 2 or more, and the rule never carries it from an earlier period." in entry["summary"]
    )
    assert entry["fragile"] is False


def test_the_robustness_paragraph_names_the_items_and_the_verdict_without_assessments():
    periods = [period("P1", [ASCENDANT], 2020)]
    result = classify(periods)[0]
    nascent = classify([period("P1", [{"AB-T1-THREAT": 2, "AB-T2-TRANS": 2}], 2020)])[0]
    hangs = [
        {"key": "K-1", "item_period": "P1", "stage": "nascent", "coupling": None},
        {"key": "K-0", "item_period": "P0", "stage": "nascent", "coupling": None},
    ]
    entry = robustness_entry(result, hangs, nascent, 3, [], assessments_here=1)
    assert entry["fragile"] is True
    assert entry["without_author_assessment"] == {
        "stage": "nascent",
        "coupling": None,
        "changed": True,
        "left_out": 3,
        "in_period": 1,
    }
    assert "without any one of K-1 or K-0 (P0) it would be nascent" in entry["summary"]
    assert (
        "Without the dyad's 3 author-assessment items (1 in this period) it would be nascent."
        in (entry["summary"])
    )


def test_pending_items_are_named_as_a_reason_the_verdict_may_change():
    result = classify([period("P1", [], 1990, pending=2)])[0]
    entry = robustness_entry(result, [], result, 0, [])
    assert "2 items await adjudication and are left out" in entry["summary"]
