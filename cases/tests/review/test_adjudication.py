"""The consensus lifecycle: unanimous items, adjudication with history, stale decisions refused,
reopening, the disagreement queue and period overrides.

The small project (conftest): E1 is submitted by carl {TRANS 2, RESP 1} and cleo {TRANS 3},
and rita has adjudicated it (TRANS 2, RESP decided "not coded"). E3 is assigned to carl, who has
a draft TRUST 3; E2 is assigned to cleo with nothing coded.
"""

import pytest
from django.contrib.auth import get_user_model

from cases.coding.actions import (
    CodingRefused,
    StaleWrite,
    reopen_assignment,
    save_coding,
    submit_assignment,
)
from cases.models import (
    Assignment,
    Consensus,
    Criterion,
    Evidence,
    Membership,
    Period,
    PeriodOverride,
    Role,
)
from cases.review.adjudication import (
    AdjudicationRefused,
    adjudicate_item,
    decision_codes,
    disagreement_queue,
    disputed_codes,
    next_in_queue,
    set_period_override,
)


@pytest.fixture
def items(small_project):
    return {e.key: e for e in Evidence.objects.filter(project=small_project)}


@pytest.fixture
def criteria(small_project):
    return {c.code: c for c in Criterion.objects.all()}


def code(item, coder, criteria, values: dict) -> None:
    for name, value in values.items():
        save_coding(
            evidence=item, criterion=criteria[name], coder=coder, value=value, note="", version=0
        )


def both_code_e3(items, people, criteria, cleo_values: dict) -> Evidence:
    """E3 double-coded: carl keeps his TRUST 3, cleo codes as given; both submit."""
    e3 = items["E3"]
    Assignment.objects.create(evidence=e3, coder=people["cleo"])
    code(e3, people["cleo"], criteria, cleo_values)
    submit_assignment(evidence=e3, coder=people["carl"])
    submit_assignment(evidence=e3, coder=people["cleo"])
    return e3


def consensus(item) -> dict:
    return {
        c.criterion.code: (c.value, c.method)
        for c in Consensus.objects.filter(evidence=item).select_related("criterion")
    }


# --- unanimous consensus -------------------------------------------------------------------


def test_the_last_submission_of_an_exact_agreement_records_a_unanimous_consensus(
    items, people, criteria
):
    e3 = items["E3"]
    Assignment.objects.create(evidence=e3, coder=people["cleo"])
    code(e3, people["cleo"], criteria, {"AB-T3-TRUST": 3})
    submit_assignment(evidence=e3, coder=people["carl"])
    assert consensus(e3) == {}  # cleo has not submitted yet
    submit_assignment(evidence=e3, coder=people["cleo"])
    assert consensus(e3) == {"AB-T3-TRUST": (3, "unanimous")}
    row = Consensus.objects.get(evidence=e3)
    assert row.decided_by is None and row.rationale == ""


def test_no_unanimous_consensus_when_the_codes_differ(items, people, criteria):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 2})
    assert consensus(e3) == {}
    assert [i.key for i in disagreement_queue(e3.project)] == ["E3"]


def test_not_coding_a_criterion_the_other_coded_is_a_difference(items, people, criteria):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 3, "D-RESP": 0})
    assert consensus(e3) == {}
    assert disagreement_queue(e3.project)[0].pending == ["D-RESP"]


def test_a_single_coders_codes_are_not_called_unanimous(items, people):
    submit_assignment(evidence=items["E2"], coder=people["cleo"])
    assert consensus(items["E2"]) == {}


def test_reopening_is_refused_once_every_coder_has_submitted(items, people, criteria):
    """From then on the consensus shows whether the coders agreed: reopening would let a coder
    bend their codes towards a colleague's."""
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 3})
    with pytest.raises(CodingRefused, match="every coder has submitted it"):
        reopen_assignment(evidence=e3, coder=people["cleo"])
    assert consensus(e3) == {"AB-T3-TRUST": (3, "unanimous")}


def test_reopening_is_allowed_while_a_colleague_is_still_coding(items, people, criteria):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 3})
    cora = get_user_model().objects.create_user("cora")
    Membership.objects.create(project=e3.project, user=cora, role=Role.CODER)
    Assignment.objects.create(evidence=e3, coder=cora)  # a third coder has not submitted
    reopen_assignment(evidence=e3, coder=people["cleo"])
    assert Assignment.objects.get(evidence=e3, coder=people["cleo"]).status == "assigned"
    assert consensus(e3) == {}  # the agreement the unanimous rows recorded no longer holds
    history = Consensus.history.filter(evidence=e3).order_by("history_id")
    assert [h.history_type for h in history] == ["+", "-"]  # and stays on record


def test_reopening_is_refused_once_a_reviewer_has_adjudicated(items, people):
    with pytest.raises(CodingRefused, match="Review has started"):
        reopen_assignment(evidence=items["E1"], coder=people["carl"])
    assert Assignment.objects.get(evidence=items["E1"], coder=people["carl"]).status == "submitted"


