"""Spreading items over coders (pure)."""

import pytest

from cases.coding.assignment_plan import plan_assignments


def test_all_coders_get_every_item():
    assert plan_assignments(["a", "b"], ["x", "y"], per_item=None) == [
        ("a", "x"),
        ("a", "y"),
        ("b", "x"),
        ("b", "y"),
    ]


def test_k_per_item_spreads_the_load_evenly():
    pairs = plan_assignments(list(range(9)), ["x", "y", "z"], per_item=2)
    per_coder = {c: sum(1 for _, who in pairs if who == c) for c in "xyz"}
    assert per_coder == {"x": 6, "y": 6, "z": 6}
    per_item = {i: sum(1 for item, _ in pairs if item == i) for i in range(9)}
    assert set(per_item.values()) == {2}
    # Every pair of coders shares some items, so each pair's agreement can be measured.
    pairs_of_coders = {tuple(sorted(w for i, w in pairs if i == item)) for item in range(9)}
    assert pairs_of_coders == {("x", "y"), ("x", "z"), ("y", "z")}


def test_existing_assignments_count_and_are_not_repeated():
    pairs = plan_assignments(
        ["a", "b"], ["x", "y", "z"], per_item=2, existing={"a": {"x"}}, load={"x": 5}
    )
    assert ("a", "x") not in pairs
    assert sum(1 for item, _ in pairs if item == "a") == 1
    assert sum(1 for item, _ in pairs if item == "b") == 2
    assert "x" not in {who for _, who in pairs}  # x already carries the most work


def test_a_second_run_adds_nothing():
    first = plan_assignments(["a", "b"], ["x", "y"], per_item=1)
    existing = {}
    for item, who in first:
        existing.setdefault(item, set()).add(who)
    assert plan_assignments(["a", "b"], ["x", "y"], per_item=1, existing=existing) == []


@pytest.mark.parametrize("k", [0, 4])
def test_impossible_numbers_of_coders_are_refused(k):
    with pytest.raises(ValueError, match="between 1 and 3"):
        plan_assignments(["a"], ["x", "y", "z"], per_item=k)
