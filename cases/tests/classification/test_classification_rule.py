"""Decision rule v1 (CODEBOOK.md §4), step by step, on hand-made periods. No database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.classification.explain import explain
from cases.classification.rule import (
    LOOSE,
    RULE_V1,
    RULE_V2,
    RULES,
    TIER1,
    TIGHT,
    AppliedOverride,
    PeriodInput,
    blocked_text,
    classify,
    classify_without,
    evaluate,
    has_coupling,
    holds,
    step_above,
    unmet,
)

NASCENT = {"AB-T1-THREAT": 2, "AB-T2-TRANS": 2}
ASCENDANT = {
    "AB-T1-THREAT": 2,
    "AB-T2-TRANS": 2,
    "AB-T2-ORG": 2,
    "AB-T2-LEARN": 2,
    "AB-T3-TRUST": 2,
    "AB-T3-ID": 2,
}
MATURE = {
    **ASCENDANT,
    "AB-T3-TRUST": 3,
    "AB-T3-ID": 3,
    "AB-T4-DEP": 2,
    "AB-LC-MULTI": 2,
    "AB-LC-MILPLAN": 2,
    "AB-LC-DISC": 3,
    "D-VAL": 2,
    "D-RESP": 2,
}
TIGHTLY = {**MATURE, "AB-TC-COLLSEC": 2, "AB-TC-AUTH": 2, "AB-TC-MILINT": 2, "AB-TC-FREEMOVE": 2}
TIGHT_BLOCKERS = [
    "max(AB-TC-COLLSEC, AB-TC-MILINT) < 2",
    "max(AB-TC-AUTH, AB-TC-POLITY) < 2",
    "fewer than 4 of 6 AB-TC-* >= 2 (have 0)",
]


def period(code="P1", *items, start=None, end=None, pending=0, overrides=None) -> PeriodInput:
    """A period whose items are the given {code: value} maps; years follow the code's number."""
    start = start if start is not None else 1990 + 10 * int(code[1:])
    return PeriodInput(code, start, end, list(items), pending, overrides or {})


def one(*items, **kwargs):
    """Classify a single period."""
    return classify([period("P1", *items, **kwargs)])[0]


# --- step 1: none or nascent ------------------------------------------------------------------


def test_a_period_without_a_trigger_or_a_process_is_none():
    result = one({"AB-T1-ECON": 1, "AB-T2-LEARN": 3})
    assert (result.stage, result.coupling) == ("none", None)
    assert result.blocked_by == ["max(AB-T1-*) < 2", "max(AB-T2-TRANS, AB-T2-ORG) < 2"]


def test_a_trigger_and_moderate_transactions_make_a_period_nascent():
    result = one(NASCENT)
    assert result.stage == "nascent"
    assert "AB-T2-LEARN < 2" in result.blocked_by


def test_moderate_institutions_can_stand_in_for_transactions():
    assert one({"AB-T1-INTERP": 3, "AB-T2-ORG": 2}).stage == "nascent"


def test_strong_processes_without_a_moderate_trigger_stay_at_none():
    result = one({**ASCENDANT, "AB-T1-THREAT": 1})
    assert (result.stage, result.blocked_by) == ("none", ["max(AB-T1-*) < 2"])


# --- step 2: ascendant ------------------------------------------------------------------------


def test_five_moderate_processes_trust_and_identity_make_a_period_ascendant():
    # Military planning (AB-LC-MILPLAN) is reported but not required.
    result = one(ASCENDANT)
    assert result.stage == "ascendant"
    assert result.values["AB-LC-MILPLAN"] == 0


@pytest.mark.parametrize(
    "code", ["AB-T2-TRANS", "AB-T2-ORG", "AB-T2-LEARN", "AB-T3-TRUST", "AB-T3-ID"]
)
def test_ascendant_needs_all_five_conditions(code):
    # With transactions weak, institutions still meet step 1(b), so the period stays nascent.
    result = one({**ASCENDANT, code: 1})
    assert (result.stage, result.blocked_by) == ("nascent", [f"{code} < 2"])


# --- step 3: mature ---------------------------------------------------------------------------


