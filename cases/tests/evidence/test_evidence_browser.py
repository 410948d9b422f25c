"""Adding evidence in a real browser: a refused date is explained beside the date field, and the
corrected item then appears in the list, which filters as you type."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Evidence
from cases.tests.browser import ARTEFACTS, sign_in
from cases.tests.conftest import PASSWORD, set_passwords

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coder_fixes_a_date_outside_every_period_and_finds_the_item_in_the_list(
    page, small_project
):
    set_passwords(["carl"])
    sign_in(page, "carl", PASSWORD)
    page.goto("/p/small/evidence/")
    page.click("text=Add evidence")
    assert page.input_value("#id_key") == "E4"  # suggested

    page.fill("#id_date", "1900")
    page.select_option("#id_evidence_type", "discourse")
    page.select_option("#id_source", str(small_project.sources.get(key="doe2020").pk))
    page.fill("#id_locator", "101")
    page.fill("#id_quote", "Both capitals spoke of reconciliation.")
    page.fill("#id_summary", "Joint declaration.")
    # The refused form comes back as 400 Bad Request, which chromium logs to the console.
    page.console_watcher.expected.append("status of 400")
    page.click(".evidence-form button[type=submit]")

    error = page.locator("#id_date_error")
    assert "1900 falls outside every period of this dyad" in error.inner_text()
    # Beside the date field: in the same field block as the date input.
    assert page.locator(".field.has-error #id_date").count() == 1
    assert page.get_attribute("#id_date", "aria-invalid") == "true"
    assert page.input_value("#id_quote") == "Both capitals spoke of reconciliation."
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "evidence_form_date_error.png"), full_page=True)
    assert not Evidence.objects.filter(key="E4").exists()

    page.fill("#id_date", "1971-06")
    page.click(".evidence-form button[type=submit]")
    page.wait_for_url(re.compile(r"/p/small/evidence/\d+/$"))
    assert "Added E4." in page.locator("ul.messages").inner_text()
    assert "(Doe 2020, 101)" in page.locator("figcaption.citation").inner_text()
    page.screenshot(path=str(ARTEFACTS / "evidence_detail_after_add.png"), full_page=True)

    page.click("nav.project >> text=Evidence")
    keys = page.locator("td.key").all_inner_texts()
    assert keys == ["E1", "E2", "E4", "E3"]  # by date: 1951, 1963, 1971, 1990

    # "/" jumps to the search box; typing filters the table in place (htmx).
    page.locator("body").press("/")
    assert page.evaluate("document.activeElement.id") == "id_q"
    page.keyboard.type("reconciliation")
    expect(page.locator("#evidence-results td.key")).to_have_count(1)
    assert page.locator("td.key").all_inner_texts() == ["E4"]
    assert "q=reconciliation" in page.url


def test_a_reviewer_pages_through_the_list_and_reads_an_items_codings(page, small_project):
    for n in range(30):
        Evidence.objects.create(
            project=small_project,
            key=f"M{n:02d}",
            dyad=small_project.dyads.get(),
            period=small_project.dyads.get().periods.get(code="P2"),
            date=f"{1964 + n}",
            source=small_project.sources.get(),
            locator=str(100 + n),
            evidence_type=["event", "policy", "statistic", "discourse", "context"][n % 5],
            quote=f"A longer verbatim passage number {n} about the two governments, their "
            "ministers and the treaties they signed, as quoted on the page.",
        )
    set_passwords(["rita"])
    sign_in(page, "rita", PASSWORD)
    page.goto("/p/small/evidence/")
    assert "Page 1 of 2" in page.locator("nav.pager").inner_text()
    page.screenshot(path=str(ARTEFACTS / "evidence_list_reviewer.png"), full_page=True)
    page.click("nav.pager >> text=Next ›")
    expect(page.locator("nav.pager .current")).to_contain_text("2")
    page.wait_for_url(re.compile(r"page=2"))
    # E3 (1990/1999) sorts by its start year, before M26 (1990) by key.
    assert page.locator("td.key").all_inner_texts() == [
        "M23",
        "M24",
        "M25",
        "E3",
        "M26",
        "M27",
        "M28",
        "M29",
    ]

    page.goto("/p/small/evidence/")
    page.click("td.key >> text=E1")
    table = page.locator("table.codings-table")
    assert "carl" in table.inner_text() and "cleo" in table.inner_text()
