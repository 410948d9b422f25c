"""Item consensus: decisions win, exact agreement of submitted coders counts, the rest waits."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.models import Assignment, Evidence
from cases.review.consensus import consensus_for, derive_item_consensus


def test_agreeing_coders_make_the_consensus():
    result = derive_item_consensus({"a": {"X": 2, "Y": 0}, "b": {"X": 2, "Y": 0}}, {})
    assert result.values == {"X": 2, "Y": 0}
    assert not result.awaits_adjudication


def test_a_criterion_one_coder_left_uncoded_is_a_disagreement():
    result = derive_item_consensus({"a": {"X": 2, "Y": 1}, "b": {"X": 2}}, {})
    assert result.values == {"X": 2}
    assert result.pending == {"Y"}


def test_a_recorded_decision_wins_including_a_decision_not_to_code():
    result = derive_item_consensus({"a": {"X": 2, "Y": 1}, "b": {"X": 3}}, {"X": 3, "Y": None})
    assert result.values == {"X": 3}
    assert not result.awaits_adjudication
    assert result.decided


def test_a_single_submitted_coder_is_the_consensus():
    assert derive_item_consensus({"a": {"X": 1}}, {}).values == {"X": 1}


def test_codes_count_only_once_every_assigned_coder_has_submitted():
    """Otherwise the consensus (readable by every member) would show a coder who has not
    submitted yet what a colleague coded."""
    waiting = derive_item_consensus({"a": {"X": 2}}, {}, awaiting=1)
    assert (waiting.values, waiting.awaits_adjudication) == ({}, False)
    assert waiting.awaiting_coders == 1
    decided = derive_item_consensus({"a": {"X": 2}}, {"X": 3}, awaiting=1)
    assert decided.values == {"X": 3}


def test_an_item_nobody_submitted_is_uncoded_not_pending():
    result = derive_item_consensus({}, {})
    assert (result.values, result.awaits_adjudication, result.is_coded) == ({}, False, False)


@pytest.mark.django_db
def test_the_orm_adapter_reads_only_submitted_codings(small_project, django_assert_num_queries):
    items = {e.key: e.pk for e in Evidence.objects.filter(project=small_project)}
    with django_assert_num_queries(3):
        result = consensus_for(items.values())
    # E1: decided by rita (TRANS 2; D-RESP decided not coded).
    assert result[items["E1"]].values == {"AB-T2-TRANS": 2}
    # E3: carl's draft is not submitted, so it does not count.
    assert result[items["E3"]].values == {}
    Assignment.objects.filter(evidence_id=items["E3"]).update(status="submitted")
    assert consensus_for([items["E3"]])[items["E3"]].values == {"AB-T3-TRUST": 3}


def consensus_by_the_rule(submitted, decisions, awaiting):
    """The module docstring's rule, criterion by criterion, written out independently."""
    counted = {} if awaiting else submitted
    codes = set(decisions) | {code for codes in counted.values() for code in codes}
    values, pending = {}, set()
    for code in codes:
        if code in decisions:
            if decisions[code] is not None:
                values[code] = decisions[code]
        elif len({codes.get(code) for codes in submitted.values()}) == 1:
            value = next(iter(submitted.values())).get(code)
            if value is not None:
                values[code] = value
        else:
            pending.add(code)
    return values, pending


CODES = st.sampled_from(["A", "B", "C"])
CODE_SETS = st.dictionaries(CODES, st.integers(0, 3), max_size=3)


@given(
    submitted=st.dictionaries(st.sampled_from(["x", "y", "z"]), CODE_SETS, max_size=3),
    same=st.booleans(),
    decisions=st.dictionaries(CODES, st.none() | st.integers(0, 3), max_size=2),
    awaiting=st.integers(0, 2),
)
def test_the_derived_consensus_follows_the_rule_for_any_codes(submitted, same, decisions, awaiting):
    if same and submitted:  # make the all-agree case common, as on real projects
        first = next(iter(submitted.values()))
        submitted = {coder: dict(first) for coder in submitted}
    derived = derive_item_consensus(submitted, decisions, awaiting=awaiting)
    values, pending = consensus_by_the_rule(submitted, decisions, awaiting)
    assert derived.values == values
    assert derived.pending == pending
    assert derived.decided == bool(decisions)
    assert (derived.submitted_coders, derived.awaiting_coders) == (len(submitted), awaiting)