def test_strong_trust_identity_expectations_indicators_and_deutsch_make_a_period_mature():
    result = one(MATURE)
    assert (result.stage, result.coupling, result.loose_count) == ("mature", "loosely", 3)


@pytest.mark.parametrize(
    ("change", "blocker"),
    [
        ({"AB-T3-TRUST": 2}, "AB-T3-TRUST < 3"),
        ({"AB-T3-ID": 2}, "AB-T3-ID < 3"),
        ({"AB-T4-DEP": 1}, "AB-T4-DEP < 2"),
        ({"AB-LC-DISC": 1}, "fewer than 3 of 5 AB-LC-* >= 2 (have 2)"),
        ({"D-VAL": 1}, "D-VAL < 2"),
        ({"D-RESP": 0}, "D-RESP < 2"),
    ],
)
def test_mature_needs_every_condition_a_to_d(change, blocker):
    result = one({**MATURE, **change})
    assert (result.stage, result.blocked_by) == ("ascendant", [blocker])


def test_the_deutsch_check_can_be_met_by_values_carried_from_an_earlier_period():
    later = {k: v for k, v in MATURE.items() if k not in ("D-VAL", "D-RESP")}
    _, second = classify([period("P1", {"D-VAL": 2, "D-RESP": 3}), period("P2", later)])
    assert second.stage == "mature"
    assert second.carried == {"D-VAL": "P1", "D-RESP": "P1"}
    assert (second.values["D-VAL"], second.values["D-RESP"]) == (2, 3)


def test_an_explicit_zero_in_the_later_period_fails_the_deutsch_check():
    later = {k: v for k, v in MATURE.items() if k != "D-RESP"}
    results = classify([period("P1", {"D-RESP": 3}), period("P2", later, {"D-RESP": 0})])
    assert (results[1].stage, results[1].blocked_by) == ("ascendant", ["D-RESP < 2"])


# --- step 4: coupling -------------------------------------------------------------------------


def test_coupling_is_only_given_to_mature_periods():
    result = one({**ASCENDANT, **dict.fromkeys(TIGHT, 3)})
    assert (result.stage, result.coupling, result.tight_count) == ("ascendant", None, 6)


@pytest.mark.parametrize("rule", [RULE_V1, RULE_V2])
def test_only_the_mature_stage_has_a_coupling_under_either_rule(rule):
    assert [s for s in rule.stage_names if has_coupling(s, rule)] == ["mature"]


def test_the_step_above_a_verdict_is_the_next_stage_then_tight_coupling_then_nothing():
    assert [step_above(s, None)[0] for s in ("none", "nascent", "ascendant")] == [
        "nascent",
        "ascendant",
        "mature",
    ]
    assert step_above("mature", "loosely") == ("tightly coupled", RULE_V1.coupling)
    assert step_above("mature", "tightly") is None


def test_mutual_aid_shared_rule_and_four_indicators_make_a_tightly_coupled_community():
    result = one(TIGHTLY)
    assert (result.coupling, result.tight_count, result.blocked_by) == ("tightly", 4, [])


def test_a_close_alliance_without_shared_rule_above_the_state_stays_loosely_coupled():
    alliance = {"AB-TC-COLLSEC": 3, "AB-TC-MILINT": 3, "AB-TC-INTTHREAT": 2, "AB-TC-FREEMOVE": 2}
    result = one({**MATURE, **alliance})
    assert (result.coupling, result.tight_count) == ("loosely", 4)
    assert result.blocked_by == ["max(AB-TC-AUTH, AB-TC-POLITY) < 2"]


def test_three_tightly_coupled_indicators_are_not_enough():
    result = one({**MATURE, "AB-TC-COLLSEC": 2, "AB-TC-POLITY": 3, "AB-TC-FREEMOVE": 2})
    assert result.coupling == "loosely"
    assert result.blocked_by == ["fewer than 4 of 6 AB-TC-* >= 2 (have 3)"]


def test_a_loosely_coupled_period_is_blocked_by_the_unmet_conditions_for_tight_coupling():
    assert one(MATURE).blocked_by == TIGHT_BLOCKERS


