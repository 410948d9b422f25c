"""Unanimous consensus: recorded when every coder of an item submitted the same codes, gone
again when that no longer holds; and when coders may still reopen an item.

The small project is described in ``cases.tests.review.double_coding``.
"""

import pytest
from django.contrib.auth import get_user_model

from cases.coding.actions import CodingRefused, reopen_assignment, submit_assignment
from cases.models import Assignment, Consensus, Membership, Role
from cases.review.consensus import consensus_for
from cases.review.queue import disagreement_queue
from cases.tests.review.double_coding import both_code_e3, code, consensus
from cases.visibility import visibility_for


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


def test_reopening_is_allowed_once_every_coder_has_submitted(items, people, criteria):
    """Every coder submitting is no reviewer acting: a coder may still reopen the item. The
    unanimous rows go in the same transaction, and the veil is drawn again: cleo sees nothing of
    the item's consensus until she submits, and carl sees no consensus of it either (his
    colleague's codes count only once every coder has submitted)."""
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 3})
    assert consensus(e3) == {"AB-T3-TRUST": (3, "unanimous")}
    reopen_assignment(evidence=e3, coder=people["cleo"])
    assert Assignment.objects.get(evidence=e3, coder=people["cleo"]).status == "assigned"
    assert consensus(e3) == {}
    cleo = Membership.objects.get(project=e3.project, user=people["cleo"])
    carl = Membership.objects.get(project=e3.project, user=people["carl"])
    assert visibility_for(cleo).hides(e3.pk)
    seen = consensus_for([e3.pk], hidden=visibility_for(cleo).hidden)[e3.pk]
    assert (seen.hidden, seen.values) == (True, {})
    seen = consensus_for([e3.pk], hidden=visibility_for(carl).hidden)[e3.pk]
    assert (seen.hidden, seen.values, seen.awaiting_coders) == (False, {}, 1)
    submit_assignment(evidence=e3, coder=people["cleo"])  # the agreement is recorded again
    assert consensus(e3) == {"AB-T3-TRUST": (3, "unanimous")}


def test_reopening_a_disputed_item_no_reviewer_has_decided(items, people, criteria):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 2})
    assert [i.key for i in disagreement_queue(e3.project)] == ["E3"]
    reopen_assignment(evidence=e3, coder=people["carl"])
    assert Assignment.objects.get(evidence=e3, coder=people["carl"]).status == "assigned"
    assert disagreement_queue(e3.project) == []  # carl has not given his codes again yet


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
