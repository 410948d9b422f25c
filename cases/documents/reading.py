"""The background task that reads a PDF's text page by page after its upload.

The upload has checked what is cheap to check (kind, size, the PDF opens, is not encrypted,
has no more pages than the limit) and stored the file; here every page's text is read, with
the pages read so far recorded on the document for its progress bar. The pages are written in
one transaction at the end, so a document is either read whole or has no pages. A PDF found to
have no text at all (a scan) is refused with the reason, and its file removed.

A worker can die while it reads (killed, out of memory, the machine restarted): its document
would stay "reading" forever. Each claim records when it was made, which is also the reading's
token (a later claim of the same document makes the earlier task's writes miss), and every
progress record is a sign of life. A reading without one for ``SCCODER_DOCUMENT_STALL_SECONDS``
is stalled (``Document.objects.stalled()``): its page says the reading stopped and lets its
uploader or an admin read it again (``read_again``), and a starting worker queues it again by
itself (``queue_stalled_readings``), up to ``AUTOMATIC_ATTEMPTS`` claims, so that a file which
kills every worker reading it does not kill them forever.
"""

import logging
import time

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from cases.documents.actions import delete_file_if_unused, max_pages, write_pages
from cases.documents.extract import UnreadableDocument, extract_pdf
from cases.models import Document

logger = logging.getLogger(__name__)

# How often the progress is recorded while a document is read, in seconds: often enough for a
# bar that moves, rarely enough that a long book is not slowed by its own bookkeeping.
PROGRESS_SECONDS = 0.5

WAITING = (Document.Status.PENDING, Document.Status.READING)

# Claims a starting worker makes by itself for a stalled reading; after that only a person does.
AUTOMATIC_ATTEMPTS = 3


@task()
def read_document(document_id: int) -> str:
    claimed_at = timezone.now()
    claimed = Document.objects.filter(pk=document_id, status__in=WAITING).update(
        status=Document.Status.READING,
        pages_read=0,
        read_claimed_at=claimed_at,
        read_progress_at=claimed_at,
        read_attempts=F("read_attempts") + 1,
    )
    if not claimed:  # removed or replaced since the upload, or read already
        return "gone"
    document = Document.objects.get(pk=document_id)
    this_reading = Document.objects.filter(
        pk=document_id, status=Document.Status.READING, read_claimed_at=claimed_at
    )
    try:
        with default_storage.open(document.storage_name, "rb") as file:
            data = file.read()
        extracted = extract_pdf(data, max_pages(), _progress_recorder(this_reading))
    except UnreadableDocument as refusal:
        return _refuse(document, this_reading, str(refusal))
    except Exception:
        logger.warning("Reading document %s failed", document_id, exc_info=True)
        return _refuse(document, this_reading, "the file could not be read: upload it again")
    with transaction.atomic():
        # Still this reading of this upload's document (not removed, replaced, or claimed
        # again after this reading was taken for dead, while it was read)?
        current = this_reading.select_for_update().first()
        if current is None:
            return "gone"
        write_pages(current, extracted)
        current.status = Document.Status.READY
        current.page_count = current.pages_read = len(extracted.pages)
        current.labels_from_document = extracted.labels_from_document
        current.save(update_fields=["status", "page_count", "pages_read", "labels_from_document"])
    return current.status


def _progress_recorder(this_reading):
    last = time.monotonic()

    def record(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_SECONDS and done < total:
            last = now
            this_reading.update(pages_read=done, read_progress_at=timezone.now())

    return record


def _refuse(document: Document, this_reading, reason: str) -> str:
    """Mark the document refused, without pages, and remove its file unless another source's
    document uses it."""
    refused = this_reading.update(status=Document.Status.REFUSED, refusal=reason, pages_read=0)
    if refused:
        delete_file_if_unused(document.sha256)
    return Document.Status.REFUSED


def read_again(document: Document) -> bool:
    """Queue the reading of a stalled document again (its page's "Read again"); False when it
    is not stalled (read, refused, removed, or its reading moved on in the meantime)."""
    return _queue_again(document.pk)


def queue_stalled_readings() -> int:
    """Queue again every stalled reading claimed fewer than ``AUTOMATIC_ATTEMPTS`` times: what
    a starting worker does, since the worker that was reading them is gone."""
    stalled = Document.objects.stalled().filter(read_attempts__lt=AUTOMATIC_ATTEMPTS)
    return sum(_queue_again(pk) for pk in stalled.values_list("pk", flat=True))


def _queue_again(document_id: int) -> bool:
    # Back to pending and queued in one transaction: the worker sees the task with the row.
    # The stall is checked in the update itself, so two asking at once queue it once.
    with transaction.atomic():
        stalled = Document.objects.stalled().filter(pk=document_id)
        if not stalled.update(status=Document.Status.PENDING, pages_read=0):
            return False
        read_document.enqueue(document_id)
    return True
