"""Exports too large to write within a request: a background task writes them to the file
storage (``STORAGES["default"]``) while the member who asked watches a progress page.

A project is "large" when it holds more codings than ``settings.SCCODER_EXPORT_TASK_CODINGS``:
the codings are what makes the long CSV, the workbook, the QDPX project and the replication
package long to write. Smaller exports, and the small files (codebook, consensus, bundle), are
still answered in the request.

The file is written with what the member who asked may export (their role and assignments at
the time the task runs) and only that member downloads it (``ExportJob.requested_by``).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from cases.exports.bundle_export import write_bundle_zip_for
from cases.exports.csv_exports import codings_csv_chunks
from cases.exports.pruning import prune_exports
from cases.exports.refiqda import write_qdpx
from cases.exports.replication import write_replication_package
from cases.exports.scope import Codings, ExportRefused, export_scope
from cases.exports.xlsx_export import write_xlsx
from cases.models import Coding, ExportJob, Membership, Project

logger = logging.getLogger(__name__)

# Zip files, written to a temporary file and stored or streamed from there.
FILE_WRITERS: dict[str, Callable] = {
    "workbook.xlsx": lambda out, project, viewer, raw: write_xlsx(out, project, viewer=viewer),
    "project.qdpx": lambda out, project, viewer, raw: write_qdpx(out, project, viewer=viewer),
    "bundle.zip": lambda out, project, viewer, raw: write_bundle_zip_for(
        out, project, viewer=viewer
    ),
    "replication.zip": lambda out, project, viewer, raw: write_replication_package(
        out, project, viewer=viewer, raw=raw
    ),
}
BACKGROUND_KINDS = {"codings.csv", *FILE_WRITERS}

# How often a running export records its progress, in rows.
PROGRESS_EVERY = 20_000


def runs_in_background(project: Project, kind: str) -> bool:
    if kind not in BACKGROUND_KINDS:
        return False
    limit = settings.SCCODER_EXPORT_TASK_CODINGS
    return Coding.objects.filter(evidence__project=project)[: limit + 1].count() > limit


def start_export(project: Project, user, kind: str, *, raw: bool = False) -> ExportJob:
    """Record the export and queue its task once the record is committed."""
    job = ExportJob.objects.create(project=project, requested_by=user, kind=kind, raw=raw)
    transaction.on_commit(lambda: write_export.enqueue(str(job.pk)))
    return job


@task()
def write_export(job_id: str) -> str:
    """The background task: write the export, store the file, record the outcome; first
    delete the expired exports' files (a deployment needs no timer for it)."""
    try:
        prune_exports()
    except Exception:  # never a reason not to write this export
        logger.warning("Pruning old exports failed", exc_info=True)
    job = ExportJob.objects.select_related("project").get(pk=job_id)
    job.status = ExportJob.Status.RUNNING
    job.save(update_fields=["status"])
    try:
        membership = Membership.objects.filter(project=job.project, user=job.requested_by).first()
        if membership is None and not job.requested_by.is_superuser:
            raise ExportRefused("you are no longer a member of this project")
        scope = export_scope(membership)
        with tempfile.TemporaryFile() as out:
            if job.kind == "codings.csv":
                _write_codings(job, out, scope)
            else:
                FILE_WRITERS[job.kind](out, job.project, membership, job.raw)
            out.seek(0)
            job.file.save(f"{job.project.slug}-{job.kind}", File(out), save=False)
    except Exception as error:
        logger.warning("Export %s failed", job_id, exc_info=True)
        job.status = ExportJob.Status.FAILED
        job.error = str(error) if isinstance(error, ExportRefused) else "the export failed"
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return job.status
    job.status = ExportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "done", "total", "file", "finished_at"])
    return job.status


def _write_codings(job: ExportJob, out, scope) -> None:
    if scope.codings is Codings.ALL:
        # An estimate for the bar (drafts are not exported): the count written replaces it.
        job.total = Coding.objects.filter(evidence__project=job.project).count()
        job.save(update_fields=["total"])
    rows, recorded = 0, 0
    for chunk in codings_csv_chunks(job.project, scope, raw=job.raw):
        data = chunk.encode() if isinstance(chunk, str) else chunk
        out.write(data)
        rows += data.count(b"\n")
        if rows - recorded >= PROGRESS_EVERY:
            recorded = job.done = rows
            job.save(update_fields=["done"])
    job.done = job.total = max(rows - 1, 0)  # the header is no coding
