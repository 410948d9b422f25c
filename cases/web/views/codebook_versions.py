"""The codebook's published versions, the diff between any two, and each version's ``.qdc``.

Every member reads them, as they read the codebook. The open re-coding marks of everyone are
listed for those who read every coding (admins and reviewers) only: a coder's own marks are on
their queue and coding page.
"""

import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cases.access import get_project_for
from cases.codebooks.diff import diff_versions
from cases.codebooks.drafts import draft_for
from cases.codebooks.marks import open_marks_of
from cases.codebooks.plan import describe
from cases.codebooks.snapshots import operations_between, versions_of
from cases.exports import write_version_qdc


@login_required
def versions(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug)
    published = versions_of(project.codebook)
    for version in published:
        version.changes = [describe(op) for op in version.operations]
    marks = None
    if membership.can_read_all_codings:
        marks = Paginator(open_marks_of(project), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/codebook/versions.html",
        {
            "project": project,
            "membership": membership,
            "versions": published[::-1],
            "newest": published[-1].number,
            "draft": draft_for(project.codebook) if membership.can_manage else None,
            "marks": marks,
        },
    )


def _number(raw: str | None, default: int, known: list[int], name: str) -> int:
    if raw in (None, ""):
        return default
    try:
        number = int(raw)
    except ValueError:
        raise Http404(f"{name}: not a version number") from None
    if number not in known:
        raise Http404(f"{name}: no version {number}")
    return number


@login_required
def diff(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug)
    published = versions_of(project.codebook)
    known = [v.number for v in published]
    new = _number(request.GET.get("to"), known[-1], known, "to")
    old = _number(request.GET.get("from"), max(new - 1, known[0]), known, "from")
    if old > new:
        old, new = new, old
    by_number = {v.number: v for v in published}
    changes = diff_versions(
        by_number[old].snapshot,
        by_number[new].snapshot,
        operations_between(published, old, new),
    )
    return render(
        request,
        "cases/codebook/diff.html",
        {
            "project": project,
            "membership": membership,
            "old": by_number[old],
            "new": by_number[new],
            "known": known,
            "diff": changes,
        },
    )


@login_required
def version_qdc(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug)
    version = next((v for v in versions_of(project.codebook) if v.number == number), None)
    if version is None:
        raise Http404("no such codebook version")
    data = io.BytesIO()
    write_version_qdc(data, version)
    response = HttpResponse(data.getvalue(), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{project.slug}-codebook-v{number}.qdc"'
    )
    return response
