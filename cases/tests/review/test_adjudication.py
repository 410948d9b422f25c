"""Adjudication: a reviewer's decision with its history, stale decisions refused, and what a
decision must cover.

The small project is described in ``cases.tests.review.double_coding``.
"""

import csv
import io
import json

import pytest

from cases.bundles import dump_bundle, export_bundle, import_bundle
from cases.coding.actions import CodingRefused, reopen_assignment
from cases.exports import write_consensus_csv
from cases.lib.versioning import StaleWrite
from cases.models import Consensus, Evidence
from cases.review.adjudication import (
    AdjudicationRefused,
    add_decision,
    adjudicate_item,
    decision_codes,
    revise_decision,
)
from cases.review.queue import disagreement_queue
from cases.tests.review.double_coding import both_code_e3, consensus


def rows_of(write, *args) -> list[dict]:
    out = io.StringIO()
    write(out, *args)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def versions_of(item) -> dict:
    return {
        c.criterion.code: c.version
        for c in Consensus.objects.filter(evidence=item).select_related("criterion")
    }


def test_adjudication_records_the_value_who_and_the_rationale(items, people, criteria):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 1, "D-RESP": 2})
    assert decision_codes(e3) == ["AB-T3-TRUST", "D-RESP"]
    rows = adjudicate_item(
        evidence=e3,
        reviewer=people["rita"],
        values={"AB-T3-TRUST": 2, "D-RESP": None},
        rationale="  Polls show moderate trust; responsiveness not in the quote.  ",
        versions={},
    )
    assert len(rows) == 2
    assert consensus(e3) == {
        "AB-T3-TRUST": (2, "adjudicated"),
        "D-RESP": (None, "adjudicated"),  # decided "not coded": still a decision
    }
    for row in Consensus.objects.filter(evidence=e3):
        assert row.decided_by == people["rita"]
        assert row.rationale == "Polls show moderate trust; responsiveness not in the quote."
        assert row.decided_at is not None
    assert disagreement_queue(e3.project) == []
    assert [i.key for i in disagreement_queue(e3.project, decided=True)] == ["E1", "E3"]


def test_a_revision_keeps_the_earlier_decision_in_the_history(items, people):
    e1 = items["E1"]
    before = Consensus.objects.get(evidence=e1, criterion__code="AB-T2-TRANS")
    adjudicate_item(
        evidence=e1,
        reviewer=people["ada"],
        values={"AB-T2-TRANS": 3, "D-RESP": 1},
        rationale="Second reading: the treaty is broad.",
        versions=versions_of(e1),
    )
    after = Consensus.objects.get(pk=before.pk)
    assert (after.value, after.decided_by, after.version) == (3, people["ada"], before.version + 1)
    history = list(after.history.order_by("history_id").values_list("value", "rationale"))
    assert history[0] == (2, "Treaty is institutional, not yet broad.")
    assert history[-1] == (3, "Second reading: the treaty is broad.")


def test_adjudicating_turns_unanimous_rows_into_decisions_and_locks_reopening(
    items, people, criteria
):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 3})
    adjudicate_item(
        evidence=e3,
        reviewer=people["rita"],
        values={"AB-T3-TRUST": 2},
        rationale="Both overstated it.",
        versions=versions_of(e3),
    )
    assert consensus(e3) == {"AB-T3-TRUST": (2, "adjudicated")}
    with pytest.raises(CodingRefused):
        reopen_assignment(evidence=e3, coder=people["carl"])


