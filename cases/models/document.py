"""A source's document and its text, page by page (cases.documents stores and reads them)."""

from django.conf import settings
from django.db import models

from cases.models.source import Source


class Document(models.Model):
    """The file one source carries. Stored under its SHA-256 (``storage_name``), so the same
    file uploaded for two sources is stored once; the row, not the file, belongs to a source."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        HTML = "html", "HTML"
        TEXT = "text", "Plain text"
        MARKDOWN = "markdown", "Markdown"

    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="document")
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    filename = models.CharField(max_length=255)  # as uploaded, for the download's name
    size = models.PositiveBigIntegerField()
    page_count = models.PositiveIntegerField()
    # False: the PDF declares no page labels, so its pages are numbered 1..n.
    labels_from_document = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["sha256"], name="document_sha256")]

    def __str__(self) -> str:
        return self.filename

    @property
    def storage_name(self) -> str:
        return storage_name_of(self.sha256)


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
