"""Attaching a document to a source and taking it away: the one place these writes happen,
for the source page and the API alike.

The file is checked before anything is written (size, kind by content; a PDF opens, is not
encrypted and has no more pages than the limit); then the file is stored under its SHA-256 and
the rows are written in one transaction. If the rows cannot be written, a file stored for this
upload is removed again: a refused upload leaves nothing behind.

A PDF's text is read page by page by a background task (``cases.documents.reading``), queued in
the same transaction as the document's row: the upload answers at once, however long the book.
Plain text, Markdown and HTML are one page, read with the upload.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from cases.documents.extract import Extracted, UnreadableDocument, extract, pdf_page_count
from cases.documents.sniff import PDF, UnsupportedType, sniff
from cases.lib import limits
from cases.lib.task_queue import enqueue_with_the_write
from cases.models import Document, DocumentPage, Source
from cases.models.document import storage_name_of


class DocumentRefused(ValueError):
    """Why the document was not attached; nothing was stored."""


def max_bytes() -> int:
    return getattr(settings, "SCCODER_DOCUMENT_MAX_BYTES", limits.DOCUMENT_BYTES)


def max_pages() -> int:
    return getattr(settings, "SCCODER_DOCUMENT_MAX_PAGES", limits.DOCUMENT_PAGES)


def read_upload(upload) -> bytes:
    """The uploaded file's bytes, refused unread when it is over the limit."""
    limit = max_bytes()
    if upload.size > limit:
        raise DocumentRefused(
            f"the file is {_megabytes(upload.size)}; at most {_megabytes(limit)} are accepted"
        )
    return upload.read()


@dataclass(frozen=True)
class PreparedDocument:
    """A file checked, ready to be stored and written for a source; ``extracted`` is its text,
    or None for a PDF whose text the background task reads."""

    data: bytes
    filename: str
    kind: str
    extracted: Extracted | None
    sha256: str
    page_count: int


def prepare_document(data: bytes, filename: str, *, read_pdf: bool = True) -> PreparedDocument:
    """Check the file (size, kind by content) and read its text per page; writes nothing.
    With ``read_pdf=False`` a PDF gets the cheap checks only (it opens, is not encrypted, has
    no more pages than the limit), and its text is left to the background task."""
    if len(data) > max_bytes():
        raise DocumentRefused(
            f"the file is {_megabytes(len(data))}; at most {_megabytes(max_bytes())} are accepted"
        )
    if not data:
        raise DocumentRefused("the file is empty")
    filename = _clean_filename(filename)
    try:
        kind = sniff(data, filename)
        if kind == PDF and not read_pdf:
            extracted, page_count = None, pdf_page_count(data, max_pages())
        else:
            extracted = extract(data, kind, max_pages())
            page_count = len(extracted.pages)
    except (UnsupportedType, UnreadableDocument) as error:
        raise DocumentRefused(str(error)) from None
    sha256 = hashlib.sha256(data).hexdigest()
    return PreparedDocument(data, filename, kind, extracted, sha256, page_count)


def store_file(prepared: PreparedDocument) -> bool:
    """Store the file under its SHA-256 unless it is there already; True when stored now (the
    caller removes it again with ``delete_file_if_unused`` if its rows are not written)."""
    name = storage_name_of(prepared.sha256)
    if default_storage.exists(name):
        return False
    saved = default_storage.save(name, ContentFile(prepared.data))
    if saved != name:  # a backend that renames rather than overwrite: keep one name
        default_storage.delete(saved)
        raise DocumentRefused("the storage could not keep the file under its name")
    return True


def write_document_rows(source: Source, prepared: PreparedDocument, user) -> Document:
    """The document's rows for a source that has none, inside the caller's transaction: with
    its pages when its text is read, else waiting for the background task."""
    extracted = prepared.extracted
    document = Document.objects.create(
        source=source,
        sha256=prepared.sha256,
        kind=prepared.kind,
        filename=prepared.filename,
        size=len(prepared.data),
        page_count=prepared.page_count,
        labels_from_document=extracted.labels_from_document if extracted else False,
        status=Document.Status.READY if extracted else Document.Status.PENDING,
        pages_read=prepared.page_count if extracted else 0,
        uploaded_by=user,
    )
    if extracted is not None:
        write_pages(document, extracted)
    return document


def write_pages(document: Document, extracted: Extracted) -> None:
    DocumentPage.objects.bulk_create(
        (
            DocumentPage(document=document, index=i, label=page.label[:60], text=page.text)
            for i, page in enumerate(extracted.pages)
        ),
        batch_size=200,
    )


def attach_document(
    *, source: Source, data: bytes, filename: str, user, background: bool = True
) -> Document:
    """Attach the file to the source, replacing the document it had. A PDF's text is read by
    the background task (``background=False``: here, for the demo and benchmarks)."""
    from cases.documents.reading import read_document  # the task imports this module

    prepared = prepare_document(data, filename, read_pdf=not background)
    sha256 = prepared.sha256
    stored_now = store_file(prepared)
    try:
        with transaction.atomic():
            previous = Document.objects.filter(source=source).first()
            if previous is not None:
                previous.delete()
            document = write_document_rows(source, prepared, user)
            if not document.is_ready:
                # The worker sees the task only once the row is there (cases.lib.task_queue).
                enqueue_with_the_write(read_document, document.pk)
    except IntegrityError:  # another upload to the same source committed in between
        if stored_now:
            delete_file_if_unused(sha256)
        raise DocumentRefused(
            "someone attached a document to this source at the same moment: reload the page"
        ) from None
    except Exception:
        if stored_now:
            delete_file_if_unused(sha256)
        raise
    if previous is not None and previous.sha256 != sha256:
        delete_file_if_unused(previous.sha256)
    document.refresh_from_db()  # a task run at once (the immediate backend) has read it
    return document


def remove_document(source: Source) -> bool:
    """Take the source's document away; False when it had none."""
    document = Document.objects.filter(source=source).first()
    if document is None:
        return False
    document.delete()
    delete_file_if_unused(document.sha256)
    return True


def forget_file_of_deleted_document(sender, instance: Document, **kwargs) -> None:
    """After a deleted document's transaction commits, its file goes too, unless another
    source's document is the same file. A rolled-back delete keeps it."""
    transaction.on_commit(lambda: delete_file_if_unused(instance.sha256))


def delete_file_if_unused(sha256: str) -> None:
    """Remove the file unless a document still uses it (a refused one keeps no file)."""
    in_use = Document.objects.filter(sha256=sha256).exclude(status=Document.Status.REFUSED)
    if not in_use.exists():
        default_storage.delete(storage_name_of(sha256))


def _clean_filename(filename: str) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '"\x00')
    return name[: limits.DOCUMENT_FILENAME] or "document"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"
