"""The coder's queue and coding page. Coders only, and only ever their own codings: no URL here
takes a coder's id, and every query is filtered by the signed-in coder."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, Window
from django.db.models.functions import Lag, Lead, RowNumber
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases.access import get_project_for
from cases.codebooks.marks import open_marks_of
from cases.coding.actions import (
    CodingRefused,
    StaleWrite,
    reopen_assignment,
    review_started,
    submit_assignment,
)
from cases.coding.actions import save_coding as save_coding_value
from cases.lib import limits
from cases.models import Assignment, Coding, Criterion
from cases.sources.citations import format_item_citation
from cases.web.views.codebook import grouped_criteria

QUEUE_FILTERS = {
    "todo": Q(status=Assignment.Status.ASSIGNED),
    "submitted": Q(status=Assignment.Status.SUBMITTED),
    "all": Q(),
}


def _my_assignments(project, user):
    return (
        Assignment.objects.filter(evidence__project=project, coder=user)
        .select_related("evidence", "evidence__period", "evidence__dyad")
        .order_by("evidence__dyad__code", "evidence__date_start", "evidence__key")
    )


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="code")
    show = request.GET.get("show", "todo")
    if show not in QUEUE_FILTERS:
        show = "todo"
    assignments = _my_assignments(project, request.user).annotate(
        # Codes on retired criteria stay in history, not in the count of the item's codes.
        my_codes=Count(
            "evidence__codings",
            filter=Q(
                evidence__codings__coder=request.user,
                evidence__codings__criterion__retired_in__isnull=True,
            ),
        )
    )
    counts = assignments.aggregate(
        todo=Count("id", filter=QUEUE_FILTERS["todo"]),
        submitted=Count("id", filter=QUEUE_FILTERS["submitted"]),
        all=Count("id"),
    )
    page = Paginator(assignments.filter(QUEUE_FILTERS[show]), 25).get_page(request.GET.get("page"))
    # Items a new codebook version asks the coder to code again (their own marks only).
    marked = {mark.evidence_id for mark in open_marks_of(project, coder=request.user)}
    for assignment in page.object_list:
        assignment.recode = assignment.evidence_id in marked
    return render(
        request,
        "cases/coding/queue.html",
        {
            "project": project,
            "membership": membership,
            "page": page,
            "show": show,
            "counts": counts,
            "marked_count": len(marked),
        },
    )


def _my_codings(item, user) -> dict[int, Coding]:
    """The signed-in coder's codings on the item, by criterion id. Nobody else's, ever."""
    return {c.criterion_id: c for c in Coding.objects.filter(evidence=item, coder=user)}


def _row(criterion, coding, *, editable: bool, message: str = "", level: str = "") -> dict:
    return {
        "criterion": criterion,
        "coding": coding,
        "version": coding.version if coding else 0,
        "editable": editable,
        "message": message,
        "level": level,
    }


def _neighbours(project, user, item) -> tuple:
    """The previous and next items in the coder's queue order, for keyboard-paced work."""
    # Window functions over the queue, filtered to this item: one row comes back instead of
    # every id of the queue (25,000 on a large project).
    order = ["evidence__dyad__code", "evidence__date_start", "evidence__key"]
    row = (
        _my_assignments(project, user)
        .select_related(None)
        .annotate(
            previous=Window(Lag("evidence_id"), order_by=order),
            following=Window(Lead("evidence_id"), order_by=order),
            position=Window(RowNumber(), order_by=order),
            total=Window(Count("id")),
            # The item's id as a window expression, so that Django filters on it after the
            # windows are computed (a plain evidence_id filter would leave a queue of one).
            item=Window(Max("evidence_id"), partition_by=["evidence_id"]),
        )
        .filter(item=item.pk)
        .values("previous", "following", "position", "total")
        .get()
    )
    return row["previous"], row["following"], row["position"], row["total"]


@login_required
def coding_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="code")
    assignment = get_object_or_404(
        Assignment.objects.select_related(
            "evidence", "evidence__period", "evidence__dyad", "evidence__source"
        ),
        evidence__project=project,
        evidence_id=pk,
        coder=request.user,
    )
    item = assignment.evidence
    editable = assignment.status == Assignment.Status.ASSIGNED
    mine = _my_codings(item, request.user)
    marks = [m for m in open_marks_of(project, coder=request.user) if m.evidence_id == item.pk]
    recode = {code for mark in marks for code in mark.targets}
    frameworks = [
        (
            framework,
            [
                (
                    group,
                    [
                        {
                            **_row(c, mine.get(c.pk), editable=editable or c.code in recode),
                            "recode": c.code in recode,
                        }
                        for c in criteria
                    ],
                )
                for group, criteria in groups
            ],
        )
        for framework, groups in grouped_criteria(project.codebook)
    ]
    previous, following, position, total = _neighbours(project, request.user, item)
    return render(
        request,
        "cases/coding/page.html",
        {
            "project": project,
            "membership": membership,
            "item": item,
            "assignment": assignment,
            "editable": editable,
            "can_reopen": not editable and not review_started(item),
            "citation": format_item_citation(
                item.cited_sources(), item.cite, project.citation_style
            ),
            "frameworks": frameworks,
            "marks": marks,
            "scale": list(project.codebook.scale.all()),
            "coded_count": len(mine),
            "previous": previous,
            "following": following,
            "position": position,
            "total": total,
        },
    )


