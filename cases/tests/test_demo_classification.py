"""The Türkiye–Azerbaijan demo, classified from the reviewer's consensus, and what its report says.

The article concludes 1991–2009 nascent, 2010–2019 ascendant, 2020– mature and loosely coupled.
Coded faithfully, the evidence gives nascent for 2010–2019: no item dated in that period shows
collective identity (AB-T3-ID) at 2 or more, and the rule never carries identity forward. The
rule and the codes are not bent to match; the report has to say so, and to show that the mature
verdict for 2020– hangs on single items, the author's own assessment KAR-064 among them.
"""

import re

import pytest
from django.contrib.auth import get_user_model

from cases.bundles import import_bundle, parse_bundle
from cases.classification import RULE_V1
from cases.classify_project import classify_project
from cases.models import Membership
from cases.reports import build_report

from .cli import REPO

DEMO = REPO / "fixtures" / "turkiye-azerbaijan.json"


@pytest.fixture
def demo(db):
    return import_bundle(parse_bundle(DEMO.read_bytes()))


def as_member(project, username):
    return Membership.objects.get(project=project, user__username=username)


def test_the_demo_consensus_gives_nascent_nascent_then_mature_and_loosely_coupled(demo):
    (dyad,) = classify_project(demo, rule=RULE_V1)["dyads"]
    verdicts = [(p["code"], p["stage"], p["coupling"]) for p in dyad["periods"]]
    assert verdicts == [
        ("P1", "nascent", None),
        ("P2", "nascent", None),
        ("P3", "mature", "loosely"),
    ]
    assert [p["pending_items"] for p in dyad["periods"]] == [4, 2, 2]  # 8 await adjudication
    p2 = dyad["periods"][1]
    assert p2["blocked_by"] == ["AB-T3-ID < 2"]
    assert p2["values"]["AB-T3-ID"] == 1 and "AB-T3-ID" not in p2["carried"]


def test_under_rule_v2_identity_carries_and_2010_2019_is_ascendant(demo):
    """The demo records rule v2. Identity (AB-T3-ID 2) is documented in 1991–2009 and not
    contradicted after, so it carries into 2010–2019, where trust is 2 and military planning 2:
    every condition of v2's ascendant row holds. 1991–2009 stays nascent on trust (1)."""
    report = classify_project(demo)
    assert (report["rule"], report["rule_version"]) == ("sccoder-v2", "v2")
    (dyad,) = report["dyads"]
    verdicts = [(p["code"], p["stage"], p["coupling"]) for p in dyad["periods"]]
    assert verdicts == [
        ("P1", "nascent", None),
        ("P2", "ascendant", None),
        ("P3", "mature", "loosely"),
    ]
    p1, p2, _ = dyad["periods"]
    assert p1["blocked_by"] == ["AB-T3-TRUST < 2"]
    assert p2["carried"]["AB-T3-ID"] == "P1" and p2["values"]["AB-T3-ID"] == 2
    assert p2["values"]["AB-T3-TRUST"] == 2 and p2["values"]["AB-LC-MILPLAN"] == 2
    assert "AB-T3-ID" in p2["explanation"] and "from P1" in p2["explanation"]
    assert [p["indeterminate"] for p in dyad["periods"]] == [False, False, False]


def test_the_mature_verdict_hangs_on_the_authors_assessment_kar_064(demo):
    report = build_report(demo, "TUR-AZE", as_member(demo, "olga"))
    p3 = report["robustness"][2]
    assert p3["period"] == "P3" and p3["fragile"] is True
    hangs = {h["key"]: (h["item_period"], h["stage"]) for h in p3["hangs_on"]}
    assert hangs["KAR-064"] == ("P3", "ascendant")
    entry = next(e for e in report["evidence"] if e["key"] == "KAR-064")
    assert entry["evidence_type"] == "author_assessment"
    assert entry["values"] == {"AB-T4-DEP": 2}
    assert "KAR-064" in p3["summary"] and "it would be ascendant" in p3["summary"]


def test_leaving_out_the_authors_assessments_changes_the_2020_verdict_only(demo):
    report = build_report(demo, "TUR-AZE", as_member(demo, "olga"), rule=RULE_V1)
    without = [r["without_author_assessment"] for r in report["robustness"]]
    assert [(w["stage"], w["coupling"], w["changed"]) for w in without] == [
        ("nascent", None, False),
        ("nascent", None, False),
        ("ascendant", None, True),
    ]
    assert without[2]["left_out"] == 13
    assert (
        "Without the dyad's 13 author-assessment items (4 in this period) it would be ascendant."
        in (report["robustness"][2]["summary"])
    )


