"""The report's grid: the items behind each value (``cases.reports.grid``). No database."""

from cases.classification.rule import classify
from cases.reports.grid import grid_rows, trace_cell
from cases.tests.reports.hand_made import by_period, period


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