def _parse_value(raw: str, scale: list[int]) -> int | None:
    if raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f'"{raw}" is not a number on the scale') from None
    if value not in scale:
        raise ValueError(f"{value} is not on the scale ({', '.join(map(str, scale))})")
    return value


def _checked_note(raw: str) -> str:
    note = raw.strip()
    problem = limits.text_problem(note, limits.NOTE)
    if problem:
        raise ValueError(f"Note: {problem}; nothing was saved.")
    return note


@login_required
@require_POST
def save_coding(request: HttpRequest, slug: str, pk: int, code: str) -> HttpResponse:
    """Save one criterion's value and note; answer with the re-rendered row (htmx swaps it)."""
    project, membership = get_project_for(request.user, slug, need="code")
    assignment = get_object_or_404(
        Assignment.objects.select_related("evidence"),
        evidence__project=project,
        evidence_id=pk,
        coder=request.user,
    )
    criterion = get_object_or_404(Criterion, codebook=project.codebook, code=code, retired_in=None)
    scale = project.codebook.scale_values()
    editable = assignment.status == Assignment.Status.ASSIGNED
    context = {
        "project": project,
        "item": assignment.evidence,
        "scale": list(project.codebook.scale.all()),
    }
    try:
        version = int(request.POST.get("version", "0"))
        value = _parse_value(request.POST.get("value", ""), scale)
        note = _checked_note(request.POST.get("note", ""))
    except ValueError as exc:
        current = Coding.objects.filter(
            evidence=assignment.evidence, criterion=criterion, coder=request.user
        ).first()
        context["row"] = _row(
            criterion, current, editable=editable, message=str(exc), level="error"
        )
        return render(request, "cases/coding/_row.html", context, status=422)
    try:
        coding = save_coding_value(
            evidence=assignment.evidence,
            criterion=criterion,
            coder=request.user,
            value=value,
            note=note,
            version=version,
        )
    except StaleWrite as exc:
        context["row"] = _row(
            criterion, exc.current, editable=editable, message=str(exc), level="error"
        )
        return render(request, "cases/coding/_row.html", context, status=409)
    except CodingRefused as exc:
        current = Coding.objects.filter(
            evidence=assignment.evidence, criterion=criterion, coder=request.user
        ).first()
        context["row"] = _row(
            criterion, current, editable=editable, message=str(exc), level="error"
        )
        return render(request, "cases/coding/_row.html", context, status=409)
    context["row"] = _row(criterion, coding, editable=True, message="Saved", level="ok")
    return render(request, "cases/coding/_row.html", context)


@login_required
@require_POST
def submit_item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Submit the item and go straight to the next one still to do."""
    project, membership = get_project_for(request.user, slug, need="code")
    assignment = get_object_or_404(
        Assignment, evidence__project=project, evidence_id=pk, coder=request.user
    )
    try:
        submit_assignment(evidence=assignment.evidence, coder=request.user)
    except CodingRefused as exc:
        messages.error(request, str(exc))
        return redirect("cases:code", slug=slug, pk=pk)
    messages.success(request, f"{assignment.evidence.key} submitted.")
    following = (
        _my_assignments(project, request.user)
        .filter(status=Assignment.Status.ASSIGNED)
        .values_list("evidence_id", flat=True)
        .first()
    )
    if following is None:
        messages.info(request, "Your queue is empty: every item assigned to you is submitted.")
        return redirect(reverse("cases:queue", args=[slug]) + "?show=submitted")
    return redirect("cases:code", slug=slug, pk=following)


@login_required
@require_POST
def reopen_item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="code")
    assignment = (
        Assignment.objects.filter(evidence__project=project, evidence_id=pk, coder=request.user)
        .select_related("evidence")
        .first()
    )
    if assignment is None:
        raise Http404("No such item in your queue.")
    try:
        reopen_assignment(evidence=assignment.evidence, coder=request.user)
    except CodingRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{assignment.evidence.key} reopened: you can change your codes.")
    return redirect("cases:code", slug=slug, pk=pk)