# --- step 0: period values and carry-forward --------------------------------------------------


def test_the_period_value_is_the_highest_among_its_items_and_missing_is_zero():
    result = one({"AB-T2-TRANS": 1}, {"AB-T2-TRANS": 3, "AB-T2-ORG": 2}, {"AB-T2-ORG": 0})
    assert (result.values["AB-T2-TRANS"], result.values["AB-T2-ORG"]) == (3, 2)
    assert result.values["AB-T3-TRUST"] == 0


def test_carried_values_persist_over_later_periods():
    results = classify(
        [
            period("P1", {"AB-T1-INTERP": 3, "AB-T2-TRANS": 2}),
            period("P2"),
            period("P3", {"AB-T2-TRANS": 1}),
        ]
    )
    assert [r.stage for r in results] == ["nascent"] * 3
    assert results[2].values["AB-T2-TRANS"] == 2
    assert results[2].carried == {"AB-T1-INTERP": "P1", "AB-T2-TRANS": "P1"}


def test_a_higher_value_of_the_periods_own_replaces_the_carried_one():
    results = classify(
        [period("P1", {"AB-T2-ORG": 2}), period("P2", {"AB-T2-ORG": 3}), period("P3")]
    )
    assert results[1].carried == {}
    assert (results[2].values["AB-T2-ORG"], results[2].carried) == (3, {"AB-T2-ORG": "P2"})


def test_an_explicit_zero_stops_the_carry_forward_for_good():
    results = classify(
        [
            period("P1", {"AB-T1-THREAT": 2, "AB-T2-TRANS": 3, "AB-T2-ORG": 2}),
            period("P2", {"AB-T2-TRANS": 0, "AB-T2-ORG": 0}),
            period("P3"),
        ]
    )
    assert [r.stage for r in results] == ["nascent", "none", "none"]
    assert results[1].values["AB-T2-TRANS"] == results[2].values["AB-T2-TRANS"] == 0
    assert results[1].carried == results[2].carried == {"AB-T1-THREAT": "P1"}


def test_with_an_explicit_zero_only_the_periods_own_items_count():
    results = classify(
        [period("P1", {"AB-T2-TRANS": 3}), period("P2", {"AB-T2-TRANS": 0}, {"AB-T2-TRANS": 1})]
    )
    assert (results[1].values["AB-T2-TRANS"], results[1].carried) == (1, {})


def test_trust_identity_expectations_and_coupling_indicators_are_never_carried():
    everything = RULE_V1.codes  # even when a codebook flags every code for carrying
    results = classify([period("P1", TIGHTLY), period("P2")], carry_forward=everything)
    later = results[1].values
    for code in ("AB-T3-TRUST", "AB-T3-ID", "AB-T4-DEP", *LOOSE, *TIGHT):
        assert later[code] == 0, code
    assert results[1].carried == {c: "P1" for c in TIGHTLY if c in RULE_V1.carry_forward}
    assert results[1].stage == "nascent"


def test_the_codebooks_carry_forward_flags_are_honoured():
    results = classify(
        [period("P1", {"AB-T2-TRANS": 2, "D-VAL": 2}), period("P2")],
        carry_forward=["AB-T2-TRANS"],
    )
    assert results[1].carried == {"AB-T2-TRANS": "P1"}
    assert results[1].values["D-VAL"] == 0


def test_the_default_carry_forward_codes_are_the_codebooks_list():
    expected = {*TIER1, "AB-T2-TRANS", "AB-T2-ORG", "AB-T2-LEARN", "D-VAL", "D-RESP"}
    assert set(RULE_V1.carry_forward) == expected


# --- overrides, contested codes, pending items ------------------------------------------------


def test_an_override_replaces_the_derived_value_and_is_listed():
    no_dep = {k: v for k, v in MATURE.items() if k != "AB-T4-DEP"}
    result = one(no_dep, overrides={"AB-T4-DEP": (2, "planning documents")})
    assert (result.stage, result.values["AB-T4-DEP"]) == ("mature", 2)
    assert result.overrides == [AppliedOverride("AB-T4-DEP", 2, 0, "planning documents")]


