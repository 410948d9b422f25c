"""Attaching a PDF to a source in a real browser: from the bibliography to the document page,
upload, and find its pages and labels; an observer then sees it without the upload form."""

from pathlib import Path

import pytest
from django.utils import timezone

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


def test_the_document_page_shows_the_reading_and_then_the_document(
    page, small_project, tmp_path, settings
):
    """With the database queue of a deployment: the upload answers with a bar, which moves
    as the worker records pages read, and the page shows the read document once it is."""
    from django.core.management import call_command

    from cases.tests.documents.pdfs import matplotlib_pdf

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    call_command("worker", batch=True, startup_delay=False, verbosity=0)
    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(matplotlib_pdf([f"Page {n} of the book." for n in range(1, 301)]))
    set_passwords(["carl"])
    sign_in(page, "carl", PASSWORD)
    page.click("text=Small project")
    page.click("nav.project >> text=Sources")
    page.click("text=Attach a document")
    page.set_input_files("input[type=file]", str(pdf))
    page.click("button:has-text('Upload')")
    page.wait_for_selector("#document-progress")
    assert "are being read in the background" in page.locator("ul.messages").inner_text()
    state = page.locator("#document-state")
    assert state.inner_text() == "Waiting for a worker to read the text of its 300 pages."
    assert page.locator("text=Read and take passages").count() == 0

    # The worker records its progress as it reads; the page asks and moves the bar.
    Document.objects.update(status="reading", pages_read=120, read_progress_at=timezone.now())
    page.locator("#document-state", has_text="120 of 300 pages").wait_for()
    assert state.inner_text() == "Reading the text: 120 of 300 pages."
    assert page.locator("#document-progress").get_attribute("value") == "40"
    shots = Path("/tmp/shots")
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / "extract-reading.png"), full_page=True)

    # The bar's words follow the page's language.
    page.context.add_cookies([{"name": "sccoder_language", "value": "tr", "url": page.url}])
    page.reload()
    Document.objects.update(pages_read=150, read_progress_at=timezone.now())
    page.locator("#document-state", has_text="150").wait_for()
    assert state.inner_text() == "Metin okunuyor: 300 sayfanın 150 tanesi."
    page.context.add_cookies([{"name": "sccoder_language", "value": "en", "url": page.url}])
    page.reload()

    call_command("worker", batch=True, startup_delay=False, verbosity=0)
    page.wait_for_selector("text=Read and take passages")  # the page reloaded itself
    assert page.locator("#document-progress").count() == 0
    assert "300, numbered 1 to 300" in page.locator(".document-facts").inner_text()
    assert Document.objects.get().pages.count() == 300
    page.screenshot(path=str(shots / "extract-read.png"), full_page=True)


def test_a_scan_is_refused_on_the_document_page(page, small_project, tmp_path):
    from cases.tests.documents.pdfs import scanned_pdf

    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(scanned_pdf())
    set_passwords(["carl"])
    sign_in(page, "carl", PASSWORD)
    page.click("text=Small project")
    page.click("nav.project >> text=Sources")
    page.click("text=Attach a document")
    page.set_input_files("input[type=file]", str(pdf))
    page.click("button:has-text('Upload')")
    alert = page.locator("section.document-card .alert").inner_text()
    assert alert.startswith("Not attached: the PDF has no text layer (a scan?)")
    assert page.locator("text=Read and take passages").count() == 0
    shots = Path("/tmp/shots")
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / "extract-refused.png"), full_page=True)
    page.click("button:has-text('Clear this message')")
    assert page.locator("text=No document attached yet.").count() == 1
    assert Document.objects.count() == 0
