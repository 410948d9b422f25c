"""The evidence form's messages and page warning, the codings table's marks and the demo's
bibliography, in a real browser, each left as a screenshot in test-artifacts/screenshots/."""

import io
import re

import pytest
from django.core.management import call_command

from cases.models import Evidence, Source
from cases.tests.browser import ARTEFACTS, sign_in
from cases.tests.conftest import PASSWORD, set_passwords

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_message_for_an_empty_quote_and_a_warning_for_a_page_outside_the_article(
    page, small_project
):
    article = Source.objects.create(
        project=small_project,
        key="karayel2024",
        csl={"type": "article-journal", "title": "An Article", "page": "383-400"},
    )
    set_passwords(["carl"])
    sign_in(page, "carl", PASSWORD)
    page.goto("/p/small/evidence/new/")
    page.fill("#id_date", "1971-06")
    page.select_option("#id_evidence_type", "discourse")
    page.select_option("#id_source", str(article.pk))
    page.fill("#id_locator", "12")
    page.console_watcher.expected.append("status of 400")
    page.click(".evidence-form button[type=submit]")

    assert page.inner_text("#id_quote_error") == "The verbatim quote cannot be empty."
    assert page.inner_text("#id_locator_warning") == (
        "Warning: Page 12 is outside the pages of karayel2024 (383–400): check for a typo."
    )
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(ARTEFACTS / "evidence_form_quote_and_page_warning.png"), full_page=True
    )

    page.fill("#id_quote", "Both capitals spoke of reconciliation.")
    page.click(".evidence-form button[type=submit]")
    page.wait_for_url(re.compile(r"/p/small/evidence/\d+/$"))
    messages = page.locator("ul.messages").inner_text()
    assert "Added E4." in messages and "E4: Page 12 is outside the pages" in messages
    assert Evidence.objects.get(key="E4").locator == "12"
    page.screenshot(path=str(ARTEFACTS / "evidence_detail_page_warning.png"), full_page=True)


def test_the_codings_table_tells_not_coded_from_no_consensus_yet(page, small_project):
    set_passwords(["rita"])
    sign_in(page, "rita", PASSWORD)
    e3 = Evidence.objects.get(project=small_project, key="E3")
    page.goto(f"/p/small/evidence/{e3.pk}/")
    cell = page.locator("td.consensus.pending .mark")
    assert cell.get_attribute("title") == "no consensus yet"
    assert "? no consensus yet" in page.inner_text(".codings-legend")
    page.screenshot(path=str(ARTEFACTS / "evidence_codings_no_consensus_yet.png"), full_page=True)
    e1 = Evidence.objects.get(project=small_project, key="E1")
    page.goto(f"/p/small/evidence/{e1.pk}/")
    assert page.locator("td.consensus.not_coded .mark").get_attribute("title") == (
        "consensus: not coded"
    )
    page.screenshot(path=str(ARTEFACTS / "evidence_codings_not_coded.png"), full_page=True)


def test_the_demo_bibliography_sorts_turkish_names_by_their_letters(page):
    call_command("setup_demo", stdout=io.StringIO())
    set_passwords(["rita"])
    sign_in(page, "rita", PASSWORD)
    page.goto("/p/turkiye-azerbaijan/reports/TUR-AZE/#bibliography")
    entries = page.locator("ol.bibliography li").all_inner_texts()
    authors = [e.split(",")[0] for e in entries]
    assert authors.index("Şahin") == authors.index("Sancak") - 1
    assert authors[-1] == "Yesevi"
    page.locator("#bibliography").screenshot(path=str(ARTEFACTS / "report_bibliography.png"))
    page.goto("/p/turkiye-azerbaijan/sources/")
    page.screenshot(path=str(ARTEFACTS / "sources_bibliography.png"), full_page=True)
