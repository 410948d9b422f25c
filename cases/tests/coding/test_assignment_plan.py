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


# -- samples, auto-assignment, coverage, throughput -------------------------------------------

from datetime import date  # noqa: E402

from cases.coding.assignment_plan import (  # noqa: E402
    coverage_gaps,
    daily_throughput,
    fewest_open,
    sample_items,
    sample_size,
)


def test_the_same_seed_draws_the_same_sample_and_another_seed_another():
    items = [f"E{n}" for n in range(100)]
    first = sample_items(items, 10, seed=42)
    assert first == sample_items(items, 10, seed=42)
    assert len(first) == 10 and len(set(first)) == 10
    assert first != sample_items(items, 10, seed=43)
    assert first == sorted(first, key=items.index)  # in the items' own order
    # pinned: a change of the drawing would silently change recorded samples
    assert sample_items([f"E{n}" for n in range(10)], 3, seed=7) == ["E2", "E5", "E6"]


def test_a_sample_never_takes_more_than_there_is():
    assert sample_items(["a", "b"], 5, seed=1) == ["a", "b"]
    assert sample_items([], 3, seed=1) == []


@pytest.mark.parametrize(
    ("total", "kwargs", "k"),
    [
        (40, {"size": 10}, 10),
        (5, {"size": 10}, 5),
        (40, {"share": 0.25}, 10),
        (3, {"share": 0.1}, 1),  # at least one item
        (0, {"share": 0.5}, 0),
        (7, {"share": 1.0}, 7),
    ],
)
def test_sample_size(total, kwargs, k):
    assert sample_size(total, **kwargs) == k


@pytest.mark.parametrize(
    "kwargs", [{}, {"size": 2, "share": 0.5}, {"size": 0}, {"share": 0}, {"share": 1.5}]
)
def test_a_sample_needs_one_sensible_size(kwargs):
    with pytest.raises(ValueError):
        sample_size(10, **kwargs)


def test_new_items_go_to_the_coders_with_fewest_open_items_ties_by_name():
    assert fewest_open(["cleo", "carl", "bea"], {"cleo": 1, "carl": 1, "bea": 4}, 2) == [
        "carl",
        "cleo",
    ]
    assert fewest_open(["b", "a"], {}, 1) == ["a"]
    assert fewest_open(["b", "a"], {}, 5) == ["a", "b"]


def test_coverage_gaps():
    gaps = coverage_gaps({"E1": 0, "E2": 1, "E3": 2, "E4": 3}, 2)
    assert gaps == {"unassigned": ["E1"], "short": ["E2"]}


def test_daily_throughput_counts_the_last_days_oldest_first():
    today = date(2026, 3, 10)
    days = [date(2026, 3, 10), date(2026, 3, 10), date(2026, 3, 4), date(2026, 3, 3)]
    assert daily_throughput(days, today=today, days=7) == [1, 0, 0, 0, 0, 0, 2]
