"""A source's document and its text, page by page (cases.documents stores and reads them)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.models.source import Source


class DocumentQuerySet(models.QuerySet):
    def readable(self) -> "DocumentQuerySet":
        """Documents whose text is read: the others have no text yet (or never will)."""
        return self.filter(status=Document.Status.READY)

    def stalled(self) -> "DocumentQuerySet":
        """Documents being read whose reading gave no sign of life for longer than
        ``settings.SCCODER_DOCUMENT_STALL_SECONDS``: the worker reading them died."""
        return self.filter(status=Document.Status.READING).filter(
            models.Q(read_progress_at__isnull=True) | models.Q(read_progress_at__lt=stall_cutoff())
        )


class Document(models.Model):
    """The file one source carries. Stored under its SHA-256 (``storage_name``), so the same
    file uploaded for two sources is stored once; the row, not the file, belongs to a source.

    A PDF's text is read by a background task after the upload (``status``): until it is
    ``ready`` the document has no pages, and a PDF found unreadable there (a scan without a
    text layer) is ``refused`` with the reason, its file removed."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be read"
        READING = "reading", "Being read"
        READY = "ready", "Read"
        REFUSED = "refused", "Refused"

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        HTML = "html", "HTML"
        TEXT = "text", gettext_lazy("Plain text")
        MARKDOWN = "markdown", gettext_lazy("Markdown")

    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="document")
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    filename = models.CharField(max_length=255)  # as uploaded, for the download's name
    size = models.PositiveBigIntegerField()
    page_count = models.PositiveIntegerField()
    # False: the PDF declares no page labels, so its pages are numbered 1..n.
    labels_from_document = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READY)
    pages_read = models.PositiveIntegerField(default=0)  # progress of the reading task
    refusal = models.TextField(blank=True)  # why a refused document could not be read
    # The reading task's claim (also its token: a reading claimed again later makes an earlier
    # task's writes miss), its last sign of life, and how many times it was claimed.
    read_claimed_at = models.DateTimeField(null=True, blank=True)
    read_progress_at = models.DateTimeField(null=True, blank=True)
    read_attempts = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["sha256"], name="document_sha256")]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_stalled(self) -> bool:
        """Being read, but without progress for longer than the limit (``stalled()``)."""
        if self.status != self.Status.READING:
            return False
        return self.read_progress_at is None or self.read_progress_at < stall_cutoff()

    @property
    def percent_read(self) -> int:
        if self.is_ready:
            return 100
        return min(100, self.pages_read * 100 // self.page_count) if self.page_count else 0

    @property
    def storage_name(self) -> str:
        return storage_name_of(self.sha256)


def stall_cutoff():
    """Readings without progress since this moment are stalled. A live reading records its
    progress at least every page (cases.documents.reading), so minutes without any mean its
    worker is gone."""
    return timezone.now() - timedelta(seconds=settings.SCCODER_DOCUMENT_STALL_SECONDS)


def storage_name_of(sha256: str) -> str:
    return f"documents/{sha256[:2]}/{sha256}"


class DocumentPage(models.Model):
    """One page's text as extracted, with the label the document gives the page ("iv")."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    index = models.PositiveIntegerField()  # 0-based, in the document's order
    label = models.CharField(max_length=60, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["document", "index"]
        constraints = [
            models.UniqueConstraint(fields=["document", "index"], name="document_page_unique"),
        ]

    def __str__(self) -> str:
        return self.label or str(self.index + 1)


class EvidencePassage(models.Model):
    """Where in its source's document an evidence item's quote was taken: the W3C Web
    Annotation selectors of the selection (https://www.w3.org/TR/annotation-model/#selectors).

    The selectors are kept apart from the document's rows, with the SHA-256 of the file they were
    taken from: replacing a source's document keeps them (the quote check then says whether the
    words still stand in the new file), and exports re-find them by their quote.

    Offsets (``start``, ``end``: a TextPositionSelector) count characters in the document's whole
    text as ``cases.documents.passages.document_text`` joins its pages; ``page_index`` is the
    0-based page the selection starts on and ``page_label`` that page's label as printed.
    """

    evidence = models.OneToOneField(
        "cases.Evidence", on_delete=models.CASCADE, related_name="passage"
    )
    document_sha256 = models.CharField(max_length=64)
    page_index = models.PositiveIntegerField()
    page_label = models.CharField(max_length=60, blank=True)
    exact = models.TextField()  # TextQuoteSelector
    prefix = models.CharField(max_length=200, blank=True)
    suffix = models.CharField(max_length=200, blank=True)
    start = models.PositiveIntegerField()  # TextPositionSelector, in the whole text
    end = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["document_sha256"], name="passage_document")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="passage_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page_label or self.page_index + 1}: {self.exact[:40]}"
