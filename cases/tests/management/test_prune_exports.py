"""Files of finished background exports are deleted with their records once older than the
retention (SCCODER_EXPORT_RETENTION_DAYS, 7 days by default): by `manage.py prune_exports`, by
a starting worker, and before each export the worker writes. Queued and running exports, and
recent ones, keep their files. Real files, in a media folder of the test's own."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from cases.bundles import import_bundle
from cases.exports.background import start_export, write_export
from cases.models import ExportJob
from cases.tests.bundle_factory import small_bundle


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def project(db):
    return import_bundle(small_bundle())


def files(media_root) -> list[str]:
    if not media_root.exists():
        return []
    return sorted(p.name for p in media_root.rglob("*") if p.is_file())


def job(project, name: str, status: str, *, days_ago: float | None, file: bool = True):
    """An export that finished ``days_ago`` (None: not finished) with a file of ``name``."""
    export = ExportJob.objects.create(
        project=project,
        requested_by=get_user_model().objects.get(username="rita"),
        kind="codings.csv",
        status=status,
    )
    if file:
        export.file.save(f"{name}.csv", ContentFile(b"evidence_key,criterion\n"), save=False)
    if days_ago is not None:
        export.finished_at = timezone.now() - timedelta(days=days_ago)
    export.save()
    return export


def prune(*args) -> str:
    out = StringIO()
    call_command("prune_exports", *args, stdout=out)
    return out.getvalue()


def test_the_retention_is_seven_days_by_default(settings):
    assert settings.SCCODER_EXPORT_RETENTION_DAYS == 7


def test_finished_exports_older_than_the_retention_are_deleted_with_their_files(
    project, media_root
):
    job(project, "old-done", "done", days_ago=8)
    job(project, "old-failed", "failed", days_ago=30, file=False)
    recent = job(project, "recent", "done", days_ago=6)
    running = job(project, "running", "running", days_ago=None, file=False)
    queued = job(project, "queued", "queued", days_ago=None, file=False)
    ExportJob.objects.filter(pk__in=[running.pk, queued.pk]).update(
        created_at=timezone.now() - timedelta(days=60)  # stuck, but not finished: kept
    )
    assert files(media_root) == ["old-done.csv", "recent.csv"]

    assert prune() == "deleted 2 finished exports\n"
    assert files(media_root) == ["recent.csv"]
    assert set(ExportJob.objects.values_list("pk", flat=True)) == {
        recent.pk,
        running.pk,
        queued.pk,
    }
    assert prune() == "deleted 0 finished exports\n"

    # --days overrides the setting: 0 keeps no finished export.
    assert prune("--days", "0") == "deleted 1 finished export\n"
    assert files(media_root) == []
    assert ExportJob.objects.count() == 2


def test_the_retention_comes_from_the_setting(project, media_root, settings):
    job(project, "eight-days", "done", days_ago=8)
    settings.SCCODER_EXPORT_RETENTION_DAYS = 10
    assert prune() == "deleted 0 finished exports\n"
    settings.SCCODER_EXPORT_RETENTION_DAYS = 5
    assert prune() == "deleted 1 finished export\n"
    assert files(media_root) == []


def test_a_negative_retention_is_refused(project):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--days must be 0 or more"):
        prune("--days", "-1")


def test_the_worker_prunes_when_it_starts_and_before_each_export(
    settings, transactional_db, media_root
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    project = import_bundle(small_bundle())
    job(project, "before-start", "done", days_ago=9)
    call_command("worker", batch=True, startup_delay=False, verbosity=0)
    assert files(media_root) == [] and ExportJob.objects.count() == 0

    # A running worker: the export task itself deletes what expired before writing its file.
    job(project, "old", "failed", days_ago=9)
    asked = start_export(project, get_user_model().objects.get(username="rita"), "codings.csv")
    assert write_export.call(str(asked.pk)) == "done"
    assert list(ExportJob.objects.values_list("pk", "status")) == [(asked.pk, "done")]
    assert files(media_root) == [f"{project.slug}-codings.csv"]
