"""The reliability adapter: database codings in, agreement figures out, checked by hand.

The hand-built project: two coders, carl and cleo, both submit six items (I1–I6) coded against
three criteria, C-A and C-B in group G1 and C-C in group G2 (framework F):

    item   carl          cleo
    I1     C-A 2         C-A 2
    I2     C-A 3         C-A 1
    I3     C-A 1         –
    I4     –             C-A 0
    I5     C-B 1         C-B 1
    I6     –             –

Application of C-A (1 = applied), units I1..I6: (1,1) (1,1) (1,0) (0,1) (0,0) (0,0).
Coincidences: o11 = 4, o00 = 4, o01 = o10 = 2; n = 12, n0 = n1 = 6.
    D_o = 4/12 = 1/3;  D_e = 2·6·6 / (12·11) = 6/11;  alpha = 1 - (1/3)/(6/11) = 7/18 = .3889
    percent agreement = 4/6;  AC1: pi_1 = (1 + 1 + .5 + .5 + 0 + 0)/6 = .5, p_e = 2·.5·.5 = .5,
    AC1 = (2/3 - .5)/(1 - .5) = 1/3
Value of C-A: the units where both applied it, I1 (2,2) and I2 (3,1). Ordinal, n = 4,
n1 = 1, n2 = 2, n3 = 1: delta(1,3) = (n1 + n2 + n3 - (n1 + n3)/2)^2 = 9,
delta(1,2) = delta(2,3) = (1 + 2 - 1.5)^2 = 2.25.
    D_o = (9 + 9)/4 = 4.5;  D_e = 2·(2·2.25 + 1·9 + 2·2.25)/(4·3) = 3;  alpha = 1 - 4.5/3 = -.5
Application of C-B: (0,0) x5 and (1,1): no disagreement and D_e > 0, alpha = 1. Its value: one
unit (1,1), no variation, undefined. C-C: nobody applied it: application undefined (every
value is 0, yet percent agreement and AC1 are 1), value has no unit at all.
Group G1 pools C-A and C-B (12 units): o11 = 6, o00 = 14, o01 = o10 = 2, n = 24, n0 = 16, n1 = 8.
    D_o = 4/24 = 1/6;  D_e = 2·16·8/(24·23) = 256/552;  alpha = 1 - 552/1536 = .640625
Overall pools all 18 units: o11 = 6, o00 = 26, o01 = o10 = 2, n = 36, n0 = 28, n1 = 8.
    D_o = 4/36 = 1/9;  D_e = 2·28·8/(36·35) = 448/1260;  alpha = 1 - 1260/4032 = .6875
Overall value (I1 (2,2), I2 (3,1), I5 (1,1)): n = 6, n1 = 3, n2 = 2, n3 = 1; delta(1,3) =
(6 - 2)^2 = 16, delta(1,2) = (5 - 2.5)^2 = 6.25, delta(2,3) = (3 - 1.5)^2 = 2.25.
    D_o = 32/6;  D_e = 2·(6·6.25 + 3·16 + 2·2.25)/30 = 6;  alpha = 1 - (32/6)/6 = 1/9
Cohen's kappa of the pair over the 18 (item, criterion) units, "not coded" a category: agreeing
units 15 (A: I1, I5, I6; B: all six; C: all six), p_o = 15/18. Marginals: carl nc 14, 1: 2,
2: 1, 3: 1; cleo nc 14, 0: 1, 1: 2, 2: 1. p_e = (14·14 + 2·2 + 1·1)/324 = 201/324.
    kappa = (270 - 201)/(324 - 201) = 69/123 = .5610
Stage judgments: P1 (nascent, nascent), P2 (mature, ascendant); ordinal, n = 4: n_nascent = 2,
n_ascendant = 1, n_mature = 1; delta(asc, mat) = (1 + 1 - 1)^2 = 1,
delta(nas, asc) = (2 + 1 - 1.5)^2 = 2.25, delta(nas, mat) = (2 + 1 + 1 - 1.5)^2 = 6.25.
    D_o = 2·1/4 = .5;  D_e = 2·(2·2.25 + 2·6.25 + 1·1)/12 = 3;  alpha = 1 - .5/3 = 5/6
"""

import copy

import pytest
from django.contrib.auth import get_user_model

from cases.bundles import import_bundle
from cases.models import Assignment, Coding, Criterion, Dyad, Evidence, Period, Source
from cases.review.diagnostics import coders_against_consensus, leave_one_coder_out
from cases.review.reliability import (
    ROW_KEYS,
    agreement_figures,
    agreement_rows,
    coder_pair_kappas,
    reading,
    stage_judgment_agreement,
)

pytestmark = pytest.mark.django_db

