"""The migration plan and the diff, on hand-made values (no database)."""

import pytest

from cases.codebooks.diff import diff_versions, word_diff
from cases.codebooks.plan import MapRefused, Row, check_map, fingerprint, plan_migration

RENAME = {"op": "rename", "from": "a", "to": "b"}
MERGE = {"op": "merge", "from": ["m1", "m2"], "to": "m"}


def test_rename_moves_every_coding_of_the_old_code():
    rows = [Row(1, 10, 7, "a", 2), Row(2, 11, 8, "a", 0), Row(3, 10, 7, "x", 1)]
    plan = plan_migration([RENAME], rows)
    assert plan.moves == [(1, "b"), (2, "b")]
    assert plan.counts() == {"moved": 2, "merged": 0, "marked": 0, "retired": 0}


def test_merge_recodes_one_or_equal_values_and_marks_different_ones():
    rows = [
        Row(1, 10, 7, "m1", 2),  # item 10, coder 7: one value -> recoded
        Row(2, 11, 7, "m1", 1),  # item 11, coder 7: equal values -> recoded once
        Row(3, 11, 7, "m2", 1),
        Row(4, 12, 7, "m1", 3),  # item 12, coder 7: different values -> marked
        Row(5, 12, 7, "m2", 1),
    ]
    plan = plan_migration([MERGE], rows)
    assert plan.merges == [(1, "m"), (2, "m")]
    assert plan.retired == [3, 4, 5]
    assert [(m.item, m.coder, m.targets) for m in plan.marks] == [(12, 7, ("m",))]
    assert "m1 = 3, m2 = 1" in plan.marks[0].reason


def test_merge_into_an_existing_code_counts_its_value():
    rows = [Row(1, 10, 7, "m1", 2), Row(2, 10, 7, "m", 2), Row(3, 11, 7, "m1", 2)]
    rows.append(Row(4, 11, 7, "m", 0))
    plan = plan_migration([MERGE], rows)
    assert plan.merges == []  # item 10 already holds 2 on m; item 11 disagrees
    assert plan.retired == [1, 3]
    assert [(m.item, m.coder) for m in plan.marks] == [(11, 7)]


def test_consensus_rows_merge_per_item_and_a_decision_not_to_code_adds_no_value():
    rows = [Row(1, 10, None, "m1", None), Row(2, 10, None, "m2", 2)]
    rows += [Row(3, 11, None, "m1", 1), Row(4, 11, None, "m2", 2)]
    rows += [Row(5, 12, None, "m1", None), Row(6, 12, None, "m2", None)]
    plan = plan_migration([MERGE], rows)
    assert plan.merges == [(2, "m"), (5, "m")]
    assert sorted(plan.retired) == [1, 3, 4, 6]
    assert [(m.item, m.coder) for m in plan.marks] == [(11, None)]
    assert "decided m1 = 1, m2 = 2" in plan.marks[0].reason


def test_split_marks_every_coding_and_retire_keeps_them():
    rows = [Row(1, 10, 7, "s", 2), Row(2, 10, 8, "s", 1), Row(3, 11, 7, "r", 1)]
    operations = [{"op": "split", "from": "s", "to": ["s1", "s2"]}, {"op": "retire", "code": "r"}]
    plan = plan_migration(operations, rows)
    assert [(m.item, m.coder, m.targets) for m in plan.marks] == [
        (10, 7, ("s1", "s2")),
        (10, 8, ("s1", "s2")),
    ]
    assert sorted(plan.retired) == [1, 2, 3]
    assert plan.moves == plan.merges == []


def test_fingerprint_changes_with_the_codings():
    one = plan_migration([RENAME], [Row(1, 10, 7, "a", 2)])
    two = plan_migration([RENAME], [Row(1, 10, 7, "a", 2), Row(2, 11, 7, "a", 1)])
    assert fingerprint(one) != fingerprint(two)
    assert fingerprint(one) == fingerprint(plan_migration([RENAME], [Row(1, 10, 7, "a", 2)]))


@pytest.mark.parametrize(
    ("operations", "words"),
    [
        ([{"op": "rename", "from": "zz", "to": "b"}], "zz is not a current code"),
        ([{"op": "rename", "from": "a", "to": "c"}], "c already exists"),
        ([{"op": "rename", "from": "a", "to": "nope"}], "nope is not in the draft"),
        ([{"op": "merge", "from": ["a"], "to": "b"}], "at least two codes"),
        ([{"op": "split", "from": "a", "to": ["b"]}], "at least two codes"),
        ([RENAME, {"op": "retire", "code": "a"}], "a is already changed by rename a → b"),
        ([{"op": "merge", "from": ["a", "c"], "to": "a"}], "cannot be both changed and kept"),
        ([{"op": "drop", "code": "a"}], "Unknown operation"),
        ([{"op": "retire", "code": "c"}, {"op": "rename", "from": "a", "to": "b"}], None),
        ([{"op": "retire", "code": "c"}, {"op": "merge", "from": ["a", "d"], "to": "c"}], "c is"),
    ],
)
def test_check_map_refuses_what_cannot_be_applied(operations, words):
    old, new = {"a", "c", "d"}, {"a", "b", "c", "d"}
    if words is None:
        check_map(operations, old=old, new=new)
        return
    with pytest.raises(MapRefused, match=words):
        check_map(operations, old=old, new=new)


def _criterion(code, name, definition="d", order=0, retired=False):
    return {
        "code": code,
        "name": name,
        "group": "g",
        "definition": definition,
        "indicators": [],
        "order": order,
        "retired": retired,
    }


def test_diff_names_every_kind_of_change():
    old = {
        "criteria": [
            _criterion("a", "A"),
            _criterion("m1", "M1"),
            _criterion("m2", "M2"),
            _criterion("s", "S"),
            _criterion("r", "R"),
            _criterion("t", "T", "shared values and trust"),
        ],
        "scale": [{"value": 0, "label": "absent"}],
    }
    new = {
        "criteria": [
            _criterion("a", "A", retired=True),
            _criterion("b", "A"),
            _criterion("m", "M"),
            _criterion("s1", "S1"),
            _criterion("s2", "S2"),
            _criterion("r", "R", retired=True),
            _criterion("t", "T", "shared norms and trust"),
            _criterion("n", "N"),
        ],
        "scale": [{"value": 0, "label": "absent"}],
    }
    operations = [
        RENAME,
        {"op": "merge", "from": ["m1", "m2"], "to": "m"},
        {"op": "split", "from": "s", "to": ["s1", "s2"]},
        {"op": "retire", "code": "r"},
    ]
    diff = diff_versions(old, new, operations)
    assert diff["added"] == ["n"]
    assert diff["retired"] == ["r"]
    assert diff["renamed"] == [("a", "b")]
    assert diff["merged"] == [(["m1", "m2"], "m")]
    assert diff["split"] == [("s", ["s1", "s2"])]
    assert diff["scale_changed"] is False
    assert diff["changed"] == [
        {
            "code": "t",
            "name": "T",
            "fields": [
                {
                    "field": "definition",
                    "segments": [
                        ("same", "shared "),
                        ("del", "values "),
                        ("ins", "norms "),
                        ("same", "and trust"),
                    ],
                }
            ],
        }
    ]


def test_word_diff_of_equal_texts_is_one_segment():
    assert word_diff("same text", "same text") == [("same", "same text")]
    assert word_diff("", "new") == [("ins", "new")]
