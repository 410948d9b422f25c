"""The second demo: a three-state community (Denmark, Norway, Sweden) coded by two coders,
loaded by setup_demo beside the first demo without changing it; it classifies, reports and
exports."""

import csv
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.bundles import export_bundle, import_bundle, parse_bundle
from cases.classification.inputs import classify_project
from cases.exports.csv_exports import write_period_values_csv
from cases.models import Coding, Evidence, Membership, Project
from cases.reports.build import build_report
from cases.tests.cli import REPO

pytestmark = pytest.mark.django_db

NORDIC = REPO / "fixtures" / "nordic-demo.json"
SHOTS = Path("/tmp/shots")


def codes_of(item: Evidence, coder: str) -> set[tuple[str, int]]:
    return set(item.codings.filter(coder__username=coder).values_list("criterion__code", "value"))


@pytest.fixture
def nordic():
    return import_bundle(parse_bundle(NORDIC.read_bytes()))


def test_the_demo_is_marked_as_demo_data_and_coded_by_two_independent_coders(nordic):
    assert nordic.description.startswith("Demo data.")
    assert all("Demo data" in e.summary for e in Evidence.objects.filter(project=nordic))
    coders = set(
        Coding.objects.filter(evidence__project=nordic).values_list("coder__username", flat=True)
    )
    assert coders == {"alice", "bob"}
    items = Evidence.objects.filter(project=nordic).order_by("key")
    differing = [e.key for e in items if codes_of(e, "alice") != codes_of(e, "bob")]
    assert differing == ["NOR-01", "NOR-02", "NOR-03", "NOR-07"]


def test_the_demo_community_classifies_and_its_pairs_with_sweden_lag_in_the_cold_war(nordic):
    report = classify_project(nordic, members=True)
    (case,) = report["dyads"]
    assert (case["code"], case["states"]) == ("NORDIC", ["DNK", "NOR", "SWE"])
    assert [(p["code"], p["stage"], p["pending_items"]) for p in case["periods"]] == [
        ("P1", "nascent", 0),
        ("P2", "ascendant", 0),
    ]
    members = {
        m["code"]: [(p["stage"], p["lags"]) for p in m["periods"]] for m in case["member_dyads"]
    }
    assert members == {
        "DNK-NOR": [("nascent", False), ("ascendant", False)],
        "DNK-SWE": [("none", True), ("ascendant", False)],
        "NOR-SWE": [("none", True), ("ascendant", False)],
    }


def test_the_demo_reports_and_exports(nordic):
    report = build_report(nordic, "NORDIC")
    assert report["periods"][0]["lagging_dyads"] == ["DNK-SWE", "NOR-SWE"]
    assert len(report["evidence"]) == 9
    out = io.StringIO()
    write_period_values_csv(out, nordic)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {(r["period"], r["stage"], r["states"]) for r in rows} == {
        ("P1", "nascent", "DNK NOR SWE"),
        ("P2", "ascendant", "DNK NOR SWE"),
    }
    again = json.loads(json.dumps(export_bundle(nordic)))
    assert again["communities"][0]["states"] == ["DNK", "NOR", "SWE"]


def test_setup_demo_loads_the_second_demo_without_changing_the_first():
    first = import_bundle(
        parse_bundle((REPO / "fixtures" / "turkiye-azerbaijan.json").read_bytes())
    )
    before = (export_bundle(first), classify_project(first))
    call_command("setup_demo", stdout=StringIO())  # the first is there: only the second loads
    first = Project.objects.get(slug="turkiye-azerbaijan")
    assert (export_bundle(first), classify_project(first)) == before
    assert Project.objects.filter(slug="nordic-demo").count() == 1
    roles = set(
        Membership.objects.filter(project__slug="nordic-demo").values_list("user__username", "role")
    )
    assert {("alice", "coder"), ("bob", "coder"), ("rita", "reviewer")} <= roles
    out = StringIO()
    call_command("setup_demo", stdout=out)
    assert "Loaded" not in out.getvalue()
    assert Project.objects.filter(slug="nordic-demo").count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_demo_community_in_the_browser_report_and_evidence_form(page):
    from cases.tests.browser import sign_in
    from cases.tests.conftest import PASSWORD, set_passwords

    import_bundle(parse_bundle(NORDIC.read_bytes()))
    set_passwords(["alice"])
    sign_in(page, "alice", PASSWORD)
    page.goto("/p/nordic-demo/reports/NORDIC/")
    note = page.locator("#verdicts .lag-note").inner_text()
    assert note.startswith("In P1 DNK-SWE and NOR-SWE lag the community")
    assert page.locator("table.member-dyads td.lags").count() == 2
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "communities-demo-report.png"), full_page=False)
    page.locator("#verdicts").screenshot(path=str(SHOTS / "communities-demo-verdicts.png"))

    page.console_watcher.expected.append("status of 400")  # the refused form, on purpose
    page.goto("/p/nordic-demo/evidence/new/")
    page.fill("#id_key", "NOR-10")
    page.fill("#id_states", "DNK FIN")
    page.fill("#id_date", "2024-03-07")
    page.select_option("#id_evidence_type", "event")
    source = Evidence.objects.get(key="NOR-08").source_id
    page.select_option("#id_source", value=str(source))
    page.fill("#id_quote", "A quote.")
    page.click("form.evidence-form button[type=submit]")
    page.wait_for_load_state()
    assert "FIN is not a member of this case" in page.content()
    page.screenshot(path=str(SHOTS / "communities-evidence-form.png"), full_page=True)
    assert not Evidence.objects.filter(key="NOR-10").exists()