def test_a_later_coder_who_disagrees_removes_the_unanimous_rows(items, people, criteria):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 3})
    cora = get_user_model().objects.create_user("cora")
    Membership.objects.create(project=e3.project, user=cora, role=Role.CODER)
    Assignment.objects.create(evidence=e3, coder=cora)  # a third coder joins ...
    submit_assignment(evidence=e3, coder=cora)  # ... and finds nothing to code
    assert consensus(e3) == {}
    assert [i.key for i in disagreement_queue(e3.project)] == ["E3"]


# --- adjudication --------------------------------------------------------------------------


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


def test_every_coded_criterion_needs_a_decision_and_no_other_may_be_added(items, people, criteria):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 1, "D-RESP": 1})
    with pytest.raises(AdjudicationRefused, match="D-RESP"):
        adjudicate_item(
            evidence=e3,
            reviewer=people["rita"],
            values={"AB-T3-TRUST": 2},
            rationale="Only trust.",
            versions={},
        )
    with pytest.raises(AdjudicationRefused, match="AB-T2-TRANS"):
        adjudicate_item(
            evidence=e3,
            reviewer=people["rita"],
            values={"AB-T3-TRUST": 2, "D-RESP": 1, "AB-T2-TRANS": 1},
            rationale="And transactions.",
            versions={},
        )
    assert consensus(e3) == {}


# --- the queue -----------------------------------------------------------------------------


def test_disputed_codes_compare_every_coders_full_code_set():
    order = {"A": 1, "B": 2, "C": 3}
    sets = {"x": {"A": 1, "B": 2}, "y": {"A": 1, "C": 0}}
    assert disputed_codes(sets, order) == ["B", "C"]
    assert disputed_codes({"x": {"A": 1}}, order) == []


def test_the_queue_filters_by_criterion_period_and_coder_pair(items, people, criteria):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 1})
    project = e3.project
    assert [i.key for i in disagreement_queue(project, criterion="AB-T3-TRUST")] == ["E3"]
    assert disagreement_queue(project, criterion="D-RESP") == []
    p1 = Period.objects.get(code="P1")
    assert disagreement_queue(project, period=p1) == []  # E3 (1990s) is in P2
    assert [i.key for i in disagreement_queue(project, pair=("carl", "cleo"))] == ["E3"]
    assert disagreement_queue(project, pair=("carl", "otto")) == []
    decided = disagreement_queue(project, decided=True, criterion="AB-T2-TRANS")
    assert [i.key for i in decided] == ["E1"]


def test_the_next_item_follows_the_queue_order_and_wraps(items, people, criteria):
    queue = [type("Q", (), {"pk": pk})() for pk in (5, 7, 9)]
    assert next_in_queue(queue, 7).pk == 9
    assert next_in_queue(queue, 9).pk == 5
    assert next_in_queue(queue, 42).pk == 5
    assert next_in_queue(queue[:1], 5) is None


# --- period overrides ----------------------------------------------------------------------


def test_a_period_override_is_created_updated_and_kept_in_history(small_project, people, criteria):
    p1 = Period.objects.get(code="P1")
    row = set_period_override(
        period=p1,
        criterion=criteria["D-RESP"],
        reviewer=people["rita"],
        value=1,
        rationale="Archival source.",
        version=0,
    )
    assert (row.value, row.decided_by, row.version) == (1, people["rita"], 1)
    row = set_period_override(
        period=p1,
        criterion=criteria["D-RESP"],
        reviewer=people["ada"],
        value=2,
        rationale="A second source.",
        version=1,
    )
    assert (row.value, row.decided_by, row.version) == (2, people["ada"], 2)
    assert row.history.count() == 2


def test_a_stale_override_is_refused(small_project, people, criteria):
    existing = PeriodOverride.objects.get()  # rita's P2 AB-T3-TRUST = 2
    with pytest.raises(StaleWrite):
        set_period_override(
            period=existing.period,
            criterion=existing.criterion,
            reviewer=people["ada"],
            value=3,
            rationale="From a page that did not know the override.",
            version=0,
        )
    with pytest.raises(StaleWrite):
        set_period_override(
            period=existing.period,
            criterion=existing.criterion,
            reviewer=people["ada"],
            value=3,
            rationale="From an old page.",
            version=existing.version + 5,
        )
    existing.refresh_from_db()
    assert existing.value == 2


@pytest.mark.parametrize(
    ("value", "rationale", "message"),
    [(4, "Strong.", "not on the scale"), (2, " ", "rationale")],
)
def test_an_override_needs_a_value_on_the_scale_and_a_rationale(
    small_project, people, criteria, value, rationale, message
):
    with pytest.raises(AdjudicationRefused, match=message):
        set_period_override(
            period=Period.objects.get(code="P1"),
            criterion=criteria["D-RESP"],
            reviewer=people["rita"],
            value=value,
            rationale=rationale,
            version=0,
        )
    assert PeriodOverride.objects.count() == 1
