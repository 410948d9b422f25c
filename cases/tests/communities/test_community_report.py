"""A community's report: its verdict per period with the member dyads' verdicts beside it, and
which of them lag; a dyad's report has none of it."""

from pathlib import Path

import pytest

from cases.reports.build import build_report
from cases.tests.browser import sign_in
from cases.tests.coding.test_coding_browser import page_artefact
from cases.tests.communities.community_factory import rule_project_with_nordic
from cases.tests.conftest import PASSWORD, set_passwords

SHOTS = Path("/tmp/shots")


@pytest.mark.django_db
def test_the_community_report_sets_the_member_dyads_beside_its_verdicts():
    project = rule_project_with_nordic()
    report = build_report(project, "NORDIC")
    assert report["dyad"]["states"] == ["DNK", "NOR", "SWE"]
    assert [(p["code"], p["stage"], p["lagging_dyads"]) for p in report["periods"]] == [
        ("P1", "nascent", []),
        ("P2", "ascendant", ["DNK-SWE", "NOR-SWE"]),
    ]
    beside = {
        m["code"]: [(p["stage"], p["lags"]) for p in m["periods"]] for m in report["member_dyads"]
    }
    assert beside == {
        "DNK-NOR": [("nascent", False), ("ascendant", False)],
        "DNK-SWE": [("nascent", False), ("nascent", True)],
        "NOR-SWE": [("nascent", False), ("nascent", True)],
    }
    dyad = build_report(project, "FRA-DEU")
    assert "member_dyads" not in dyad and "states" not in dyad["dyad"]
    assert all("lagging_dyads" not in p for p in dyad["periods"])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reader_sees_which_member_dyads_lag_the_community(page):
    rule_project_with_nordic()
    set_passwords(["otto"])
    sign_in(page, "otto", PASSWORD)
    page.goto("/p/rule/reports/NORDIC/")
    assert "community report" in page.locator(".kicker").inner_text().lower()
    assert "A community of 3 states: DNK, NOR, SWE." in page.content()
    note = page.locator("#verdicts .lag-note").inner_text()
    assert note.startswith("In P2 DNK-SWE and NOR-SWE lag the community")
    assert "earlier stage than its ascendant" in note
    rows = page.locator("table.member-dyads tbody tr").all_inner_texts()
    assert [r.split("\t")[0].strip() for r in rows] == [
        "NORDIC (community)",
        "DNK-NOR",
        "DNK-SWE",
        "NOR-SWE",
    ]
    assert page.locator("#member-DNK-SWE td.lags").count() == 1
    assert page.locator("#member-DNK-NOR td.lags").count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#verdicts").screenshot(path=str(SHOTS / "communities-report.png"))
    page.screenshot(path=str(page_artefact("community_report")), full_page=True)
    page.goto("/p/rule/reports/FRA-DEU/")
    assert page.locator("table.member-dyads").count() == 0
    assert "dyad report" in page.locator(".kicker").inner_text().lower()
