"""Giving items to coders and taking them back: the pages, the API and the admin all come here."""

from collections import defaultdict

from django.db import transaction
from django.db.models import Count

from cases.coding.assignment_plan import plan_assignments
from cases.models import Assignment, Coding, Evidence


class AssignmentRefused(Exception):
    """The assignment cannot be removed; the message says why."""


def assign_items(
    *, project, coders: list, period=None, only_unassigned=False, per_item=None, items=None
) -> int:
    """Create the planned assignments; returns how many were created. ``items`` narrows the
    candidates to a queryset of the project's evidence (the admin's selection)."""
    items = (
        Evidence.objects.filter(project=project) if items is None else items.filter(project=project)
    )
    if period is not None:
        items = items.filter(period=period)
    if only_unassigned:
        items = items.filter(assignments__isnull=True)
    item_ids = list(items.order_by("date_start", "key").values_list("id", flat=True))
    by_name = {u.username: u for u in coders}
    existing = defaultdict(set)
    for item_id, username in Assignment.objects.filter(evidence_id__in=item_ids).values_list(
        "evidence_id", "coder__username"
    ):
        existing[item_id].add(username)
    load = dict(
        Assignment.objects.filter(evidence__project=project, coder__in=coders)
        .values_list("coder__username")
        .annotate(n=Count("id"))
    )
    pairs = plan_assignments(
        item_ids, sorted(by_name), per_item=per_item, existing=existing, load=load
    )
    with transaction.atomic():
        Assignment.objects.bulk_create(
            [Assignment(evidence_id=item, coder=by_name[name]) for item, name in pairs],
            ignore_conflicts=True,
        )
    return len(pairs)


def check_unassign(assignment: Assignment) -> None:
    """An assignment is removed only while its coder has neither submitted nor coded the item:
    their codes count in the agreement, the consensus and the queue."""
    has_codes = Coding.objects.filter(evidence_id=assignment.evidence_id, coder=assignment.coder_id)
    if assignment.status == Assignment.Status.SUBMITTED or has_codes.exists():
        raise AssignmentRefused(
            f"{assignment.coder.username} has already coded this item; "
            "an assignment with codes is not removed."
        )


def unassign(*, assignment: Assignment) -> None:
    with transaction.atomic():
        check_unassign(assignment)
        assignment.delete()