def test_an_override_applies_after_carrying_and_the_next_period_carries_it():
    results = classify(
        [
            period("P1", {"AB-T2-TRANS": 3}),
            period("P2", overrides={"AB-T2-TRANS": (1, "trade collapsed")}),
            period("P3"),
        ]
    )
    assert results[1].overrides == [AppliedOverride("AB-T2-TRANS", 1, 3, "trade collapsed")]
    assert (results[1].values["AB-T2-TRANS"], results[1].carried) == (1, {})
    assert (results[2].values["AB-T2-TRANS"], results[2].carried) == (1, {"AB-T2-TRANS": "P2"})


def test_an_override_can_lower_the_stage():
    result = one(MATURE, overrides={"AB-T3-ID": (2, "identity is elite-only")})
    assert (result.stage, result.blocked_by) == ("ascendant", ["AB-T3-ID < 3"])


def test_a_code_with_a_zero_and_a_moderate_value_among_the_items_is_contested():
    result = one(
        {"AB-T3-TRUST": 0}, {"AB-T3-TRUST": 2}, {"AB-T3-ID": 0}, {"AB-T3-ID": 1}, {"D-VAL": 3}
    )
    assert result.contested == ["AB-T3-TRUST"]
    assert result.values["AB-T3-TRUST"] == 2  # a contrary item does not lower the maximum


def test_pending_items_are_counted_and_reported():
    assert one(NASCENT, pending=3).pending_items == 3


# --- what the result holds --------------------------------------------------------------------


def test_values_hold_every_code_the_rule_reads_and_any_other_coded_code():
    result = one({"D4-IDENT": 2, "AB-T2-TRANS": 1})
    assert set(result.values) == {*RULE_V1.codes, "D4-IDENT"}
    assert (result.values["D4-IDENT"], result.rule) == (2, "sccoder-v1")


def test_a_fall_in_trust_lowers_the_stage():
    results = classify([period("P1", MATURE), period("P2", {**MATURE, "AB-T3-TRUST": 1})])
    assert [r.stage for r in results] == ["mature", "nascent"]
    assert results[1].blocked_by == ["AB-T3-TRUST < 2"]


def test_a_value_off_the_scale_is_refused():
    with pytest.raises(ValueError, match="P1: AB-T3-TRUST = 4"):
        one({"AB-T3-TRUST": 4})


def test_periods_out_of_date_order_are_refused():
    with pytest.raises(ValueError, match="date order: P1"):
        classify([period("P2"), period("P1")])


def test_leaving_out_the_only_strong_trust_item_lowers_the_stage():
    items = [{k: v for k, v in MATURE.items() if k != "AB-T3-TRUST"}, {"AB-T3-TRUST": 3}]
    periods = [period("P1", *items)]
    assert classify(periods)[0].stage == "mature"
    assert classify_without(periods, "P1", 1)[0].stage == "nascent"
    assert classify(periods)[0].stage == "mature"  # the input is left as it was


# --- step 5: the explanation ------------------------------------------------------------------


def test_an_ascendant_period_explains_what_holds_and_what_blocks_maturity():
    values = {**ASCENDANT, "D-VAL": 2, "D-RESP": 2, **dict.fromkeys(LOOSE[:3], 2)}
    result = one(values, start=2010, end=2019)
    assert explain(result) == (
        "2010–2019: ascendant — transactions, institutions, social learning, trust and identity "
        "all at least moderate; not mature because trust is 2 (needs 3), identity is 2 "
        "(needs 3) and dependable expectations is 0 (needs 2)."
    )


def test_a_period_at_none_explains_which_nascent_conditions_fail():
    assert explain(one({"AB-T1-ECON": 1}, start=1991, end=2009)) == (
        "1991–2009: none — no security-community dynamic yet; not nascent because the "
        "strongest Tier-1 trigger is 1 (needs 2) and the stronger of transactions and "
        "institutions is 0 (needs 2)."
    )