CODES = {
    "carl": {"I1": {"C-A": 2}, "I2": {"C-A": 3}, "I3": {"C-A": 1}, "I5": {"C-B": 1}},
    "cleo": {"I1": {"C-A": 2}, "I2": {"C-A": 1}, "I4": {"C-A": 0}, "I5": {"C-B": 1}},
}

_HAND_BUILT = {
    "format": "sccoder-bundle",
    "version": 1,
    "project": {"slug": "hand", "name": "Hand-built", "description": "Computed by hand."},
    "codebook": {
        "name": "Hand codebook",
        "version": "1",
        "scale": [
            {"value": 0, "label": "absent"},
            {"value": 1, "label": "weak"},
            {"value": 2, "label": "moderate"},
            {"value": 3, "label": "strong"},
        ],
        "criteria": [
            {
                "code": code,
                "name": f"Criterion {code}",
                "framework": "F",
                "group": group,
                "definition": "…",
                "indicators": [],
                "carry_forward": False,
            }
            for code, group in (("C-A", "G1"), ("C-B", "G1"), ("C-C", "G2"))
        ],
    },
    "members": [
        {"username": "rita", "role": "reviewer"},
        {"username": "carl", "role": "coder"},
        {"username": "cleo", "role": "coder"},
        {"username": "cora", "role": "coder"},
    ],
    "dyads": [
        {
            "code": "FRA-DEU",
            "state_a": "FRA",
            "state_b": "DEU",
            "name": "France–Germany",
            "periods": [
                {"code": "P1", "label": "", "start_year": 1900, "end_year": 1999},
                {"code": "P2", "label": "", "start_year": 2000, "end_year": None},
            ],
        },
        {
            "code": "ESP-PRT",
            "state_a": "ESP",
            "state_b": "PRT",
            "name": "Spain–Portugal",
            "periods": [{"code": "P1", "label": "", "start_year": 1900, "end_year": None}],
        },
    ],
    "sources": [
        {
            "key": "doe",
            "csl": {"type": "book", "title": "Neighbours", "issued": {"date-parts": [[2020]]}},
        }
    ],
    "evidence": [
        {
            "key": f"I{n}",
            "dyad": "FRA-DEU",
            "date": str(1950 + n),
            "source": "doe",
            "locator": str(n),
            "evidence_type": "event",
            "quote": f"Quote {n}.",
        }
        for n in range(1, 7)
    ],
    "codings": [
        {
            "evidence": f"I{n}",
            "coder": coder,
            "submitted": True,
            "values": CODES[coder].get(f"I{n}", {}),
            "notes": {},
        }
        for coder in ("carl", "cleo")
        for n in range(1, 7)
    ],
    "stage_judgments": [
        {"dyad": "FRA-DEU", "period": "P1", "coder": "carl", "stage": "nascent", "coupling": None},
        {
            "dyad": "FRA-DEU",
            "period": "P2",
            "coder": "carl",
            "stage": "mature",
            "coupling": "loosely",
        },
        {"dyad": "FRA-DEU", "period": "P1", "coder": "cleo", "stage": "nascent", "coupling": None},
        {
            "dyad": "FRA-DEU",
            "period": "P2",
            "coder": "cleo",
            "stage": "ascendant",
            "coupling": None,
        },
    ],
}


def hand_built_bundle() -> dict:
    return copy.deepcopy(_HAND_BUILT)


@pytest.fixture
def hand():
    return import_bundle(hand_built_bundle())


def row(rows, scope, key, measure):
    (found,) = [r for r in rows if (r["scope"], r["key"], r["measure"]) == (scope, key, measure)]
    return found


def add_item(project, key, dyad_code="FRA-DEU", year=1960) -> Evidence:
    dyad = Dyad.objects.get(project=project, code=dyad_code)
    return Evidence.objects.create(
        project=project,
        key=key,
        dyad=dyad,
        period=Period.objects.containing_year(year).get(dyad=dyad),
        date=str(year),
        source=Source.objects.get(project=project),
        evidence_type="event",
        quote="More.",
    )


def code_and_submit(item, coder, values: dict) -> None:
    Assignment.objects.create(evidence=item, coder=coder, status=Assignment.Status.SUBMITTED)
    for code, value in values.items():
        Coding.objects.create(
            evidence=item, coder=coder, criterion=Criterion.objects.get(code=code), value=value
        )


# --- the hand computation ------------------------------------------------------------------


