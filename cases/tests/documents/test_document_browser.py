"""Attaching a PDF to a source in a real browser: from the bibliography to the document page,
upload, and find its pages and labels; an observer then sees it without the upload form."""

from pathlib import Path

import pytest

from cases.models import Document
from cases.tests.browser import ARTEFACTS, sign_in
from cases.tests.conftest import PASSWORD, set_passwords
from cases.tests.documents.pdfs import hand_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _artefact(name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS / name


def test_a_coder_attaches_a_pdf_to_a_source(page, small_project, tmp_path):
    pdf = tmp_path / "doe-2020.pdf"
    pdf.write_bytes(
        hand_pdf(
            [["Trust grew after the treaty."], ["Both sides said so."]],
            labels="/Nums [0 << /S /D /St 45 >>]",
        )
    )
    set_passwords(["carl"])
    sign_in(page, "carl", PASSWORD)
    page.click("text=Small project")
    page.click("nav.project >> text=Sources")
    page.click("text=Attach a document")
    page.set_input_files("input[type=file]", str(pdf))
    page.click("button:has-text('Upload')")
    page.wait_for_selector("section.document-card")
    assert "text read from 2 pages" in page.locator("ul.messages").inner_text()
    facts = page.locator(".document-facts").inner_text()
    assert "2, numbered as the PDF labels them" in facts
    assert list(Document.objects.get().pages.values_list("label", flat=True)) == ["45", "46"]
    page.screenshot(path=str(_artefact("source_document.png")), full_page=True)
