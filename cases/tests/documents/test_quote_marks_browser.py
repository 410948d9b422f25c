"""The quote marks in a real browser: a reviewer opens the evidence list and the dyad report of
a project whose source document no longer holds one quote, and finds the mark beside it; the
exports page offers the bundle with documents and the Web Annotations."""

import pytest

from cases.documents.actions import attach_document
from cases.models import Evidence, Source
from cases.tests.browser import ARTEFACTS, sign_in
from cases.tests.conftest import PASSWORD, set_passwords
from cases.tests.documents.test_quote_marks import E3_PROBLEM, book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_sees_the_tampered_quote_marked(page, small_project):
    attach_document(
        source=Source.objects.get(key="doe2020"), data=book(), filename="doe.pdf", user=None
    )
    item = Evidence.objects.get(key="E3")
    item.quote = "Most distrust the neighbour."
    item.save()
    set_passwords(["rita"])
    sign_in(page, "rita", PASSWORD)
    page.click("text=Small project")
    page.click("nav.project >> text=Evidence")
    mark = page.locator("tr:has-text('E3') .quote-mismatch")
    assert mark.inner_text().strip() == f"⚠ Not in the source's document: {E3_PROBLEM}."
    assert page.locator(".quote-mismatch").count() == 1
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "quote-mark-evidence-list.png"), full_page=True)
    page.goto(page.url.split("/p/")[0] + "/p/small/reports/FRA-DEU/")
    note = page.locator("#ev-E3 .quote-mismatch")
    assert E3_PROBLEM in note.inner_text()
    note.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTEFACTS / "quote-mark-report.png"))
    page.click("nav.project >> text=Exports")
    assert page.locator("a[href$='/exports/bundle.zip/']").count() > 0
    assert page.locator("a[href$='/exports/annotations.jsonld/']").count() > 0
    assert "Project bundle with documents" in page.content()
    page.screenshot(path=str(ARTEFACTS / "exports-documents.png"), full_page=True)
