"""The pure parts of the dyad report, on hand-made periods. No database."""

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from cases.classification.explain import verdict_text
from cases.classification.rule import PeriodInput, classify, classify_without
from cases.lib.dates import span_text
from cases.reports.audience import AGGREGATE, CONSENSUS_ONLY, FULL, audience_for
from cases.reports.beside import Judgment, judgments_beside_rule
from cases.reports.chart import stage_chart_svg
from cases.reports.compare import compare_table
from cases.reports.grid import grid_rows, trace_cell
from cases.reports.robustness import (
    classify_leaving_out,
    leave_one_out,
    next_stage_gaps,
    robustness_entry,
)

ASCENDANT = {
    "AB-T1-THREAT": 2,
    "AB-T2-TRANS": 2,
    "AB-T2-ORG": 2,
    "AB-T2-LEARN": 2,
    "AB-T3-TRUST": 2,
    "AB-T3-ID": 2,
}


def period(code, items, start, end=None, overrides=None, pending=0):
    return PeriodInput(code, start, end, [dict(i) for i in items], pending, overrides or {})


def keyed(periods):
    """Item keys like P1-0, P1-1 … in the order of each period's items."""
    return {p.code: [f"{p.code}-{i}" for i in range(len(p.items))] for p in periods}


def by_period(periods):
    keys = keyed(periods)
    return {p.code: list(zip(keys[p.code], p.items, strict=True)) for p in periods}


# --- who sees what ----------------------------------------------------------------------------


def test_admins_and_reviewers_see_everything_observers_and_coders_the_consensus():
    assert audience_for("admin", can_read_all_codings=True) is FULL
    assert audience_for("reviewer", can_read_all_codings=True) is FULL
    assert audience_for("observer") is CONSENSUS_ONLY
    assert audience_for("coder") is CONSENSUS_ONLY
    assert audience_for(None) is CONSENSUS_ONLY


def test_a_coder_flag_cannot_be_talked_up_by_a_role_name_alone():
    # Only the membership's own can_read_all_codings opens the named judgments.
    assert audience_for("admin") is CONSENSUS_ONLY
    assert not CONSENSUS_ONLY.judgment_summary and not CONSENSUS_ONLY.agreement
    assert AGGREGATE.judgment_summary and not AGGREGATE.named_judgments


# --- the grid ---------------------------------------------------------------------------------


def test_a_cell_points_to_the_items_that_hold_the_period_maximum():
    periods = [period("P1", [{"AB-T3-TRUST": 2}, {"AB-T3-TRUST": 1}, {"AB-T3-TRUST": 2}], 1990)]
    result = classify(periods)[0]
    cell = trace_cell("AB-T3-TRUST", result, by_period(periods))
    assert cell["value"] == 2
    assert cell["items"] == ["P1-0", "P1-2"]
    assert cell["other_items"] == [{"key": "P1-1", "value": 1}]
    assert cell["carried_from"] is None and cell["override"] is None and not cell["contested"]


def test_a_carried_cell_points_to_the_items_of_the_period_it_came_from():
    periods = [
        period("P1", [{"AB-T2-ORG": 3}, {"AB-T2-ORG": 1}], 1990),
        period("P2", [{"AB-T2-ORG": 1}], 2000),
    ]
    result = classify(periods)[1]
    cell = trace_cell("AB-T2-ORG", result, by_period(periods))
    assert cell["value"] == 3
    assert cell["carried_from"] == "P1"
    assert cell["items"] == ["P1-0"]
    assert cell["other_items"] == [{"key": "P2-0", "value": 1}]


def test_an_overridden_cell_carries_the_rationale_and_no_item():
    periods = [period("P1", [{"AB-T3-ID": 1}], 1990, overrides={"AB-T3-ID": (2, "Polls.")})]
    cell = trace_cell("AB-T3-ID", classify(periods)[0], by_period(periods))
    assert cell["value"] == 2
    assert cell["override"] == {"value": 2, "derived": 1, "rationale": "Polls."}
    assert cell["items"] == []
    assert cell["other_items"] == [{"key": "P1-0", "value": 1}]


def test_a_zero_beside_a_two_marks_the_cell_contested():
    periods = [period("P1", [{"D-SENSE": 0}, {"D-SENSE": 2}], 1990)]
    cell = trace_cell("D-SENSE", classify(periods)[0], by_period(periods))
    assert cell["contested"] is True
    assert cell["items"] == ["P1-1"]
    assert cell["other_items"] == [{"key": "P1-0", "value": 0}]


def test_contrary_evidence_alone_sets_a_zero_and_an_uncoded_criterion_has_no_value():
    periods = [period("P1", [{"AB-T4-DEP": 0}], 1990)]
    result = classify(periods)[0]
    assert trace_cell("AB-T4-DEP", result, by_period(periods))["items"] == ["P1-0"]
    assert trace_cell("AB-T4-DEP", result, by_period(periods))["value"] == 0
    untouched = trace_cell("AB-T3-TRUST", result, by_period(periods))
    assert untouched["value"] is None and untouched["items"] == []


