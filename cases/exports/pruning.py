"""Deleting the files of old background exports (``ExportJob``), with their records.

A finished export's file is kept for ``settings.SCCODER_EXPORT_RETENTION_DAYS`` after it was
written (or failed), long enough for its requester to come back for it; then the file and its
record go. ``manage.py prune_exports`` does it, and the worker does it by itself when it starts
and before each export it writes, so a deployment needs no timer. Queued and running exports
are never touched.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import ExportJob

FINISHED = (ExportJob.Status.DONE, ExportJob.Status.FAILED)


def expired_exports(*, days: int | None = None, now: datetime | None = None):
    """Finished exports older than the retention (``days`` overrides the setting)."""
    if days is None:
        days = settings.SCCODER_EXPORT_RETENTION_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return ExportJob.objects.filter(status__in=FINISHED, finished_at__lt=cutoff)


def prune_exports(*, days: int | None = None, now: datetime | None = None) -> int:
    """Delete the expired exports' records, then their files; the number deleted."""
    with transaction.atomic():
        expired = list(
            expired_exports(days=days, now=now).select_for_update(skip_locked=True).order_by()
        )
        ExportJob.objects.filter(pk__in=[job.pk for job in expired]).delete()
    # After the records: a file whose deletion fails is left over, never a record without one.
    for job in expired:
        if job.file:
            job.file.storage.delete(job.file.name)
    return len(expired)