def test_a_criterion_the_coders_agreed_on_stays_unanimous_when_the_item_is_decided(
    items, people, criteria
):
    """Carl and cleo agree on TRUST (3) and differ on RESP; rita decides RESP and keeps TRUST:
    TRUST stays the coders' unanimous value, with no reviewer's name or rationale on it, and
    consensus.csv and the bundle call it so."""
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 3, "D-RESP": 2})
    assert consensus(e3) == {}  # the code sets differ: no unanimous rows yet
    adjudicate_item(
        evidence=e3,
        reviewer=people["rita"],
        values={"AB-T3-TRUST": 3, "D-RESP": 1},
        rationale="Cleo read responsiveness into the quote; weak at most.",
        versions={},
    )
    assert consensus(e3) == {"AB-T3-TRUST": (3, "unanimous"), "D-RESP": (1, "adjudicated")}
    kept = Consensus.objects.get(evidence=e3, criterion__code="AB-T3-TRUST")
    assert (kept.decided_by, kept.rationale) == (None, "")
    decided = Consensus.objects.get(evidence=e3, criterion__code="D-RESP")
    assert decided.decided_by == people["rita"]
    assert disagreement_queue(e3.project) == []
    with pytest.raises(CodingRefused, match="Review has started"):
        reopen_assignment(evidence=e3, coder=people["carl"])

    rows = [r for r in rows_of(write_consensus_csv, e3.project) if r["evidence"] == "E3"]
    assert [(r["criterion"], r["value"], r["method"], r["decided_by"]) for r in rows] == [
        ("AB-T3-TRUST", "3", "unanimous", ""),
        ("D-RESP", "1", "adjudicated", "rita"),
    ]
    (entry,) = [e for e in export_bundle(e3.project)["consensus"] if e["evidence"] == "E3"]
    assert (entry.get("method"), entry["methods"]) == (None, {"AB-T3-TRUST": "unanimous"})


def test_the_unanimous_criterion_survives_a_bundle_roundtrip(items, people, criteria):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 3, "D-RESP": 2})
    adjudicate_item(
        evidence=e3,
        reviewer=people["rita"],
        values={"AB-T3-TRUST": 3, "D-RESP": None},
        rationale="Not in the quote.",
        versions={},
    )
    doc = export_bundle(e3.project)
    project = import_bundle(json.loads(dump_bundle(doc)), replace=True)
    e3 = Evidence.objects.get(project=project, key="E3")
    assert consensus(e3) == {"AB-T3-TRUST": (3, "unanimous"), "D-RESP": (None, "adjudicated")}
    rows = Consensus.objects.filter(evidence=e3).order_by("criterion__code")
    assert [(r.decided_by_id is None, r.rationale) for r in rows] == [
        (True, ""),
        (False, "Not in the quote."),
    ]
    assert export_bundle(project)["consensus"] == doc["consensus"]


def test_changing_the_coders_common_value_is_a_decision(items, people, criteria):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 3, "D-RESP": 2})
    adjudicate_item(
        evidence=e3,
        reviewer=people["rita"],
        values={"AB-T3-TRUST": 2, "D-RESP": 1},
        rationale="Both overstated trust.",
        versions={},
    )
    assert consensus(e3) == {"AB-T3-TRUST": (2, "adjudicated"), "D-RESP": (1, "adjudicated")}


def test_a_decision_that_keeps_every_agreed_code_has_nothing_to_decide(items, people, criteria):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 3})
    with pytest.raises(AdjudicationRefused, match="nothing to decide"):
        adjudicate_item(
            evidence=e3,
            reviewer=people["rita"],
            values={"AB-T3-TRUST": 3},
            rationale="Fine as it is.",
            versions=versions_of(e3),
        )
    assert consensus(e3) == {"AB-T3-TRUST": (3, "unanimous")}
    assert Consensus.objects.get(evidence=e3).version == 1


def test_a_stale_decision_is_refused_and_nothing_is_written(items, people):
    e1 = items["E1"]
    seen = versions_of(e1)  # rita opens the page ...
    adjudicate_item(  # ... ada decides meanwhile ...
        evidence=e1,
        reviewer=people["ada"],
        values={"AB-T2-TRANS": 3, "D-RESP": 1},
        rationale="Ada's reading.",
        versions=seen,
    )
    stored = consensus(e1)
    with pytest.raises(StaleWrite):  # ... and rita's decision, taken on the old page, is refused
        adjudicate_item(
            evidence=e1,
            reviewer=people["rita"],
            values={"AB-T2-TRANS": 1, "D-RESP": None},
            rationale="Rita's reading.",
            versions=seen,
        )
    assert consensus(e1) == stored
    assert set(Consensus.objects.filter(evidence=e1).values_list("rationale", flat=True)) == {
        "Ada's reading."
    }


