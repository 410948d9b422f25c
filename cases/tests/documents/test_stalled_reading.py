"""A worker that dies while it reads a PDF leaves its document "reading": a reading without any
progress for longer than SCCODER_DOCUMENT_STALL_SECONDS is shown as stopped, its uploader or an
admin reads it again, and a starting worker queues it again by itself (three claims at most).
A reading taken for dead that comes back writes nothing over the new one."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cases.bundles import import_bundle
from cases.documents import reading
from cases.documents.actions import attach_document
from cases.models import Document, DocumentPage, Source
from cases.tests.bundle_factory import small_bundle
from cases.tests.documents.pdfs import matplotlib_pdf
from cases.tests.documents.test_background_reading import client_of, run_worker, url


@pytest.fixture
def queued(settings, transactional_db):
    """The database queue of a deployment, and a stall limit of ten minutes."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.SCCODER_DOCUMENT_STALL_SECONDS = 600
    project = import_bundle(small_bundle())
    run_worker()  # what the import asked for
    return Source.objects.get(project=project, key="doe2020")


PAGES = ["First page: the treaty.", "Second page: it held.", "Third page: until 1993."]


def upload(source: Source, username: str = "carl") -> Document:
    pdf = SimpleUploadedFile("three.pdf", matplotlib_pdf(PAGES), content_type="application/pdf")
    client_of(username).post(url(source, "source_document"), {"file": pdf})
    return Document.objects.get(source=source)


def die_while_reading(document: Document, *, minutes_ago: int, attempts: int = 1) -> None:
    """What a worker killed at page 1 leaves: the document being read, its task taken."""
    since = timezone.now() - timedelta(minutes=minutes_ago)
    DBTaskResult.objects.update(status="RUNNING", started_at=since)
    Document.objects.filter(pk=document.pk).update(
        status="reading",
        pages_read=1,
        read_claimed_at=since,
        read_progress_at=since,
        read_attempts=attempts,
    )


def test_a_stopped_reading_is_shown_and_its_uploader_reads_it_again(queued):
    source = queued
    document = upload(source)
    die_while_reading(document, minutes_ago=11)  # and no worker started since

    carl, cleo = client_of("carl"), client_of("cleo")
    assert carl.get(url(source, "document_reading")).json()["status"] == "stalled"
    page = carl.get(url(source, "source_document")).content.decode()
    assert "The reading of its text stopped at page 1 of 3 and did not go on" in page
    assert url(source, "document_read_again") in page
    assert "js/document-progress.js" not in page  # nothing to poll
    # Another coder sees why, and who can act; asking anyway is refused.
    other = cleo.get(url(source, "source_document")).content.decode()
    assert "Its uploader or an admin can read it again." in other
    assert url(source, "document_read_again") not in other
    assert cleo.post(url(source, "document_read_again")).status_code == 403

    asked = carl.post(url(source, "document_read_again"), follow=True)
    assert "The text of doe2020&#x27;s document will be read again." in asked.content.decode()
    assert Document.objects.get(pk=document.pk).status == "pending"
    assert DBTaskResult.objects.ready().count() == 1
    again = carl.post(url(source, "document_read_again"), follow=True)  # twice: queued once
    assert "The reading of doe2020&#x27;s document had not stopped." in again.content.decode()
    assert DBTaskResult.objects.ready().count() == 1

    run_worker()
    document.refresh_from_db()
    assert (document.status, document.pages_read, document.read_attempts) == ("ready", 3, 2)
    texts = DocumentPage.objects.filter(document=document).values_list("text", flat=True)
    assert [t.strip() for t in texts] == PAGES
    assert carl.get(url(source, "document_reading")).json()["status"] == "ready"


def test_a_reading_with_recent_progress_is_not_stalled(queued):
    source = queued
    document = upload(source)
    die_while_reading(document, minutes_ago=9)  # or still reading a long page
    run_worker()
    document.refresh_from_db()
    assert (document.status, document.is_stalled) == ("reading", False)
    assert client_of("carl").get(url(source, "document_reading")).json()["status"] == "reading"
    assert client_of("carl").post(url(source, "document_read_again")).status_code == 302
    assert DBTaskResult.objects.ready().count() == 0  # nothing queued
    assert Document.objects.get(pk=document.pk).status == "reading"


def test_a_starting_worker_queues_a_stalled_reading_again_three_claims_at_most(queued):
    source = queued
    document = upload(source)

    # Claimed three times already (a file that kills its worker?): left for a person.
    die_while_reading(document, minutes_ago=30, attempts=3)
    run_worker()
    document.refresh_from_db()
    assert (document.status, document.is_stalled) == ("reading", True)
    assert DocumentPage.objects.count() == 0

    # Claimed once: the starting worker queues it and, in its batch, reads it.
    die_while_reading(document, minutes_ago=30, attempts=1)
    run_worker()
    document.refresh_from_db()
    assert (document.status, document.page_count, document.read_attempts) == ("ready", 3, 2)
    assert DocumentPage.objects.filter(document=document).count() == 3

    # A person may still read a document past the automatic claims again (the admin here).
    die_while_reading(document, minutes_ago=30, attempts=3)
    DocumentPage.objects.all().delete()
    assert client_of("ada").post(url(source, "document_read_again")).status_code == 302
    run_worker()
    document.refresh_from_db()
    assert (document.status, document.read_attempts) == ("ready", 4)
    assert DocumentPage.objects.filter(document=document).count() == 3


@pytest.mark.django_db
def test_a_reading_taken_for_dead_that_comes_back_writes_nothing(small_project, monkeypatch):
    """The first reading is slow, not dead: taken for dead at its second page, it is read again
    (at once, by the immediate backend of the tests) and then the first one finishes."""
    source = Source.objects.get(project=small_project, key="doe2020")
    original = reading.extract_pdf
    seen = []

    def slow_then_back(data, max_pages, progress):
        def record(done, total):
            if not seen:
                seen.append("taken for dead")
                stale = timezone.now() - timedelta(hours=1)
                Document.objects.update(read_progress_at=stale)
                monkeypatch.setattr(reading, "extract_pdf", original)
                assert reading.read_again(Document.objects.get())  # read whole, here
                seen.append(Document.objects.values_list("status", "read_attempts").get())
            progress(done, total)

        return original(data, max_pages, record)

    monkeypatch.setattr(reading, "extract_pdf", slow_then_back)
    monkeypatch.setattr(reading, "PROGRESS_SECONDS", 0)
    document = attach_document(
        source=source, data=matplotlib_pdf(PAGES), filename="a.pdf", user=None
    )
    assert seen == ["taken for dead", ("ready", 2)]
    # The first reading's progress and pages missed: the second one's stand, once each.
    assert (document.status, document.pages_read, document.read_attempts) == ("ready", 3, 2)
    assert DocumentPage.objects.filter(document=document).count() == 3


def test_the_api_says_whether_a_reading_stalled(queued):
    source = queued
    document = upload(source)
    api = f"/api/projects/{source.project.slug}/sources/{source.pk}/document/"
    die_while_reading(document, minutes_ago=9)
    seen = client_of("rita").get(api).json()
    assert (seen["status"], seen["pages_read"], seen["stalled"]) == ("reading", 1, False)
    die_while_reading(document, minutes_ago=11)
    seen = client_of("rita").get(api).json()
    assert (seen["status"], seen["stalled"]) == ("reading", True)
    run_worker()  # a starting worker reads it again
    seen = client_of("rita").get(api).json()
    assert (seen["status"], seen["stalled"]) == ("ready", False)
