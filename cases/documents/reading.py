"""The background task that reads a PDF's text page by page after its upload.

The upload has checked what is cheap to check (kind, size, the PDF opens, is not encrypted,
has no more pages than the limit) and stored the file; here every page's text is read, with
the pages read so far recorded on the document for its progress bar. The pages are written in
one transaction at the end, so a document is either read whole or has no pages. A PDF found to
have no text at all (a scan) is refused with the reason, and its file removed.
"""

import logging
import time

from django.core.files.storage import default_storage
from django.db import transaction
from django_tasks import task

from cases.documents.actions import delete_file_if_unused, max_pages, write_pages
from cases.documents.extract import UnreadableDocument, extract_pdf
from cases.models import Document

logger = logging.getLogger(__name__)

# How often the progress is recorded while a document is read, in seconds: often enough for a
# bar that moves, rarely enough that a long book is not slowed by its own bookkeeping.
PROGRESS_SECONDS = 0.5

WAITING = (Document.Status.PENDING, Document.Status.READING)


@task()
def read_document(document_id: int) -> str:
    claimed = Document.objects.filter(pk=document_id, status__in=WAITING).update(
        status=Document.Status.READING, pages_read=0
    )
    if not claimed:  # removed or replaced since the upload, or read already
        return "gone"
    document = Document.objects.get(pk=document_id)
    try:
        with default_storage.open(document.storage_name, "rb") as file:
            data = file.read()
        extracted = extract_pdf(data, max_pages(), _progress_recorder(document_id))
    except UnreadableDocument as refusal:
        return _refuse(document, str(refusal))
    except Exception:
        logger.warning("Reading document %s failed", document_id, exc_info=True)
        return _refuse(document, "the file could not be read: upload it again")
    with transaction.atomic():
        # Still this upload's document (not removed or replaced while it was read)?
        current = (
            Document.objects.select_for_update()
            .filter(pk=document_id, status=Document.Status.READING)
            .first()
        )
        if current is None:
            return "gone"
        write_pages(current, extracted)
        current.status = Document.Status.READY
        current.page_count = current.pages_read = len(extracted.pages)
        current.labels_from_document = extracted.labels_from_document
        current.save(update_fields=["status", "page_count", "pages_read", "labels_from_document"])
    return current.status


def _progress_recorder(document_id: int):
    last = time.monotonic()

    def record(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_SECONDS and done < total:
            last = now
            Document.objects.filter(pk=document_id, status=Document.Status.READING).update(
                pages_read=done
            )

    return record


def _refuse(document: Document, reason: str) -> str:
    """Mark the document refused, without pages, and remove its file unless another source's
    document uses it."""
    refused = Document.objects.filter(pk=document.pk, status=Document.Status.READING).update(
        status=Document.Status.REFUSED, refusal=reason, pages_read=0
    )
    if refused:
        delete_file_if_unused(document.sha256)
    return Document.Status.REFUSED
