"""The coders' verdicts beside the rule's, as far as each audience may see them
(``cases.reports.beside``; the author's assessments are in test_author_assessments.py)."""

from cases.classification.rule import classify
from cases.reports.audience import AGGREGATE, CONSENSUS_ONLY, FULL
from cases.reports.beside import Judgment, judgments_beside_rule
from cases.tests.reports.hand_made import ASCENDANT, period

JUDGMENTS = [
    Judgment("P1", "carl", "ascendant", None, "carl's reasons"),
    Judgment("P1", "cleo", "ascendant", None, "cleo's reasons"),
]


def test_coders_get_nothing_of_the_stage_judgments():
    results = classify([period("P1", [], 1990)])
    assert judgments_beside_rule(results, JUDGMENTS, CONSENSUS_ONLY) is None


def test_the_aggregate_audience_gets_counts_but_never_who_said_what():
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
