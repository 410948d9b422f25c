"""A three-state community is classified as a whole and, on request, pair by pair from the
items naming both states; the dyads' output stays exactly what it was."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from cases.classification.community import lagging_dyads, lags, stage_rank
from cases.classification.inputs import classify_dyads, classify_member_dyads, find_dyads
from cases.classification.rule import RULE_V1, PeriodResult
from cases.tests.classification.test_classify_command import classify_json, periods_of
from cases.tests.communities.community_factory import rule_project_with_nordic

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return rule_project_with_nordic()


def test_the_community_is_classified_from_all_its_evidence(project):
    (nordic,) = classify_dyads(project, find_dyads(project, "NORDIC"))
    assert [(r.code, r.stage) for r in nordic.results] == [("P1", "nascent"), ("P2", "ascendant")]
    # N3 and N4 count for the community too: trust is the highest of its items, 2.
    assert nordic.results[1].values["AB-T3-TRUST"] == 2


def test_each_member_dyad_reads_only_the_items_naming_both_its_states(project):
    nordic = find_dyads(project, "NORDIC")[0]
    members = {m.code: m for m in classify_member_dyads(project, nordic)}
    assert list(members) == ["DNK-NOR", "DNK-SWE", "NOR-SWE"]
    stages = {code: [r.stage for r in m.results] for code, m in members.items()}
    assert stages == {
        "DNK-NOR": ["nascent", "ascendant"],
        "DNK-SWE": ["nascent", "nascent"],
        "NOR-SWE": ["nascent", "nascent"],
    }
    assert members["NOR-SWE"].results[1].values["AB-T2-LEARN"] == 2  # N3
    assert members["DNK-SWE"].results[1].values.get("AB-T2-LEARN", 0) == 0
    assert members["NOR-SWE"].results[1].blocked_by == ["AB-T3-ID < 2"]
    # N4 names Sweden alone: no pair reads it, so no pair's trust is its 1.
    assert [len(p.items) for p in members["DNK-SWE"].inputs] == [1, 0]


def test_a_dyad_has_no_member_dyads_beside_itself(project):
    dyad = find_dyads(project, "FRA-DEU")[0]
    assert classify_member_dyads(project, dyad) == []


def test_a_community_is_found_by_its_members_in_any_order(project):
    assert find_dyads(project, "swe-dnk-nor")[0].code == "NORDIC"


def test_the_classify_json_of_dyads_is_unchanged_and_a_community_lists_its_states(project):
    plain = classify_json("rule")
    with_members = classify_json("rule", "--members")
    dyads = [d for d in plain["dyads"] if d["code"] != "NORDIC"]
    assert dyads == [d for d in with_members["dyads"] if d["code"] != "NORDIC"]
    assert all(set(d) == {"code", "name", "periods"} for d in dyads)
    (nordic,) = [d for d in plain["dyads"] if d["code"] == "NORDIC"]
    assert nordic["states"] == ["DNK", "NOR", "SWE"]
    assert "member_dyads" not in nordic


def test_classify_members_says_which_member_dyads_lag(project):
    report = classify_json("rule", "--dyad", "NORDIC", "--members")
    (nordic,) = report["dyads"]
    assert periods_of(report, "NORDIC")["P2"]["stage"] == "ascendant"
    lagging = {
        m["code"]: [(p["code"], p["stage"], p["lags"]) for p in m["periods"]]
        for m in nordic["member_dyads"]
    }
    assert lagging == {
        "DNK-NOR": [("P1", "nascent", False), ("P2", "ascendant", False)],
        "DNK-SWE": [("P1", "nascent", False), ("P2", "nascent", True)],
        "NOR-SWE": [("P1", "nascent", False), ("P2", "nascent", True)],
    }
    assert [m["states"] for m in nordic["member_dyads"]][1] == ["DNK", "SWE"]


def test_the_table_marks_the_lagging_member_dyads(project):
    out = StringIO()
    call_command("classify", "rule", "--dyad", "NORDIC", "--members", stdout=out)
    text = out.getvalue()
    assert re.search(r"^  DNK-SWE\s+P2\s+1970–\s+nascent \(lags\)", text, re.M)
    assert re.search(r"^  DNK-NOR\s+P2\s+1970–\s+ascendant ", text, re.M)
    assert "DNK-SWE P2 lags NORDIC:" in text


def result(code: str, stage: str) -> PeriodResult:
    return PeriodResult(code, 1970, None, stage, None, {}, 0, 0, [], 0, {}, [], [], "sccoder-v1")


def test_a_member_lags_only_at_an_earlier_stage():
    assert [stage_rank(s, RULE_V1) for s in RULE_V1.stage_names] == [0, 1, 2, 3]
    assert lags(result("P1", "nascent"), result("P1", "ascendant"))
    assert not lags(result("P1", "mature"), result("P1", "ascendant"))
    assert not lags(result("P1", "ascendant"), result("P1", "ascendant"))
    community = [result("P1", "nascent"), result("P2", "mature")]
    members = {
        "A-B": [result("P1", "nascent"), result("P2", "ascendant")],
        "A-C": [result("P1", "none"), result("P2", "mature")],
    }
    assert lagging_dyads(community, members) == {"P1": ["A-C"], "P2": ["A-B"]}
