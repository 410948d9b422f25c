"""A source's document: its page (what is attached, download, and for editors upload and
remove) and the download itself. Every member reads and downloads; admins, reviewers and coders
upload and remove (DESIGN.md's "add and edit evidence and sources"). Files are never served
from a public media URL: the download runs the access check first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from cases.access import get_project_for, may_read_again
from cases.documents.actions import (
    DocumentRefused,
    attach_document,
    max_bytes,
    max_pages,
    read_upload,
    remove_document,
)
from cases.documents.download import document_response
from cases.documents.highlights import reader_passages
from cases.documents.reading import read_again
from cases.models import Document, Source
from cases.web.forms.documents import DocumentForm
from cases.web.views.sources import formatted_entries


@login_required
def source_document(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    need = "edit_evidence" if request.method == "POST" else "read"
    project, membership = get_project_for(request.user, slug, need)
    source = get_object_or_404(Source, project=project, pk=pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = read_upload(upload)
            document = attach_document(
                source=source, data=data, filename=upload.name, user=request.user
            )
        except DocumentRefused as refusal:
            form.add_error(
                "file",
                gettext("Not attached: %(reason)s. Nothing was stored.") % {"reason": refusal},
            )
        else:
            refused = document.status == Document.Status.REFUSED
            say = messages.error if refused else messages.success
            say(request, attached_message(document, source))
            return redirect("cases:source_document", slug=project.slug, pk=source.pk)
    if request.method == "POST":
        status = 400
    document = Document.objects.filter(source=source).select_related("uploaded_by").first()
    return render(
        request,
        "cases/sources/document.html",
        {
            "project": project,
            "membership": membership,
            "source": source,
            "entry": formatted_entries([source.csl], project.citation_style)[0],
            "document": document,
            "form": form,
            "max_megabytes": max_bytes() // (1024 * 1024),
            "max_pages": max_pages(),
            "may_read_again": document is not None and may_read_again(membership, document),
        },
        status=status,
    )


def attached_message(document: Document, source: Source) -> str:
    names = {"filename": document.filename, "key": source.key, "count": document.page_count}
    if document.is_ready:
        return (
            ngettext(
                "Attached %(filename)s to %(key)s: text read from %(count)d page.",
                "Attached %(filename)s to %(key)s: text read from %(count)d pages.",
                document.page_count,
            )
            % names
        )
    if document.status == Document.Status.REFUSED:
        return gettext("%(filename)s was not attached to %(key)s: %(refusal)s.") % {
            **names,
            "refusal": document.refusal,
        }
    return (
        ngettext(
            "Attached %(filename)s to %(key)s: its %(count)d page is being read in the background.",
            "Attached %(filename)s to %(key)s: its %(count)d pages are being read in the "
            "background.",
            document.page_count,
        )
        % names
    )


def reading_status(document: Document) -> dict:
    """What the document page polls while the text is read; a reading whose worker died is
    ``stalled`` (the page then says so and offers to read it again)."""
    return {
        "status": "stalled" if document.is_stalled else document.status,
        "pages_read": document.page_count if document.is_ready else document.pages_read,
        "page_count": document.page_count,
        "percent": document.percent_read,
        "refusal": document.refusal,
    }


@login_required
def document_status(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    project, _ = get_project_for(request.user, slug)
    document = get_object_or_404(Document, source__project=project, source__pk=pk)
    return JsonResponse(reading_status(document), headers={"Cache-Control": "private, no-store"})


@login_required
@require_POST
def document_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, _ = get_project_for(request.user, slug, "edit_evidence")
    source = get_object_or_404(Source, project=project, pk=pk)
    if remove_document(source):
        messages.success(request, gettext("Removed the document of %(key)s.") % {"key": source.key})
    return redirect("cases:source_document", slug=project.slug, pk=source.pk)


@login_required
@require_POST
def document_read_again(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Queue the reading of a document whose reading stopped (its worker died) again."""
    project, membership = get_project_for(request.user, slug)
    document = get_object_or_404(Document, source__project=project, source__pk=pk)
    if not may_read_again(membership, document):
        raise PermissionDenied(gettext("Only its uploader or an admin may read it again."))
    key = {"key": document.source.key}
    if read_again(document):
        messages.success(
            request, gettext("The text of %(key)s's document will be read again.") % key
        )
    else:  # read, or moving again, since the page was shown
        messages.info(request, gettext("The reading of %(key)s's document had not stopped.") % key)
    return redirect("cases:source_document", slug=project.slug, pk=pk)


@login_required
def document_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    project, _ = get_project_for(request.user, slug)
    document = get_object_or_404(Document, source__project=project, source__pk=pk)
    if document.status == Document.Status.REFUSED:
        raise Http404("This document was refused: its file was not kept.")
    return document_response(document)


@login_required
def document_reader(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The document page by page (PDF.js for a PDF, the extracted text otherwise), with every
    passage taken as evidence highlighted; editors take a selection as a new item."""
    project, membership = get_project_for(request.user, slug)
    document = get_object_or_404(
        Document.objects.select_related("source"), source__project=project, source__pk=pk
    )
    source = document.source
    if not document.is_ready:
        # No text yet: the document page shows how far the reading is, or why it was refused.
        messages.info(request, _not_readable_message(document, source))
        return redirect("cases:source_document", slug=project.slug, pk=source.pk)
    passages, legend = reader_passages(source, membership)
    pages = [] if document.kind == Document.Kind.PDF else list(document.pages.order_by("index"))
    reader = {
        "kind": "pdf" if document.kind == Document.Kind.PDF else "text",
        "file": reverse("cases:document_download", args=[project.slug, source.pk]),
        "pdfjs": static("vendor/pdfjs/pdf.min.mjs"),
        "worker": static("vendor/pdfjs/pdf.worker.min.mjs"),
        "fonts": static("vendor/pdfjs/standard_fonts/"),
        "page_count": document.page_count,
        "labels": list(document.pages.order_by("index").values_list("label", flat=True)),
        "passages": passages,
        "by_criterion": not membership.can_code,
    }
    return render(
        request,
        "cases/sources/reader.html",
        {
            "project": project,
            "membership": membership,
            "source": source,
            "document": document,
            "pages": pages,
            "legend": legend,
            "reader": reader,
            "passage_count": len(passages),
        },
    )


def _not_readable_message(document: Document, source: Source) -> str:
    if document.status == Document.Status.REFUSED:
        return f"The document of {source.key} has no text: {document.refusal}."
    return (
        f"The text of {source.key}'s document is not read yet: the reader opens once it is "
        "(this page shows how far it is)."
    )
