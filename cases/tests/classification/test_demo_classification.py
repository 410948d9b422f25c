"""The Türkiye–Azerbaijan demo, classified from the reviewer's consensus, and what its report says.

The article concludes 1991–2009 nascent, 2010–2019 ascendant, 2020– mature and loosely coupled;
those are also the author's stage assessments recorded on KAR-058, KAR-061 and KAR-064, which no
one codes (CODEBOOK.md §4b). The values below were checked by hand against docs/demo.md and the
fixture. Under rule v1, 2010–2019 is nascent: no item of the period codes collective identity
(AB-T3-ID), and v1 never carries it. Under v2 it carries from 1991–2009 and the period is
ascendant. No code was chosen to reach the article's verdicts: the report has to say where the
rule and the author differ, and which code decides it.
"""

import re

import pytest
from django.contrib.auth import get_user_model

from cases.bundles import import_bundle, parse_bundle
from cases.classification.inputs import classify_project
from cases.classification.rule import RULE_V1
from cases.models import Membership
from cases.reports.build import build_report
from cases.tests.cli import REPO

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
    # 8 await adjudication: KAR-006, KAR-015, KAR-017 (P1); KAR-021, KAR-024, KAR-038 (P2);
    # KAR-029, KAR-051 (P3). KAR-076 to KAR-078 are not submitted yet and count nowhere.
    assert [p["pending_items"] for p in dyad["periods"]] == [3, 3, 2]
    p1, p2, _ = dyad["periods"]
    # Trust 1 (KAR-005, KAR-013, KAR-014); transactions 1 (KAR-044) now that the cumulative
    # 2000–2021 figures sit in P2 where most of their span falls.
    assert p1["blocked_by"] == ["AB-T2-TRANS < 2", "AB-T3-TRUST < 2"]
    # No P2 item codes identity (KAR-061 is a bare stage verdict now, and the reviewer left
    # identity uncoded on KAR-075): v1 reads 0 and never carries it.
    assert p2["blocked_by"] == ["AB-T3-ID < 2"]
    assert p2["values"]["AB-T3-ID"] == 0 and "AB-T3-ID" not in p2["carried"]


def test_under_rule_v2_identity_carries_and_2010_2019_is_ascendant(demo):
    """The demo records rule v2. Identity (AB-T3-ID 2, KAR-054: the opposition's stand of
    2008–2009) is documented in 1991–2009 and not contradicted after, so it carries into
    2010–2019, where trust is 2 (KAR-022, KAR-040, KAR-062) and military planning 2 (KAR-022,
    KAR-075): every condition of v2's ascendant row holds. 1991–2009 stays nascent on
    transactions and trust (both 1)."""
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
    assert p1["blocked_by"] == ["AB-T2-TRANS < 2", "AB-T3-TRUST < 2"]
    assert p2["carried"]["AB-T3-ID"] == "P1" and p2["values"]["AB-T3-ID"] == 2
    assert p2["values"]["AB-T3-TRUST"] == 2 and p2["values"]["AB-LC-MILPLAN"] == 2
    assert "AB-T3-ID" in p2["explanation"] and "from P1" in p2["explanation"]
    assert [p["indeterminate"] for p in dyad["periods"]] == [False, False, False]


def test_the_mature_verdict_hangs_on_single_items_but_not_on_one_dep_claim(demo):
    """Dependable expectations are 2 on two author assessments (KAR-069, KAR-070): neither alone
    decides. The mature verdict hangs on the one item of each of: trust 3 (KAR-053), the third
    loose indicator (KAR-032 multilateralism, KAR-056 discourse) and value compatibility,
    carried from 1991–2009 (KAR-014)."""
    report = build_report(demo, "TUR-AZE", as_member(demo, "olga"))
    p3 = report["robustness"][2]
    assert p3["period"] == "P3" and p3["fragile"] is True
    hangs = {h["key"]: (h["item_period"], h["stage"]) for h in p3["hangs_on"]}
    assert hangs == {
        "KAR-014": ("P1", "ascendant"),
        "KAR-032": ("P3", "ascendant"),
        "KAR-053": ("P3", "ascendant"),
        "KAR-056": ("P3", "ascendant"),
    }
    # KAR-064 is the author's stage assessment: shown, never read by the rule.
    entry = next(e for e in report["evidence"] if e["key"] == "KAR-064")
    assert (entry["assessed_stage"], entry["values"]) == ("mature", {})
    assert {
        e["key"]: e["values"] for e in report["evidence"] if e["key"] in ("KAR-069", "KAR-070")
    } == {
        "KAR-069": {"AB-T3-TRUST": 2, "AB-T4-DEP": 2},
        "KAR-070": {"AB-T4-DEP": 2},
    }