def test_the_grid_groups_criteria_by_framework_and_group_in_codebook_order():
    criteria = [
        {
            "code": "D-VAL",
            "name": "Values",
            "framework": "Deutsch",
            "group": "E",
            "carry_forward": 1,
        },
        {
            "code": "D-RESP",
            "name": "Resp",
            "framework": "Deutsch",
            "group": "E",
            "carry_forward": 1,
        },
        {"code": "AB-T3-ID", "name": "Id", "framework": "A&B", "group": "T3", "carry_forward": 0},
    ]
    periods = [period("P1", [{"D-VAL": 2}], 1990), period("P2", [], 2000)]
    grid = grid_rows(criteria, classify(periods), by_period(periods))
    assert [f["framework"] for f in grid] == ["Deutsch", "A&B"]
    assert [c["code"] for c in grid[0]["groups"][0]["criteria"]] == ["D-VAL", "D-RESP"]
    cells = grid[0]["groups"][0]["criteria"][0]["cells"]
    assert [(c["period"], c["value"], c["carried_from"]) for c in cells] == [
        ("P1", 2, None),
        ("P2", 2, "P1"),
    ]


# --- robustness -------------------------------------------------------------------------------


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


# --- the coders' verdicts ---------------------------------------------------------------------

JUDGMENTS = [
    Judgment("P1", "carl", "ascendant", None, "carl's reasons"),
    Judgment("P1", "cleo", "ascendant", None, "cleo's reasons"),
]


def test_coders_get_nothing_of_the_stage_judgments():
    results = classify([period("P1", [], 1990)])
    assert judgments_beside_rule(results, JUDGMENTS, CONSENSUS_ONLY) is None


def test_observers_get_counts_but_never_who_said_what():
    results = classify([period("P1", [], 1990)])
    (row,) = judgments_beside_rule(results, JUDGMENTS, AGGREGATE)
    assert row["counts"] == {"ascendant": 2}
    assert "judgments" not in row
    assert "carl" not in repr(row) and "reasons" not in repr(row)
    assert row["summary"] == (
        "Both coders judged it ascendant; the rule gives none: "
        "the holistic reading and the coded evidence differ."
    )


def test_reviewers_see_each_coders_verdict_and_rationale():
    results = classify([period("P1", [ASCENDANT], 1990)])
    (row,) = judgments_beside_rule(results, JUDGMENTS, FULL)
    assert [(j["coder"], j["rationale"], j["agrees_with_rule"]) for j in row["judgments"]] == [
        ("carl", "carl's reasons", True),
        ("cleo", "cleo's reasons", True),
    ]
    assert row["summary"] == "Both coders judged it ascendant, as the rule does."


# --- words, the comparison and the chart ------------------------------------------------------


def test_verdicts_and_spans_read_as_words():
    assert verdict_text("mature", "loosely") == "mature, loosely coupled"
    assert verdict_text("nascent", None) == "nascent"
    assert span_text(2020, None) == "2020–"
    assert span_text(1991, 2009) == "1991–2009"
    assert span_text(1999, 1999) == "1999"


def test_the_comparison_has_one_column_per_distinct_span_sorted_by_start_year():
    dyads = [
        {
            "code": "A-B",
            "name": "A–B",
            "periods": [
                {"start_year": 1991, "end_year": 2009, "stage": "nascent"},
                {"start_year": 2010, "end_year": None, "stage": "ascendant"},
            ],
        },
        {
            "code": "C-D",
            "name": "C–D",
            "periods": [{"start_year": 1991, "end_year": 2000, "stage": "none"}],
        },
    ]
    table = compare_table(dyads)
    assert [c["span"] for c in table["columns"]] == ["1991–2000", "1991–2009", "2010–"]
    assert [c and c["stage"] for c in table["rows"][0]["cells"]] == [None, "nascent", "ascendant"]
    assert [c and c["stage"] for c in table["rows"][1]["cells"]] == ["none", None, None]


def test_the_comparison_can_keep_the_columns_of_every_dyad_on_one_page():
    table = compare_table([], spans=[(2000, None), (1990, 1999)])
    assert [c["span"] for c in table["columns"]] == ["1990–1999", "2000–"]


PERIODS = [
    {"code": "P1", "start_year": 1991, "end_year": 2009, "stage": "nascent", "coupling": None},
    {"code": "P2", "start_year": 2010, "end_year": None, "stage": "mature", "coupling": "loosely"},
]


def test_the_stage_chart_is_valid_svg_with_its_stages_and_coupling_as_text():
    svg = stage_chart_svg(PERIODS, 2023)
    root = ET.fromstring(svg.encode())
    assert root.tag.endswith("svg")
    for word in ("none", "nascent", "ascendant", "mature", "P1", "P2", "loosely"):
        assert word in svg


def test_the_stage_chart_is_the_same_bytes_every_time():
    assert stage_chart_svg(PERIODS, 2023) == stage_chart_svg(PERIODS, 2023)
    assert stage_chart_svg(PERIODS, 2023) != stage_chart_svg(PERIODS, 2024)
