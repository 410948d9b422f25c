"""The task queue in Redis (django-tasks-rq, what REDIS_URL configures): the writes, uploads and
exports enqueue their tasks in RQ, and ``manage.py worker --batch`` runs them with an RQ worker,
whose effects are those of the database queue's worker: the figures recomputed equal the ones
computed from scratch, the PDF's pages are written, the export holds the bytes the request
would have streamed. Real commits (``transactional_db``) and a Redis database of the test's own
(``cases.tests.redis_db``); skipped, saying why, when Redis does not answer."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from cases.bundles import import_bundle
from cases.lib.figure_recipes import AGREEMENT_DRAWS, AGREEMENT_SEED
from cases.models import Document, DocumentPage, ExportJob, Project, Source
from cases.review.reliability import agreement_figures
from cases.tests.bundle_factory import small_bundle
from cases.tests.documents.pdfs import matplotlib_pdf
from cases.tests.lib.test_fresh_figures import agree_on_e1
from cases.tests.lib.test_shared_cache import settings_with
from cases.tests.redis_db import claimed_redis_database

User = get_user_model()


def rq_settings(settings, url: str) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 600}}


@pytest.fixture
def redis_queue(settings, transactional_db, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with claimed_redis_database() as url:
        rq_settings(settings, url)
        yield url


@pytest.fixture
def project(redis_queue) -> Project:
    found = import_bundle(small_bundle())
    run_worker()  # what the import asked for
    assert queued() == 0
    return found


def run_worker() -> None:
    call_command("worker", batch=True, verbosity=0)


def queued() -> int:
    """How many tasks wait in the RQ queue."""
    import django_rq

    return django_rq.get_queue("default").count


def client_of(username: str, api: bool = False):
    client = APIClient() if api else Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_a_write_is_recomputed_by_the_rq_worker(project):
    rita = client_of("rita")
    agreement = reverse("cases:review_agreement", args=[project.slug])
    before = rita.get(agreement).context["figures"].value

    agree_on_e1(project)
    agree_on_e1(project)  # a second write of the same project asks for no second task
    assert queued() == 1
    stale = rita.get(agreement).context["figures"]
    assert not stale.current and stale.value == before

    run_worker()

    assert queued() == 0
    fresh = rita.get(agreement).context["figures"]
    assert fresh.current
    assert fresh.value == agreement_figures(project, draws=AGREEMENT_DRAWS, seed=AGREEMENT_SEED)
    assert fresh.value != before
    trans = [
        r for r in fresh.value["rows"] if r["key"] == "AB-T2-TRANS" and r["measure"] == "value"
    ]
    assert trans[0]["percent_agreement"] == 1.0


def test_an_uploaded_pdf_is_read_by_the_rq_worker(project):
    source = Source.objects.get(project=project, key="doe2020")
    api = client_of("rita", api=True)
    address = f"/api/projects/small/sources/{source.pk}/document/"
    upload = SimpleUploadedFile("a.pdf", matplotlib_pdf(["One treaty.", "Two treaties."]))
    assert api.put(address, {"file": upload}, format="multipart").status_code == 201
    assert DocumentPage.objects.count() == 0

    run_worker()

    body = api.get(address).json()
    assert (body["pages_read"], body["page_labels"]) == (2, ["1", "2"])
    texts = list(DocumentPage.objects.order_by("index").values_list("text", flat=True))
    assert texts == ["One treaty.", "Two treaties."]


def test_a_pdf_is_queued_only_once_its_upload_commits(project):
    """A worker taking the task before the document row is committed would find no document;
    an upload rolled back leaves no task behind."""
    from cases.documents.actions import attach_document

    source = Source.objects.get(project=project, key="doe2020")
    with pytest.raises(RuntimeError), transaction.atomic():
        attach_document(
            source=source, data=matplotlib_pdf(["Undone."]), filename="b.pdf", user=None
        )
        raise RuntimeError("undone")
    assert queued() == 0 and Document.objects.count() == 0
    with transaction.atomic():
        attach_document(
            source=source, data=matplotlib_pdf(["Only page."]), filename="a.pdf", user=None
        )
        assert queued() == 0
    assert queued() == 1

    run_worker()
    document = Document.objects.get(source=source)
    assert (document.filename, document.pages_read) == ("a.pdf", 1)
    assert list(document.pages.values_list("text", flat=True)) == ["Only page."]


def test_a_large_export_is_written_by_the_rq_worker(project, settings):
    settings.SCCODER_EXPORT_TASK_CODINGS = 2  # the small project's three codings are "large"
    rita = client_of("rita")
    asked = rita.get(reverse("cases:export_file", args=[project.slug, "codings.csv"]))
    assert asked.status_code == 302
    job = ExportJob.objects.get()

    run_worker()

    download = reverse("cases:export_job_download", args=[project.slug, job.pk])
    written = b"".join(rita.get(download).streaming_content)
    settings.SCCODER_EXPORT_TASK_CODINGS = 1000
    streamed = rita.get(reverse("cases:export_file", args=[project.slug, "codings.csv"]))
    assert written == b"".join(streamed.streaming_content)
    assert written.count(b"\n") == 4


@pytest.mark.django_db  # a starting worker first tidies stalled readings and old exports
def test_the_worker_says_so_when_redis_does_not_answer(settings):
    import socket

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    rq_settings(settings, f"redis://127.0.0.1:{port}/0")  # nothing listens there
    with pytest.raises(CommandError, match="Redis does not answer"):
        run_worker()


def test_redis_url_chooses_the_rq_queue_on_the_same_redis(monkeypatch):
    embedded = settings_with(monkeypatch)
    assert embedded.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_rq" not in embedded.INSTALLED_APPS
    assert not hasattr(embedded, "RQ_QUEUES")

    read = settings_with(
        monkeypatch, REDIS_URL="redis://cache.internal:6379/2", SCCODER_TASK_TIMEOUT="900"
    )
    assert read.TASKS == {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    }
    assert read.RQ_QUEUES == {
        "default": {"URL": "redis://cache.internal:6379/2", "DEFAULT_TIMEOUT": 900}
    }
    assert "django_rq" in read.INSTALLED_APPS
