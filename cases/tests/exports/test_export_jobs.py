"""Exports of a large project run as background tasks: the request records the export and
redirects to its progress page; the database queue's worker writes the file to the storage;
the status the page polls moves to done; only the member who asked downloads it, and it holds
the same bytes the request would have streamed."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cases.bundles import import_bundle
from cases.models import ExportJob
from cases.tests.bundle_factory import small_bundle

User = get_user_model()


@pytest.fixture
def large(settings, transactional_db, tmp_path):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    project = import_bundle(small_bundle())
    call_command("worker", batch=True, startup_delay=False, verbosity=0)
    # The small project's three codings make it "large".
    settings.SCCODER_EXPORT_TASK_CODINGS = 2
    return project


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_large_export_is_written_by_the_worker_and_downloaded_by_its_requester(large, settings):
    project = large
    rita = client_of("rita")
    asked = rita.get(reverse("cases:export_file", args=[project.slug, "codings.csv"]))
    assert asked.status_code == 302
    job = ExportJob.objects.get()
    assert asked["Location"] == reverse("cases:export_job", args=[project.slug, job.pk])
    assert job.requested_by.username == "rita" and job.status == "queued"
    assert DBTaskResult.objects.ready().count() == 1

    # Asking again watches the same export.
    again = rita.get(reverse("cases:export_file", args=[project.slug, "codings.csv"]))
    assert again["Location"] == asked["Location"]
    assert ExportJob.objects.count() == 1

    page = rita.get(asked["Location"])
    assert page.status_code == 200
    assert b"<progress" in page.content and b"Waiting for a worker" in page.content
    status_url = reverse("cases:export_job_status", args=[project.slug, job.pk])
    assert rita.get(status_url).json()["status"] == "queued"
    download_url = reverse("cases:export_job_download", args=[project.slug, job.pk])
    assert rita.get(download_url).status_code == 404

    call_command("worker", batch=True, startup_delay=False, verbosity=0)

    status = rita.get(status_url).json()
    assert status == {"status": "done", "percent": 100, "done": 3, "total": 3, "error": ""}
    written = body(rita.get(download_url))
    # The same bytes as the export answered in the request.
    settings.SCCODER_EXPORT_TASK_CODINGS = 1000
    streamed = body(rita.get(reverse("cases:export_file", args=[project.slug, "codings.csv"])))
    assert written == streamed
    assert written.count(b"\n") == 4

    # Another member, whatever the role, cannot see it exists.
    for other in ("ada", "carl", "otto"):
        assert client_of(other).get(download_url).status_code == 404
        assert client_of(other).get(status_url).status_code == 404


def test_a_coders_large_export_holds_only_their_own_codings(large):
    project = large
    carl = client_of("carl")
    asked = carl.get(reverse("cases:export_file", args=[project.slug, "codings.csv"]))
    assert asked.status_code == 302
    call_command("worker", batch=True, startup_delay=False, verbosity=0)
    job = ExportJob.objects.get()
    assert job.status == "done"
    written = body(carl.get(reverse("cases:export_job_download", args=[project.slug, job.pk])))
    lines = written.decode().splitlines()
    assert len(lines) > 1
    assert all("cleo" not in line for line in lines)
    assert any("carl" in line for line in lines[1:])


def test_small_files_stay_in_the_request(large):
    project = large
    answer = client_of("rita").get(
        reverse("cases:export_file", args=[project.slug, "codebook.csv"])
    )
    assert answer.status_code == 200
    assert ExportJob.objects.count() == 0


def test_the_progress_page_and_the_exports_speak_the_readers_language(large):
    """Under Turkish the progress page's state, and the sentences its script writes as the
    export moves on (data attributes), are Turkish; so are the exports page's kinds."""
    project = large
    rita = client_of("rita")
    rita.cookies["sccoder_language"] = "tr"
    asked = rita.get(reverse("cases:export_file", args=[project.slug, "codings.csv"]))
    page = rita.get(asked["Location"]).content.decode()
    assert "Bir arka plan işleyicisinin onu başlatması bekleniyor." in page
    assert 'data-label-done="Yazıldı: {done} satır."' in page
    assert 'data-label-running-of="Yazılıyor… {total} satırın {done} satırı."' in page
    assert "Waiting for a worker" not in page
    call_command("worker", batch=True, startup_delay=False, verbosity=0)
    done = rita.get(asked["Location"]).content.decode()
    assert "Yazıldı: 3 satır." in done
    assert "codings.csv indir" in done

    exports = rita.get(reverse("cases:exports", args=[project.slug])).content.decode()
    assert "Belgeleriyle proje paketi" in exports
    assert "Web Annotation olarak pasajlar" in exports
    assert "Project bundle with documents" not in exports
