"""Who sees what of a report (``cases.reports.audience``)."""

from cases.reports.audience import AGGREGATE, CONSENSUS_ONLY, FULL, audience_for


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