def test_criterion_application_alpha_percent_agreement_and_ac1_match_the_hand_computation(hand):
    figures = row(agreement_rows(hand), "criterion", "C-A", "application")
    assert figures["n_units"] == 6
    assert figures["level"] == "nominal"
    assert figures["alpha"] == pytest.approx(7 / 18)
    assert figures["percent_agreement"] == pytest.approx(4 / 6)
    assert figures["ac1"] == pytest.approx(1 / 3)
    # .389 reads "not reliable" by alpha alone, but six units cannot settle it either way.
    assert figures["reading"] == "not conclusive"
    assert figures["reading_note"].startswith("too few units (n = 6)")
    assert figures["framework"] == "F" and figures["group"] == "G1"


def test_criterion_value_alpha_is_ordinal_over_the_items_both_coders_applied_it_to(hand):
    figures = row(agreement_rows(hand), "criterion", "C-A", "value")
    assert figures["n_units"] == 2  # I1 and I2; I3 and I4 have one value each
    assert figures["level"] == "ordinal"
    assert figures["alpha"] == pytest.approx(-0.5)
    assert figures["percent_agreement"] == pytest.approx(0.5)
    assert figures["ac1"] is None  # AC1 is reported for application only


def test_a_criterion_applied_alike_everywhere_has_alpha_1_but_six_units_are_not_conclusive(hand):
    figures = row(agreement_rows(hand), "criterion", "C-B", "application")
    assert figures["alpha"] == pytest.approx(1.0)
    assert figures["ci_low"] is not None and figures["ci_high"] == pytest.approx(1.0)
    assert figures["reading"] == "not conclusive"
    assert figures["reading_note"] == (
        f"too few units (n = 6); interval too wide ({figures['ci_low']:.3f}–1.000)"
    )


def test_group_rows_pool_the_units_of_their_criteria(hand):
    rows = agreement_rows(hand)
    group = row(rows, "group", "G1", "application")
    assert group["n_units"] == 12  # 6 items x 2 criteria
    assert group["alpha"] == pytest.approx(0.640625)
    assert group["framework"] == "F"
    value = row(rows, "group", "G1", "value")
    assert value["n_units"] == 3 and value["alpha"] == pytest.approx(1 / 9)


def test_the_overall_row_pools_every_criterion(hand):
    rows = agreement_rows(hand)
    overall = row(rows, "overall", "all", "application")
    assert overall["n_units"] == 18
    assert overall["alpha"] == pytest.approx(0.6875)
    # Tentative by alpha alone; 18 units are enough, but the interval is not.
    assert overall["reading"] == "not conclusive"
    low, high = overall["ci_low"], overall["ci_high"]
    assert high - low > 0.5
    assert overall["reading_note"] == f"interval too wide ({low:.3f}–{high:.3f})"
    assert row(rows, "overall", "all", "value")["alpha"] == pytest.approx(1 / 9)


def test_the_coder_pair_kappa_counts_not_coded_as_a_category(hand):
    (pair,) = coder_pair_kappas(hand)
    assert (pair["coder_a"], pair["coder_b"]) == ("carl", "cleo")
    assert pair["n_units"] == 18
    assert pair["cohen_kappa"] == pytest.approx(69 / 123)
    assert pair["reason"] is None


def test_stage_judgments_get_an_ordinal_alpha_over_the_periods(hand):
    result = stage_judgment_agreement(hand)
    assert result == {
        "n_periods": 2,
        "n_coders": 2,
        "alpha_ordinal": pytest.approx(5 / 6),
        "reason": None,
    }


# --- undefined figures ---------------------------------------------------------------------


def test_undefined_figures_read_undefined_and_say_why(hand):
    rows = agreement_rows(hand)
    never_applied = row(rows, "criterion", "C-C", "application")
    assert never_applied["alpha"] is None
    assert never_applied["reading"] == "undefined"
    assert never_applied["undefined_reason"] == "no variation: every value is 0"
    # Percent agreement and AC1 still speak: everyone agreed it was absent.
    assert never_applied["percent_agreement"] == pytest.approx(1.0)
    assert never_applied["ac1"] == pytest.approx(1.0)
    assert never_applied["ci_low"] is None and never_applied["ci_method"] is None
    assert never_applied["reading_note"] == ""  # six units: too few for the no-variation note
    no_units = row(rows, "criterion", "C-C", "value")
    assert no_units["n_units"] == 0
    assert no_units["undefined_reason"] == "no item on which two coders applied it"
    single = row(rows, "criterion", "C-B", "value")
    assert single["n_units"] == 1 and single["reading"] == "undefined"
    assert "no variation" in single["undefined_reason"]


def test_a_dyad_without_submitted_items_gives_undefined_rows_with_the_reason(hand):
    rows = agreement_rows(hand, dyad="ESP-PRT")
    assert {r["reading"] for r in rows} == {"undefined"}
    assert row(rows, "overall", "all", "application")["undefined_reason"] == (
        "fewer than two coders have submitted items"
    )
    assert coder_pair_kappas(hand, dyad="ESP-PRT") == []