def test_under_v1_the_report_says_why_2010_2019_is_not_ascendant_as_the_article_concludes(
    demo, client
):
    # A project may go back to rule v1: its report then reads exactly as it did before v2.
    demo.rule_version = "v1"
    demo.save()
    # The reviewer reads the coders' verdicts beside the rule; observers see neither.
    report = build_report(demo, "TUR-AZE", as_member(demo, "rita"))
    p2 = report["robustness"][1]
    reason = (
        "Not ascendant because identity (AB-T3-ID) is 1 (needs 2): no item dated 2010–2019 shows "
        "it at 2 or more, and the rule never carries it from an earlier period."
    )
    assert reason in p2["summary"]
    coders = report["stage_judgments"]["periods"][1]
    assert coders["summary"] == (
        "Both coders judged it ascendant; the rule gives nascent: "
        "the holistic reading and the coded evidence differ."
    )
    # The article's own dating of the ascendant stage is in the report as evidence, quoted.
    kar_061 = next(e for e in report["evidence"] if e["key"] == "KAR-061")
    assert "believed to have started around 2010" in kar_061["quote"]

    client.force_login(get_user_model().objects.get(username="rita"))
    page = client.get("/p/turkiye-azerbaijan/reports/TUR-AZE/").content.decode()
    assert reason in page
    assert "Both coders judged it ascendant; the rule gives nascent" in page
    assert "hangs on single items" in page and 'href="#ev-KAR-064"' in page
    client.force_login(get_user_model().objects.get(username="olga"))
    page = client.get("/p/turkiye-azerbaijan/reports/TUR-AZE/").content.decode()
    assert reason in page and "Both coders judged it" not in page


def test_the_v2_report_shows_v1s_verdict_beside_the_period_where_they_differ(demo, client):
    report = build_report(demo, "TUR-AZE", as_member(demo, "olga"))
    assert (report["rule"], report["rule_version"]) == ("sccoder-v2", "v2")
    assert [p["stage"] for p in report["periods"]] == ["nascent", "ascendant", "mature"]
    other = report["other_rule"]
    assert other["rule_version"] == "v1"
    assert [(p["period"], p["stage"], p["blocked_by"]) for p in other["periods"]] == [
        ("P2", "nascent", ["AB-T3-ID < 2"])
    ]
    p2 = report["periods"][1]
    assert p2["under_other_rule"]["stage"] == "nascent"
    assert report["periods"][0]["under_other_rule"] is None

    client.force_login(get_user_model().objects.get(username="olga"))
    page = client.get("/p/turkiye-azerbaijan/reports/TUR-AZE/").content.decode()
    assert "Rule v2" in page
    assert "Under rule v1 this period is nascent" in page


def test_the_demo_report_is_built_in_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        build_report(demo, "AZE-TUR", as_member(demo, "rita"))


def test_the_comparison_page_switches_between_the_rules(demo, client):
    client.force_login(get_user_model().objects.get(username="olga"))
    url = "/p/turkiye-azerbaijan/reports/"

    def verdicts(query: str) -> list[str]:
        page = client.get(url + query).content.decode()
        return re.findall(r'class="verdict stage-(\w+)"', page)

    assert verdicts("") == ["nascent", "ascendant", "mature"]  # the project's own: v2
    assert verdicts("?rule=v2") == ["nascent", "ascendant", "mature"]
    assert verdicts("?rule=v1") == ["nascent", "nascent", "mature"]
    assert verdicts("?rule=nonsense") == ["nascent", "ascendant", "mature"]
    page = client.get(url + "?rule=v1").content.decode()
    assert '<strong aria-current="true">v1</strong>' in page and 'href="?rule=v2"' in page


def test_the_periods_export_follows_the_projects_rule(demo):
    import csv
    import io

    from cases.exports import write_period_values_csv

    def stages(project) -> dict:
        out = io.StringIO()
        write_period_values_csv(out, project)
        rows = csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff")))
        return {(r["period"], r["rule"]): r["stage"] for r in rows}

    assert set(stages(demo).items()) == {
        (("P1", "sccoder-v2"), "nascent"),
        (("P2", "sccoder-v2"), "ascendant"),
        (("P3", "sccoder-v2"), "mature"),
    }
    demo.rule_version = "v1"
    demo.save()
    assert stages(demo)[("P2", "sccoder-v1")] == "nascent"


def test_the_agreement_table_keeps_groups_of_the_same_name_apart(demo):
    """Deutsch and Adler & Barnett each have an "Outcome" group: two rows, not one."""
    report = build_report(demo, "TUR-AZE", as_member(demo, "rita"))
    outcome = [(r["framework"], r["key"]) for r in report["agreement"] if r["key"] == "Outcome"]
    assert sorted(outcome) == [("Adler & Barnett", "Outcome"), ("Deutsch", "Outcome")]
