"""The stored file as an HTTP answer, for the page's and the API's downloads (both check
access before they call this)."""

from django.core.files.storage import default_storage
from django.http import FileResponse

from cases.models import Document


def document_response(document: Document) -> FileResponse:
    """The stored file. A PDF and text open in the browser; HTML is always a download, never
    rendered (it may hold scripts), and every answer forbids the browser to run anything."""
    inline = document.kind != Document.Kind.HTML
    content_type = {
        Document.Kind.PDF: "application/pdf",
        Document.Kind.TEXT: "text/plain; charset=utf-8",
        Document.Kind.MARKDOWN: "text/plain; charset=utf-8",
    }.get(document.kind, "application/octet-stream")
    response = FileResponse(
        default_storage.open(document.storage_name, "rb"),
        as_attachment=not inline,
        filename=document.filename,
        content_type=content_type,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
