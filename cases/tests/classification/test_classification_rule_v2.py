"""Rule v2 (CODEBOOK.md §4b) by hand: each changed row, carry-forward of trust and identity with
its stop, and indeterminate verdicts. Pure: no database."""

import pytest

from cases.classification.explain import explain
from cases.classification.rule import RULE_V1, RULE_V2, PeriodInput, classify, rule_named

# Nascent in every period: a Tier-1 trigger and both processes, all at 2.
NASCENT = {"AB-T1-THREAT": 2, "AB-T2-TRANS": 2, "AB-T2-ORG": 2}
# What v2's ascendant row asks for, each at its threshold.
ASCENDANT_V2 = {
    **NASCENT,
    "AB-T2-LEARN": 2,
    "AB-T3-TRUST": 2,
    "AB-T3-ID": 1,
    "AB-LC-MILPLAN": 2,
}


def period(code, start, *items, overrides=None):
    return PeriodInput(code, start, start + 9, items=list(items), overrides=overrides or {})


def stages(periods, rule=RULE_V2, carry_forward=None):
    return [r.stage for r in classify(periods, rule=rule, carry_forward=carry_forward)]


def test_v2_ascendant_needs_identity_only_emerging():
    assert stages([period("P1", 1990, ASCENDANT_V2)]) == ["ascendant"]
    # The same period under v1: identity 1 is below v1's 2.
    v1 = classify([period("P1", 1990, ASCENDANT_V2)], rule=RULE_V1)[0]
    assert v1.stage == "nascent" and v1.blocked_by == ["AB-T3-ID < 2"]


@pytest.mark.parametrize(
    ("code", "value", "blocked"),
    [
        ("AB-T2-TRANS", 1, "AB-T2-TRANS < 2"),
        ("AB-T2-LEARN", 1, "AB-T2-LEARN < 2"),
        ("AB-T3-TRUST", 1, "AB-T3-TRUST < 2"),
        ("AB-T3-ID", 0, "AB-T3-ID < 1"),
        ("AB-LC-MILPLAN", 1, "max(AB-LC-MILPLAN, AB-LC-BORDER) < 2"),
    ],
)
def test_each_condition_of_v2_ascendant_blocks_it_alone(code, value, blocked):
    (result,) = classify([period("P1", 1990, {**ASCENDANT_V2, code: value})], rule=RULE_V2)
    assert result.stage == "nascent"
    assert result.blocked_by == [blocked]


def test_a_border_kept_only_against_outsiders_stands_in_for_military_coordination():
    items = {**ASCENDANT_V2, "AB-LC-MILPLAN": 0, "AB-LC-BORDER": 2}
    assert stages([period("P1", 1990, items)]) == ["ascendant"]


def test_trust_high_enough_without_coordination_is_no_longer_enough_under_v2():
    """v1's note: trust stands in for 'less fear'. v2 asks for it outright."""
    items = {**ASCENDANT_V2, "AB-T3-ID": 2, "AB-LC-MILPLAN": 0}
    assert stages([period("P1", 1990, items)], rule=RULE_V1) == ["ascendant"]
    assert stages([period("P1", 1990, items)], rule=RULE_V2) == ["nascent"]


def test_mature_is_as_in_v1():
    mature = {
        **ASCENDANT_V2,
        "AB-T3-TRUST": 3,
        "AB-T3-ID": 3,
        "AB-T4-DEP": 2,
        "AB-LC-MULTI": 2,
        "AB-LC-THREAT": 2,
        "D-VAL": 2,
        "D-RESP": 2,
    }
    for rule in (RULE_V1, RULE_V2):
        (result,) = classify([period("P1", 1990, mature)], rule=rule)
        assert (result.stage, result.coupling, result.loose_count) == ("mature", "loosely", 2 + 1)


def test_trust_and_identity_carry_forward_under_v2_and_the_verdict_says_so():
    p1 = period("P1", 1990, ASCENDANT_V2)
    p2 = period("P2", 2000, {**NASCENT, "AB-LC-MILPLAN": 2})
    first, second = classify([p1, p2], rule=RULE_V2)
    assert second.stage == "ascendant"
    assert second.values["AB-T3-TRUST"] == 2 and second.values["AB-T3-ID"] == 1
    assert second.carried["AB-T3-TRUST"] == "P1" and second.carried["AB-T3-ID"] == "P1"
    assert "AB-T3-ID, AB-T3-TRUST from P1" in explain(second)
    # v1 never carries them: the same periods fall to nascent there.
    assert classify([p1, p2], rule=RULE_V1)[1].values["AB-T3-ID"] == 0


def test_v2_carries_trust_and_identity_whatever_the_codebook_flags_say():
    p1 = period("P1", 1990, ASCENDANT_V2)
    p2 = period("P2", 2000, {**NASCENT, "AB-LC-MILPLAN": 2})
    only_processes = ["AB-T1-THREAT", "AB-T2-TRANS", "AB-T2-ORG", "AB-T2-LEARN"]
    assert stages([p1, p2], carry_forward=only_processes) == ["ascendant", "ascendant"]


def test_contrary_evidence_stops_the_carry_and_the_fall_is_a_real_fall():
    p1 = period("P1", 1990, ASCENDANT_V2)
    p2 = period("P2", 2000, {**NASCENT, "AB-LC-MILPLAN": 2}, {"AB-T3-ID": 0})
    _, second = classify([p1, p2], rule=RULE_V2)
    assert second.values["AB-T3-ID"] == 0
    assert "AB-T3-ID" not in second.carried
    assert second.stage == "nascent"
    assert (second.indeterminate, second.undocumented) == (False, [])