def test_leaving_out_the_authors_assessments_changes_the_2020_verdict_only(demo):
    """Without the 15 author assessments coded on criteria (KAR-016, 041, 044, 059 in P1;
    KAR-023, 062, 063 in P2; KAR-001, 060, 068, 069, 070, 071, 072, 074 in P3), 2020– has no
    dependable expectations left and is ascendant. The three bare stage verdicts code nothing
    and are not counted."""
    report = build_report(demo, "TUR-AZE", as_member(demo, "olga"), rule=RULE_V1)
    without = [r["without_author_assessment"] for r in report["robustness"]]
    assert [(w["stage"], w["coupling"], w["changed"]) for w in without] == [
        ("nascent", None, False),
        ("nascent", None, False),
        ("ascendant", None, True),
    ]
    assert [w["in_period"] for w in without] == [4, 3, 8] and without[2]["left_out"] == 15
    assert (
        "Without the dyad's 15 author-assessment items (8 in this period) it would be ascendant."
        in (report["robustness"][2]["summary"])
    )


def test_the_report_sets_each_authors_assessment_beside_the_rules_verdict(demo, client):
    """Under v2 the rule and the author agree in every period; under v1 the report names the code
    that keeps 2010–2019 from the author's ascendant: identity, 0 where 2 is needed."""
    report = build_report(demo, "TUR-AZE", as_member(demo, "alice"))
    assessed = [
        (a["key"], a["verdict"], a["agrees"])
        for p in report["periods"]
        for a in p["author_assessments"]
    ]
    assert assessed == [
        ("KAR-058", "nascent", True),
        ("KAR-061", "ascendant", True),
        ("KAR-064", "mature", True),
    ]
    v1 = build_report(demo, "TUR-AZE", as_member(demo, "alice"), rule=RULE_V1)
    (kar_061,) = v1["periods"][1]["author_assessments"]
    assert kar_061["deciding"] == ["AB-T3-ID = 0 (needs 2)"]
    assert kar_061["sentence"] == (
        "The rule gives nascent where the author assesses ascendant: "
        "short of ascendant on AB-T3-ID = 0 (needs 2)."
    )
    assert kar_061["citation"] == "(Karayel 2024, 393)"
    # A coder reads the assessments: they are evidence, not anyone's coding.
    client.force_login(get_user_model().objects.get(username="alice"))
    page = client.get("/p/turkiye-azerbaijan/reports/TUR-AZE/").content.decode()
    assert "The author's own assessment of P2: <strong>ascendant</strong>" in page
    assert "The rule agrees." in page


def test_the_report_cites_footnoted_works_via_the_article_and_lists_both(demo):
    report = build_report(demo, "TUR-AZE", as_member(demo, "olga"))
    cited = {e["key"]: e["citation"] for e in report["evidence"]}
    assert cited["KAR-005"] == "(Beşikçi 2016, 242, cited in Karayel 2024, 385–386)"
    assert cited["KAR-054"] == "(Bülent and Akpınar, n.d., cited in Karayel 2024, 392)"
    assert cited["KAR-002"] == "(Karayel 2024, 385)"
    works = {b["key"]: b["text"] for b in report["bibliography"]}
    assert {"karayel2024", "besikci2016", "bulentakpinarnd", "ibrahimova2023"} <= set(works)
    assert works["karayel2024"].endswith("[inferred: journal name, year and page range]")


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
        "Not ascendant because identity (AB-T3-ID) is 0 (needs 2): no item dated 2010–2019 codes "
        "it, and the rule never carries it from an earlier period."
    )
    assert reason in p2["summary"]
    coders = report["stage_judgments"]["periods"][1]
    assert coders["summary"] == (
        "Both coders judged it ascendant; the rule gives nascent: "
        "the holistic reading and the coded evidence differ."
    )
    # The article's own dating of the ascendant stage is in the report as evidence, quoted, and
    # beside the verdict with the code that decides the difference.
    kar_061 = next(e for e in report["evidence"] if e["key"] == "KAR-061")
    assert "believed to have started around 2010" in kar_061["quote"]
    assert report["stage_judgments"]["periods"][1]["author"] == [
        {"key": "KAR-061", "verdict": "ascendant"}
    ]

    client.force_login(get_user_model().objects.get(username="rita"))
    page = client.get("/p/turkiye-azerbaijan/reports/TUR-AZE/").content.decode()
    assert reason in page
    assert "Both coders judged it ascendant; the rule gives nascent" in page
    assert "hangs on single items" in page and 'href="#ev-KAR-053"' in page
    assert "short of ascendant on AB-T3-ID = 0 (needs 2)." in page
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
