"""The coder's queue and coding page. Coders only, and only ever their own codings: no URL here
takes a coder's id, and every query is filtered by the signed-in coder."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from cases.access import get_project_for
from cases.codebooks.marks import open_marks_of
from cases.coding.actions import (
    CodingRefused,
    StaleWrite,
    closed_calibration_round,
    reopen_assignment,
    review_started,
    submit_assignment,
)
from cases.coding.actions import save_coding as save_coding_value
from cases.coding.comparison import comparison_for
from cases.coding.queue_order import QUEUE_ORDER, numbered_queue, place_in_queue
from cases.lib import limits
from cases.models import Assignment, Coding, Criterion
from cases.sources.citations import format_item_citation
from cases.web.views.codebook import grouped_criteria

QUEUE_FILTERS = {
    "todo": Q(status=Assignment.Status.ASSIGNED),
    "returned": Q(status=Assignment.Status.ASSIGNED, returned_at__isnull=False),
    "submitted": Q(status=Assignment.Status.SUBMITTED),
    "all": Q(),
}


def _my_assignments(project, user):
    return (
        Assignment.objects.filter(evidence__project=project, coder=user)
        .select_related("evidence", "evidence__period", "evidence__dyad")
        .order_by(*QUEUE_ORDER)
    )


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="code")
    show = request.GET.get("show", "todo")
    if show not in QUEUE_FILTERS:
        show = "todo"
    assignments = numbered_queue(project, request.user).select_related(
        "evidence", "evidence__period", "evidence__dyad", "returned_by"
    )
    counts = assignments.order_by().aggregate(
        todo=Count("id", filter=QUEUE_FILTERS["todo"]),
        returned=Count("id", filter=QUEUE_FILTERS["returned"]),
        submitted=Count("id", filter=QUEUE_FILTERS["submitted"]),
        all=Count("id"),
    )
    paginator = Paginator(assignments.filter(QUEUE_FILTERS[show]), 25)
    paginator.count = counts[show]  # counted above: no second count of the coder's queue
    page = paginator.get_page(request.GET.get("page"))
    # The coder's codes on the page's items only (counting them for the whole queue before
    # taking a page of it read every coding of a large project). Codes on retired criteria
    # stay in history, not in the count of the item's codes.
    codes = dict(
        Coding.objects.filter(
            coder=request.user,
            evidence_id__in=[a.evidence_id for a in page.object_list],
            criterion__retired_in__isnull=True,
        )
        .order_by()
        .values("evidence_id")
        .annotate(n=Count("id"))
        .values_list("evidence_id", "n")
    )
    for assignment in page.object_list:
        assignment.my_codes = codes.get(assignment.evidence_id, 0)
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


# A codebook of at most this many criteria is shown with every group open.
SHOWN_WHOLE = 12


@dataclass
class CriterionGroup:
    """One framework's group (a tier) on the coding page: a collapsible block that says how many
    of its criteria the coder has coded."""

    anchor: str
    name: str
    rows: list[dict]
    opened: bool = False

    @property
    def coded(self) -> int:
        return sum(1 for row in self.rows if row["coding"])


def _grouped_rows(
    codebook, mine: dict, *, editable: bool, recode: set[str] = frozenset()
) -> list[tuple[str, list]]:
    """[(framework, [CriterionGroup, …]), …] in codebook order. In a long codebook one group is
    open: the first with a criterion still uncoded, where the coder picks up the work (the first
    group when everything is coded); the keyboard opens the others as it reaches them. A short
    codebook fits the window whole: every group is open. ``recode``: codes a new codebook
    version asks the coder to code again, open to them even on a submitted item, their groups
    open too."""
    frameworks = [
        (
            framework,
            [
                CriterionGroup(
                    anchor=f"group-{f}-{g}",
                    name=group,
                    rows=[
                        {
                            **_row(c, mine.get(c.pk), editable=editable or c.code in recode),
                            "recode": c.code in recode,
                        }
                        for c in criteria
                    ],
                )
                for g, (group, criteria) in enumerate(groups, start=1)
            ],
        )
        for f, (framework, groups) in enumerate(grouped_criteria(codebook), start=1)
    ]
    groups = [group for _, framework_groups in frameworks for group in framework_groups]
    if sum(len(group.rows) for group in groups) <= SHOWN_WHOLE:
        for group in groups:
            group.opened = True
        return frameworks
    to_open = next((g for g in groups if g.coded < len(g.rows)), groups[0] if groups else None)
    if to_open is not None:
        to_open.opened = True
    for group in groups:
        if any(row["recode"] for row in group.rows):
            group.opened = True
    return frameworks


@login_required
def coding_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="code")
    assignment = get_object_or_404(
        Assignment.objects.select_related(
            "evidence", "evidence__period", "evidence__dyad", "evidence__source", "returned_by"
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
    frameworks = _grouped_rows(project.codebook, mine, editable=editable, recode=recode)
    place = place_in_queue(project, request.user, item.pk, assignment.queue_position)
    closed_round = None if editable else closed_calibration_round(item, request.user)
    return render(
        request,
        "cases/coding/page.html",
        {
            "project": project,
            "membership": membership,
            "item": item,
            "assignment": assignment,
            "editable": editable,
            "can_reopen": not editable and closed_round is None and not review_started(item),
            "closed_round": closed_round,
            # The reviewer's comment on returning the item: this coder's assignment only.
            "returned": assignment if editable and assignment.returned_at else None,
            "comparison": None if editable else comparison_for(item, request.user),
            "citation": format_item_citation(
                item.cited_sources(), item.cite, project.citation_style
            ),
            "frameworks": frameworks,
            "marks": marks,
            "scale": list(project.codebook.scale.all()),
            "coded_count": len(mine),
            "previous": place.previous,
            "following": place.following,
            "position": place.position,
            "total": place.total,
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


def _stored_coding(assignment: Assignment, criterion: Criterion) -> Coding | None:
    """The assigned coder's stored coding of the criterion, to show again beside a refusal."""
    return Coding.objects.filter(
        evidence=assignment.evidence, criterion=criterion, coder_id=assignment.coder_id
    ).first()


def _refused_row(
    request, context: dict, criterion, current, editable: bool, exc: Exception, *, status: int
) -> HttpResponse:
    """The row as stored, with why nothing was saved."""
    context["row"] = _row(criterion, current, editable=editable, message=str(exc), level="error")
    return render(request, "cases/coding/_row.html", context, status=status)


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
        current = _stored_coding(assignment, criterion)
        return _refused_row(request, context, criterion, current, editable, exc, status=422)
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
        return _refused_row(request, context, criterion, exc.current, editable, exc, status=409)
    except CodingRefused as exc:
        current = _stored_coding(assignment, criterion)
        return _refused_row(request, context, criterion, current, editable, exc, status=409)
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
    messages.success(request, gettext("%(key)s submitted.") % {"key": assignment.evidence.key})
    following = (
        _my_assignments(project, request.user)
        .filter(status=Assignment.Status.ASSIGNED)
        .values_list("evidence_id", flat=True)
        .first()
    )
    if following is None:
        messages.info(
            request, gettext("Your queue is empty: every item assigned to you is submitted.")
        )
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
        messages.success(
            request,
            gettext("%(key)s reopened: you can change your codes.")
            % {"key": assignment.evidence.key},
        )
    return redirect("cases:code", slug=slug, pk=pk)