def test_a_loosely_coupled_period_explains_why_it_is_not_tightly_coupled():
    text = explain(one(MATURE, start=2020))
    assert text.startswith("2020 onward: mature, loosely coupled — trust and identity both strong;")
    assert "3 of 5 loosely-coupled indicators at least moderate" in text
    assert "not tightly coupled because mutual aid is 0 (needs 2)" in text


def test_a_tightly_coupled_period_names_nothing_missing():
    text = explain(one(TIGHTLY, start=1993, end=1993))
    assert text.startswith("1993: mature, tightly coupled")
    assert "mutual aid at least moderate (AB-TC-COLLSEC, AB-TC-MILINT)" in text
    assert " not " not in text


def test_the_explanation_reports_carried_codes_overrides_contested_codes_and_pending_items():
    results = classify(
        [
            period("P1", {"AB-T1-THREAT": 2}),
            period(
                "P2",
                {"AB-T2-ORG": 2, "AB-T3-ID": 0},
                {"AB-T3-ID": 2},
                pending=1,
                overrides={"AB-T3-TRUST": (2, "polls outside our sources.")},
            ),
        ]
    )
    text = explain(results[1])
    assert "Carried forward: AB-T1-THREAT from P1." in text
    assert "Override: AB-T3-TRUST set to 2 instead of 0 (polls outside our sources)." in text
    assert "Contested (a 0 beside a value of 2 or more): AB-T3-ID." in text
    assert "1 item awaits adjudication, left out." in text


# --- properties -------------------------------------------------------------------------------

# Skewed towards high values; the second half starts at the top and lowers a few codes, so
# mature and tightly coupled periods (rare among random values) turn up often.
LEVELS = st.sampled_from((0, 1, 2, 2, 3, 3, 3))
VALUES = st.one_of(
    st.fixed_dictionaries({code: LEVELS for code in RULE_V1.codes}),
    st.dictionaries(st.sampled_from(RULE_V1.codes), LEVELS, max_size=6).map(
        lambda lowered: {**dict.fromkeys(RULE_V1.codes, 3), **lowered}
    ),
)


def rank(result) -> tuple[int, int]:
    coupling = (None, RULE_V1.base_coupling, RULE_V1.coupling.name).index(result.coupling)
    return RULE_V1.stage_names.index(result.stage), coupling


@given(VALUES)
def test_stages_are_nested(values):
    verdict = evaluate(values)
    reached = RULE_V1.stage_names.index(verdict.stage)
    for step in RULE_V1.stages[:reached]:
        assert all(holds(c, values) for c in step.conditions), step.name
    top = reached == len(RULE_V1.stages)
    next_step = RULE_V1.coupling if top else RULE_V1.stages[reached]
    assert verdict.blocked_by == [blocked_text(c, values) for c in unmet(next_step, values)]
    assert (verdict.coupling is not None) == top


@given(VALUES, st.sampled_from(RULE_V1.codes), LEVELS)
def test_raising_one_value_never_lowers_the_stage(values, code, level):
    raised = {**values, code: max(values[code], level)}
    assert rank(evaluate(raised)) >= rank(evaluate(values))


# Items without zeros: a 0 stops a carry-forward, so monotonicity holds for values >= 1 only.
ITEMS = st.lists(
    st.dictionaries(st.sampled_from(RULE_V1.codes), st.integers(1, 3), max_size=12), max_size=4
)


@given(
    st.lists(ITEMS, min_size=1, max_size=4),
    st.data(),
)
def test_adding_an_item_without_zeros_never_lowers_any_periods_stage(items_per_period, data):
    periods = [period(f"P{i + 1}", *items) for i, items in enumerate(items_per_period)]
    where = data.draw(st.integers(0, len(periods) - 1))
    extra = data.draw(st.dictionaries(st.sampled_from(RULE_V1.codes), st.integers(1, 3)))
    more = [period(p.code, *p.items, extra) if i == where else p for i, p in enumerate(periods)]
    for before, after in zip(classify(periods), classify(more), strict=True):
        assert rank(after) >= rank(before)


def test_the_rule_is_registered_under_its_name():
    assert RULES["sccoder-v1"] is RULE_V1