def test_stage_agreement_needs_two_coders(hand):
    result = stage_judgment_agreement(hand, dyad="ESP-PRT")
    assert result["alpha_ordinal"] is None
    assert result["reason"] == "fewer than two coders have recorded stage judgments"


def test_readings_follow_krippendorffs_thresholds():
    assert reading(0.800) == "reliable"
    assert reading(0.7999) == "tentative"
    assert reading(0.667) == "tentative"
    assert reading(0.6669) == "not reliable"
    assert reading(-0.2) == "not reliable"
    assert reading(None) == "undefined"


# --- which codings count -------------------------------------------------------------------


def test_every_row_has_the_contract_keys_in_order(hand):
    rows = agreement_rows(hand)
    assert all(tuple(r) == ROW_KEYS for r in rows)
    # 3 criteria, 2 groups, overall; application and value each.
    assert len(rows) == 2 * (3 + 2 + 1)
    assert [r["measure"] for r in rows[:2]] == ["application", "value"]


def test_drafts_never_count(hand):
    before = agreement_rows(hand)
    item = add_item(hand, "DRAFT")
    carl = get_user_model().objects.get(username="carl")
    Assignment.objects.create(evidence=item, coder=carl)  # assigned, not submitted
    Coding.objects.create(
        evidence=item, coder=carl, criterion=Criterion.objects.get(code="C-C"), value=3
    )
    assert agreement_rows(hand) == before


def test_units_are_the_items_every_listed_coder_submitted(hand):
    users = {u.username: u for u in get_user_model().objects.all()}
    code_and_submit(Evidence.objects.get(key="I1"), users["cora"], {"C-A": 2})
    # By default every coder with a submitted item is listed: only I1 is common to all three.
    assert row(agreement_rows(hand), "overall", "all", "application")["n_units"] == 3
    # The pair keeps the hand-computed figures.
    pair = agreement_rows(hand, coders=["carl", "cleo"])
    assert row(pair, "overall", "all", "application")["alpha"] == pytest.approx(0.6875)
    with pytest.raises(ValueError, match="at least two coders"):
        agreement_rows(hand, coders=["carl"])


def test_the_dyad_filter_keeps_only_that_dyads_items(hand):
    users = {u.username: u for u in get_user_model().objects.all()}
    other = add_item(hand, "SPAIN", dyad_code="ESP-PRT")
    code_and_submit(other, users["carl"], {"C-C": 1})
    code_and_submit(other, users["cleo"], {"C-C": 3})
    everything = agreement_rows(hand)
    assert row(everything, "overall", "all", "application")["n_units"] == 21
    only = agreement_rows(hand, dyad=Dyad.objects.get(code="FRA-DEU"))
    assert row(only, "overall", "all", "application")["alpha"] == pytest.approx(0.6875)
    # A dyad is found by its code in either order of its states.
    assert agreement_rows(hand, dyad="DEU-FRA") == only


def test_the_bootstrap_is_reproducible_and_says_its_method(hand):
    first = agreement_rows(hand)
    assert agreement_rows(hand) == first
    figures = row(first, "overall", "all", "application")
    assert "1000 draws" in figures["ci_method"] and "seed 1" in figures["ci_method"]
    assert -1 <= figures["ci_low"] <= figures["ci_high"] <= 1


def test_the_queries_stay_bounded_whatever_the_number_of_items(hand, django_assert_max_num_queries):
    users = {u.username: u for u in get_user_model().objects.all()}
    for n in range(40):
        item = add_item(hand, f"M{n:02}")
        code_and_submit(item, users["carl"], {"C-A": n % 4})
        code_and_submit(item, users["cleo"], {"C-A": (n + 1) % 4, "C-B": 1})
    hand.refresh_from_db()
    with django_assert_max_num_queries(5):
        agreement_rows(hand)
    with django_assert_max_num_queries(5):
        coder_pair_kappas(hand)
    with django_assert_max_num_queries(2):
        stage_judgment_agreement(hand)
    with django_assert_max_num_queries(5):
        leave_one_coder_out(hand)
    with django_assert_max_num_queries(8):
        coders_against_consensus(hand)


def test_the_page_figures_equal_the_public_functions(hand, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        figures = agreement_figures(hand)
    assert figures == {
        "rows": agreement_rows(hand),
        "kappas": coder_pair_kappas(hand),
        "stages": stage_judgment_agreement(hand),
        "left_out": leave_one_coder_out(hand),
        "against_consensus": coders_against_consensus(hand),
    }