def test_a_decision_that_did_not_see_an_existing_row_is_stale(items, people):
    with pytest.raises(StaleWrite):
        adjudicate_item(
            evidence=items["E1"],
            reviewer=people["rita"],
            values={"AB-T2-TRANS": 3, "D-RESP": 1},
            rationale="Fresh page? No.",
            versions={},  # 0: "there was no decision" — but there is one
        )
    assert consensus(items["E1"])["AB-T2-TRANS"] == (2, "adjudicated")


@pytest.mark.parametrize("rationale", ["", "   \n "])
def test_a_rationale_is_required(items, people, criteria, rationale):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 1})
    with pytest.raises(AdjudicationRefused, match="rationale"):
        adjudicate_item(
            evidence=e3,
            reviewer=people["rita"],
            values={"AB-T3-TRUST": 2},
            rationale=rationale,
            versions={},
        )
    assert consensus(e3) == {}


def test_values_off_the_scale_are_refused(items, people, criteria):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 1})
    with pytest.raises(AdjudicationRefused, match="not on the scale"):
        adjudicate_item(
            evidence=e3,
            reviewer=people["rita"],
            values={"AB-T3-TRUST": 5},
            rationale="Very strong.",
            versions={},
        )
    assert consensus(e3) == {}


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"AB-T3-TRUST": 2}, "D-RESP"),  # a coded criterion left out
        ({"AB-T3-TRUST": 2, "D-RESP": 1, "AB-T2-TRANS": 1}, "AB-T2-TRANS"),  # one nobody coded
    ],
)
def test_every_coded_criterion_needs_a_decision_and_no_other_may_be_added(
    items, people, criteria, values, named
):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 1, "D-RESP": 1})
    with pytest.raises(AdjudicationRefused, match=named):
        adjudicate_item(
            evidence=e3,
            reviewer=people["rita"],
            values=values,
            rationale="Only these.",
            versions={},
        )
    assert consensus(e3) == {}


# --- one criterion at a time: the API's and the admin's writes ---------------------------


def test_a_decision_on_one_criterion_is_recorded_like_the_pages(items, people, criteria):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 1, "D-RESP": 2})
    row = add_decision(
        evidence=e3,
        criterion=criteria["D-RESP"],
        reviewer=people["rita"],
        value=None,
        rationale="  Not in the quote. ",
    )
    assert (row.value, row.method, row.decided_by, row.rationale, row.version) == (
        None,
        "adjudicated",
        people["rita"],
        "Not in the quote.",
        1,
    )
    # The item's other disputed criterion still awaits a decision.
    assert disagreement_queue(e3.project)[0].pending == ["AB-T3-TRUST"]


def test_a_criterion_nobody_coded_cannot_be_decided_alone(items, people, criteria):
    with pytest.raises(AdjudicationRefused, match="criterion: No submitted coder coded AB-T3"):
        add_decision(
            evidence=items["E1"],
            criterion=criteria["AB-T3-TRUST"],
            reviewer=people["rita"],
            value=1,
            rationale="Why not.",
        )
    assert consensus(items["E1"]) == {
        "AB-T2-TRANS": (2, "adjudicated"),
        "D-RESP": (None, "adjudicated"),
    }


def test_a_decision_on_a_criterion_that_has_one_is_stale(items, people, criteria):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 3})  # unanimous TRUST 3
    with pytest.raises(StaleWrite):
        add_decision(
            evidence=e3,
            criterion=criteria["AB-T3-TRUST"],
            reviewer=people["rita"],
            value=2,
            rationale="Both overstated it.",
        )
    assert consensus(e3) == {"AB-T3-TRUST": (3, "unanimous")}


def test_a_revision_claims_the_version_it_was_shown(items, people):
    row = Consensus.objects.get(evidence=items["E1"], criterion__code="AB-T2-TRANS")
    revised = revise_decision(
        row=row, reviewer=people["ada"], value=3, rationale="Broad.", version=row.version
    )
    assert (revised.value, revised.decided_by, revised.version) == (3, people["ada"], 2)
    with pytest.raises(StaleWrite):
        revise_decision(row=row, reviewer=people["rita"], value=1, rationale="No.", version=1)
    with pytest.raises(AdjudicationRefused, match="value: 7 is not on the scale"):
        revise_decision(row=row, reviewer=people["rita"], value=7, rationale="No.", version=2)
    assert list(row.history.order_by("history_id").values_list("value", flat=True)) == [2, 3]
