"""The export page and the file downloads: consensus for every member, raw codings by the
permission table (cases.exports.scope). The view only checks access, sets headers and streams;
the writers live in ``cases.exports``."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext

from cases.access import get_project_for
from cases.bundles import dump_bundle
from cases.codebooks.snapshots import versions_of
from cases.exports import (
    VARIANTS,
    ExportRefused,
    bundle_for,
    codings_csv_chunks,
    csv_chunks,
    export_scope,
    write_annotations,
    write_codebook_markdown,
    write_qdc,
)
from cases.exports.background import FILE_WRITERS, runs_in_background, start_export
from cases.exports.catalogue import KINDS, SECTIONS, Kind
from cases.exports.codebook_table import codebook_table
from cases.exports.item_tables import consensus_table
from cases.exports.period_table import periods_table
from cases.exports.reliability_table import reliability_table
from cases.models import Criterion, ExportJob


@login_required
def exports(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="read")
    scope = export_scope(membership)
    sections = []
    for section, title in SECTIONS:
        files = [
            {"kind": k, "about": k.describe(scope)}
            for k in KINDS.values()
            if k.section == section and k.allowed(scope)
        ]
        if files:
            sections.append({"name": section, "title": title, "files": files})
    refused = [k for k in KINDS.values() if not k.allowed(scope)]
    criteria = (
        Criterion.objects.filter(codebook_id=project.codebook_id)
        .in_codebook_order()
        .values_list("code", "name")
        if scope.reliability
        else []
    )
    return render(
        request,
        "cases/exports/page.html",
        {
            "project": project,
            "membership": membership,
            "codings": scope.codings.value,
            "sections": sections,
            "refused": refused,
            "criteria": criteria,
            "variants": VARIANTS,
            "codebook_versions": [v.number for v in versions_of(project.codebook)][::-1],
        },
    )


@login_required
def export_file(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="read")
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404("No such export.")
    scope = export_scope(membership)
    if not spec.allowed(scope):
        raise PermissionDenied(
            gettext("Your role (%(role)s) does not allow exporting %(kind)s.")
            % {"role": membership.get_role_display(), "kind": kind}
        )
    filename = f"{project.slug}-{kind}"
    # ?raw=1: CSV text exactly as stored, for R and pandas (by default a cell a spreadsheet
    # would run as a formula is defused; docs/exports.md).
    asked = request.GET.get("raw", "0").strip().lower()
    if asked not in RAW_CHOICES:
        return _bad_request(f"raw: use 1 (text exactly as stored) or 0, not {asked!r}")
    raw = RAW_CHOICES[asked]
    if runs_in_background(project, kind):
        return redirect(
            "cases:export_job", project.slug, _job_for(project, request.user, kind, raw).pk
        )
    try:
        if kind == "reliability.csv":
            return _reliability(request, project, scope, spec, raw=raw)
        if kind == "codings.csv":
            chunks = codings_csv_chunks(project, scope, raw=raw)
            return _headers(StreamingHttpResponse(chunks, content_type=spec.content_type), filename)
        if kind in TABLES:
            return _stream(TABLES[kind](project, scope), spec, filename, raw=raw)
        if kind in FILES:
            write = FILES[kind]
            return file_response(lambda out: write(out, project, membership, raw), spec, filename)
        return _small_file(kind, project, membership, spec, filename)
    except ExportRefused as refused:
        raise PermissionDenied(str(refused)) from None


TABLES = {
    "consensus.csv": consensus_table,
    "periods.csv": periods_table,
    "codebook.csv": lambda project, scope: codebook_table(project.codebook),
}

FILES = FILE_WRITERS  # zip files, written to a temporary file on disk and streamed from there

RAW_CHOICES = {"0": False, "false": False, "no": False, "1": True, "true": True, "yes": True}


def _headers(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # Raw codings must not linger in a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _stream(table, spec: Kind, filename: str, *, raw: bool = False) -> HttpResponse:
    return _headers(
        StreamingHttpResponse(csv_chunks(table, raw=raw), content_type=spec.content_type),
        filename,
    )


def file_response(write: Callable, spec: Kind | None, filename: str) -> FileResponse:
    """Write a binary export to a temporary file (constant memory) and stream it."""
    # Not a context manager: FileResponse closes the file once the last byte is sent.
    spooled = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        write(spooled)
        spooled.seek(0)
    except BaseException:
        spooled.close()
        raise
    response = FileResponse(
        spooled,
        as_attachment=True,
        filename=filename,
        content_type=spec.content_type if spec else "application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _small_file(kind: str, project, membership, spec: Kind, filename: str) -> HttpResponse:
    if kind == "bundle.json":
        body = dump_bundle(bundle_for(project, viewer=membership))
    elif kind == "annotations.jsonld":
        text = io.StringIO()
        write_annotations(text, project, viewer=membership)
        body = text.getvalue()
    elif kind == "codebook.md":
        text = io.StringIO()
        write_codebook_markdown(text, project.codebook)
        body = text.getvalue()
    else:  # codebook.qdc
        data = io.BytesIO()
        write_qdc(data, project.codebook)
        body = data.getvalue()
    return _headers(HttpResponse(body, content_type=spec.content_type), filename)


def _bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _reliability(request: HttpRequest, project, scope, spec: Kind, *, raw: bool) -> HttpResponse:
    code = request.GET.get("criterion", "").strip()
    variant = request.GET.get("variant", "value")
    if not code:
        return _bad_request("criterion: choose the criterion to export, e.g. ?criterion=D-RESP")
    criterion = Criterion.objects.filter(codebook_id=project.codebook_id, code=code).first()
    if criterion is None:
        return _bad_request(f'criterion: no criterion "{code}" in this codebook')
    if variant not in VARIANTS:
        return _bad_request(f"variant: use {' or '.join(VARIANTS)}, not {variant!r}")
    table = reliability_table(project, criterion, scope, variant=variant)
    return _stream(table, spec, f"{project.slug}-reliability-{code}-{variant}.csv", raw=raw)


# --- exports written in the background (cases.exports.background) -------------------------------

# A second click on the same export within this time watches the job already under way.
REUSE_SECONDS = 60 * 60


def _job_for(project, user, kind: str, raw: bool) -> ExportJob:
    recent = timezone.now() - timezone.timedelta(seconds=REUSE_SECONDS)
    under_way = ExportJob.objects.filter(
        project=project,
        requested_by=user,
        kind=kind,
        raw=raw,
        status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING],
        created_at__gte=recent,
    ).first()
    return under_way or start_export(project, user, kind, raw=raw)


def _own_job(request: HttpRequest, slug: str, job) -> tuple:
    """The job, if the reader asked for it and may still export its kind; else a 404 (another
    member's export is none of their business, whatever their role)."""
    project, membership = get_project_for(request.user, slug, need="read")
    found = ExportJob.objects.filter(pk=job, project=project, requested_by=request.user).first()
    if found is None or not KINDS[found.kind].allowed(export_scope(membership)):
        raise Http404("No such export.")
    return project, membership, found


def _job_status(job: ExportJob) -> dict:
    return {
        "status": job.status,
        "percent": job.percent,
        "done": job.done,
        "total": job.total,
        "error": job.error,
    }


@login_required
def export_job(request: HttpRequest, slug: str, job) -> HttpResponse:
    """The progress of a large export, and its download link once written."""
    project, membership, found = _own_job(request, slug, job)
    return render(
        request,
        "cases/exports/job.html",
        {"project": project, "membership": membership, "job": found, **_job_status(found)},
    )


@login_required
def export_job_status(request: HttpRequest, slug: str, job) -> HttpResponse:
    """What the progress page polls: status, percent, rows written and expected."""
    found = _own_job(request, slug, job)[2]
    return JsonResponse(_job_status(found), headers={"Cache-Control": "private, no-store"})


@login_required
def export_job_download(request: HttpRequest, slug: str, job) -> HttpResponse:
    project, _, found = _own_job(request, slug, job)
    if found.status != ExportJob.Status.DONE or not found.file:
        raise Http404("This export is not written yet.")
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=f"{project.slug}-{found.kind}",
        content_type=KINDS[found.kind].content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
