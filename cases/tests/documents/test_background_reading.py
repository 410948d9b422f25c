"""A PDF's text is read by the worker, not by the request that uploads it: with the database
queue of a deployment, the upload answers while the document has no pages yet, its page shows
the reading's progress, and one pass of the real worker writes every page."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from cases.bundles import import_bundle
from cases.models import Document, DocumentPage, Source
from cases.tests.bundle_factory import small_bundle
from cases.tests.documents.conftest import stored_files
from cases.tests.documents.pdfs import matplotlib_pdf

BOOK_PAGES = 300


def book() -> bytes:
    return matplotlib_pdf([f"Page {n} of the book: the treaty held." for n in range(1, 301)])


@pytest.fixture
def queued(settings, transactional_db):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    project = import_bundle(small_bundle())
    run_worker()  # what the import asked for
    return Source.objects.get(project=project, key="doe2020")


def run_worker() -> None:
    call_command("worker", batch=True, startup_delay=False, verbosity=0)


def client_of(username: str, api: bool = False):
    client = APIClient() if api else Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def url(source: Source, name: str) -> str:
    return reverse(f"cases:{name}", args=[source.project.slug, source.pk])


def test_a_300_page_pdf_is_read_by_the_worker_after_the_upload_answered(queued, media_root):
    source = queued
    carl = client_of("carl")
    upload = SimpleUploadedFile("book.pdf", book(), content_type="application/pdf")
    response = carl.post(url(source, "source_document"), {"file": upload})
    assert response.status_code == 302

    # The upload has answered; the file is stored, its text not read yet.
    document = Document.objects.get(source=source)
    assert (document.status, document.page_count, document.pages_read) == ("pending", 300, 0)
    assert DocumentPage.objects.count() == 0
    assert stored_files(media_root) == [document.storage_name]
    assert DBTaskResult.objects.ready().count() == 1
    page = carl.get(response["Location"], follow=True).content.decode()
    assert "book.pdf to doe2020: its 300 pages are being read in the background." in page
    assert '<progress id="document-progress" max="100" value="0"' in page
    assert "Waiting for a worker to read the text of its 300 pages." in page
    assert "js/document-progress.js" in page
    assert url(source, "document_reader") not in page  # no reader without text
    status = carl.get(url(source, "document_reading")).json()
    assert status == {
        "status": "pending",
        "pages_read": 0,
        "page_count": 300,
        "percent": 0,
        "refusal": "",
    }
    assert (
        client_of("otto", api=True)
        .get(f"/api/projects/small/sources/{source.pk}/document/")
        .json()["status"]
        == "pending"
    )
    # Nothing to take passages from yet: the reader says so and sends back to the page.
    reader = carl.get(url(source, "document_reader"), follow=True).content.decode()
    assert "The text of doe2020&#x27;s document is not read yet" in reader

    run_worker()

    document.refresh_from_db()
    assert (document.status, document.pages_read, document.percent_read) == ("ready", 300, 100)
    pages = list(DocumentPage.objects.filter(document=document).values_list("label", "text"))
    assert len(pages) == BOOK_PAGES
    assert pages[0] == ("1", "Page 1 of the book: the treaty held.")
    assert pages[299] == ("300", "Page 300 of the book: the treaty held.")
    assert carl.get(url(source, "document_reading")).json()["status"] == "ready"
    page = carl.get(url(source, "source_document")).content.decode()
    assert "<progress" not in page and url(source, "document_reader") in page
    assert carl.get(url(source, "document_reader")).status_code == 200


def test_the_api_upload_answers_with_the_status_and_the_worker_reads_it(queued):
    source = queued
    api = client_of("rita", api=True)
    upload = SimpleUploadedFile("a.pdf", matplotlib_pdf(["One.", "Two."]))
    answer = api.put(
        f"/api/projects/small/sources/{source.pk}/document/", {"file": upload}, format="multipart"
    )
    assert answer.status_code == 201
    body = answer.json()
    assert (body["status"], body["pages_read"], body["page_count"], body["page_labels"]) == (
        "pending",
        0,
        2,
        [],
    )
    run_worker()
    body = api.get(f"/api/projects/small/sources/{source.pk}/document/").json()
    assert (body["status"], body["pages_read"], body["page_labels"]) == ("ready", 2, ["1", "2"])


def test_a_document_removed_before_the_worker_reads_it_leaves_nothing(queued, media_root):
    source = queued
    carl = client_of("carl")
    upload = SimpleUploadedFile("a.pdf", matplotlib_pdf(["One."]))
    carl.post(url(source, "source_document"), {"file": upload})
    carl.post(url(source, "document_remove"))
    run_worker()
    assert Document.objects.count() == 0 and DocumentPage.objects.count() == 0
    assert stored_files(media_root) == []


def test_the_task_records_the_pages_read_as_it_reads(small_project, monkeypatch):
    """The bar's figures: while the task reads, the document says how many pages are read."""
    from cases.documents import reading
    from cases.documents.actions import attach_document

    seen = []
    original = reading.extract_pdf

    def watched(data, max_pages, progress):
        def record(done, total):
            progress(done, total)
            seen.append(Document.objects.values_list("status", "pages_read").get())

        return original(data, max_pages, record)

    monkeypatch.setattr(reading, "extract_pdf", watched)
    monkeypatch.setattr(reading, "PROGRESS_SECONDS", 0)
    source = Source.objects.get(project=small_project, key="doe2020")
    pdf = matplotlib_pdf([f"Page {n}." for n in range(1, 6)])
    document = attach_document(source=source, data=pdf, filename="a.pdf", user=None)
    # Each page but the last is recorded as it is read; the last with the pages themselves.
    assert seen == [("reading", 1), ("reading", 2), ("reading", 3), ("reading", 4), ("reading", 4)]
    assert (document.status, document.pages_read, document.pages.count()) == ("ready", 5, 5)