def test_a_higher_own_value_wins_over_a_carried_one():
    p1 = period("P1", 1990, ASCENDANT_V2)
    p2 = period("P2", 2000, {**NASCENT, "AB-LC-MILPLAN": 2, "AB-T3-ID": 3})
    _, second = classify([p1, p2], rule=RULE_V2)
    assert second.values["AB-T3-ID"] == 3 and "AB-T3-ID" not in second.carried


def test_a_fall_that_rests_on_silence_is_indeterminate_and_names_the_silent_codes():
    """P2 documents nothing about military coordination or borders (never carried)."""
    p1 = period("P1", 1990, ASCENDANT_V2)
    p2 = period("P2", 2000, NASCENT)
    _, second = classify([p1, p2], rule=RULE_V2)
    assert second.stage == "nascent"  # the computed stage is kept
    assert second.indeterminate is True
    assert second.undocumented == ["AB-LC-MILPLAN", "AB-LC-BORDER"]
    assert "not documented in this period" in explain(second)


def test_a_fall_on_a_documented_value_under_the_threshold_is_a_fall():
    p1 = period("P1", 1990, ASCENDANT_V2)
    p2 = period("P2", 2000, {**NASCENT, "AB-LC-MILPLAN": 1, "AB-LC-BORDER": 1})
    _, second = classify([p1, p2], rule=RULE_V2)
    assert second.stage == "nascent"
    assert (second.indeterminate, second.undocumented) == (False, [])


def test_one_silent_alternative_is_enough_to_leave_the_fall_undecided():
    """MILPLAN documented weak, BORDER never mentioned: a strong BORDER would meet the
    condition, so the fall rests on BORDER's silence."""
    p1 = period("P1", 1990, ASCENDANT_V2)
    p2 = period("P2", 2000, {**NASCENT, "AB-LC-MILPLAN": 1})
    _, second = classify([p1, p2], rule=RULE_V2)
    assert (second.indeterminate, second.undocumented) == (True, ["AB-LC-BORDER"])


def test_an_override_documents_a_code():
    p1 = period("P1", 1990, ASCENDANT_V2)
    p2 = period("P2", 2000, NASCENT, overrides={"AB-LC-MILPLAN": (1, "reviewer: weak")})
    _, second = classify([p1, p2], rule=RULE_V2)
    # MILPLAN is documented (1) by the override; BORDER is silent but filling it reaches
    # ascendant again, so the fall still rests on silence for BORDER only.
    assert second.indeterminate is True
    assert second.undocumented == ["AB-LC-BORDER"]


def test_the_first_period_is_never_indeterminate():
    (first,) = classify([period("P1", 1990, {"AB-T1-THREAT": 2})], rule=RULE_V2)
    assert first.stage == "none"
    assert (first.indeterminate, first.undocumented) == (False, [])


def test_no_fall_no_indeterminate_even_with_silence():
    p1 = period("P1", 1990, NASCENT)
    p2 = period("P2", 2000, {"AB-T2-TRANS": 2})
    _, second = classify([p1, p2], rule=RULE_V2)
    assert second.stage == "nascent" and second.indeterminate is False


def test_a_carried_code_documented_earlier_is_not_silent():
    """P2 falls from mature to nascent. Trust, identity and Deutsch's two essentials are
    documented (carried from P1, identity also coded in P2), so only the codes nobody
    documented are named: the ones blocking ascendant, then those blocking mature."""
    mature = {
        **ASCENDANT_V2,
        "AB-T3-TRUST": 3,
        "AB-T3-ID": 3,
        "AB-T4-DEP": 2,
        "AB-LC-MULTI": 2,
        "AB-LC-THREAT": 2,
        "D-VAL": 2,
        "D-RESP": 2,
    }
    p1 = period("P1", 1990, mature)
    p2 = period("P2", 2000, {"AB-T3-ID": 2})  # documented lower than carried: max keeps 3
    _, second = classify([p1, p2], rule=RULE_V2)
    assert second.stage == "nascent"
    assert second.values["AB-T3-ID"] == 3 and second.carried["AB-T3-ID"] == "P1"
    assert second.indeterminate is True
    assert second.undocumented == [
        "AB-LC-MILPLAN",
        "AB-LC-BORDER",
        "AB-T4-DEP",
        "AB-LC-MULTI",
        "AB-LC-THREAT",
        "AB-LC-DISC",
    ]


def test_v1_results_carry_no_v2_marks():
    p1 = period("P1", 1990, ASCENDANT_V2)
    p2 = period("P2", 2000, NASCENT)
    for result in classify([p1, p2], rule=RULE_V1):
        assert (result.indeterminate, result.undocumented) == (False, [])


def test_rules_are_found_by_short_and_full_name():
    assert rule_named("v2") is RULE_V2 and rule_named("sccoder-v1") is RULE_V1
    with pytest.raises(ValueError, match="unknown rule"):
        rule_named("v3")


def test_the_codebook_fixture_holds_both_rule_tables_exactly():
    import json
    from pathlib import Path

    from cases.classification.rule import VERSIONS, rule_table

    fixture = Path(__file__).resolve().parents[3] / "fixtures" / "codebook.json"
    stored = json.loads(fixture.read_text("utf-8"))["decision_rules"]
    assert set(stored) == {"v1", "v2"}
    for version, rule in VERSIONS.items():
        table = dict(stored[version])
        why = table.pop("why", None)
        assert table == rule_table(rule)
        if version == "v2":
            assert set(why) == {"carry_forward", "ascendant", "silence_is_missing"}
