"""Giving items to coders and taking them back: the pages, the API, the admin and the bundle
import all come here. Which items and which coders is decided by the pure
``cases.coding.assignment_plan``; this module reads its inputs and writes its answer."""

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cases.coding.assignment_plan import (
    coverage_gaps,
    daily_throughput,
    fewest_open,
    plan_assignments,
    sample_items,
    sample_size,
)
from cases.coding.queue_order import queue_changed
from cases.discussion.notifications import notify
from cases.models import (
    Assignment,
    AssignmentBatch,
    Coding,
    Evidence,
    Membership,
    Notification,
    Role,
)

SEED_LIMIT = 2**31  # seeds are shown and typed in: keep them short


class AssignmentRefused(Exception):
    """The assignment cannot be made or removed; the message says why."""


@dataclass(frozen=True)
class Sample:
    """A random sample of the candidate items: ``size`` items or ``share`` of them, drawn with
    ``seed`` (None: a fresh seed is drawn, then shown and recorded)."""

    size: int | None = None
    share: float | None = None
    seed: int | None = None


def new_seed() -> int:
    return secrets.randbelow(SEED_LIMIT)


def assign_items(
    *,
    project,
    coders: list,
    period=None,
    dyad=None,
    only_unassigned=False,
    per_item=None,
    items=None,
    sample: Sample | None = None,
    made_by=None,
) -> int:
    """Create the planned assignments; returns how many were created. ``items`` narrows the
    candidates to a queryset of the project's evidence (the admin's selection, the page's list
    of keys); ``dyad`` and ``period`` narrow them further, and ``sample`` draws from what is
    left. Every batch is recorded (with its seed), and each coder given items is notified."""
    return assign_batch(
        project=project,
        coders=coders,
        period=period,
        dyad=dyad,
        only_unassigned=only_unassigned,
        per_item=per_item,
        items=items,
        sample=sample,
        made_by=made_by,
    ).created


def assign_batch(
    *,
    project,
    coders: list,
    period=None,
    dyad=None,
    only_unassigned=False,
    per_item=None,
    items=None,
    sample: Sample | None = None,
    made_by=None,
) -> AssignmentBatch:
    """``assign_items``, answering with the recorded batch (its seed, how many were created)."""
    items = (
        Evidence.objects.filter(project=project) if items is None else items.filter(project=project)
    )
    if dyad is not None:
        items = items.filter(dyad=dyad)
    if period is not None:
        items = items.filter(period=period)
    if only_unassigned:
        items = items.filter(assignments__isnull=True)
    item_ids = list(items.order_by("date_start", "key").values_list("id", flat=True))
    described = _describe(dyad=dyad, period=period, only_unassigned=only_unassigned)
    seed = None
    if sample is not None:
        seed = sample.seed if sample.seed is not None else new_seed()
        try:
            k = sample_size(len(item_ids), size=sample.size, share=sample.share)
        except ValueError as exc:
            raise AssignmentRefused(f"Sample: {exc}.") from None
        item_ids = sample_items(item_ids, k, seed=seed)
        described.append(
            f"a random sample of {k} (seed {seed})"
            if sample.share is None
            else f"a random {sample.share:.0%} sample, {k} items (seed {seed})"
        )
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
    try:
        pairs = plan_assignments(
            item_ids, sorted(by_name), per_item=per_item, existing=existing, load=load
        )
    except ValueError as exc:
        raise AssignmentRefused(f"Coders per item: {exc}.") from None
    per_coder = f"{per_item} per item" if per_item else "every chosen coder"
    description = f"{', '.join(described) or 'every item'} to {', '.join(sorted(by_name))} "
    description += f"({per_coder})"
    with transaction.atomic():
        Assignment.objects.bulk_create(
            [Assignment(evidence_id=item, coder=by_name[name]) for item, name in pairs],
            ignore_conflicts=True,
        )
        queue_changed(coder_ids={by_name[name].pk for _, name in pairs})
        _notify_assigned(project, pairs, by_name, made_by)
        return AssignmentBatch.objects.create(
            project=project,
            made_by=made_by,
            description=description[:500],
            seed=seed,
            created=len(pairs),
        )


def _describe(*, dyad, period, only_unassigned) -> list[str]:
    parts = []
    if period is not None:
        parts.append(f"items of {period.dyad.code} {period.code}")
    elif dyad is not None:
        parts.append(f"items of {dyad.code}")
    if only_unassigned:
        parts.append("nobody's yet")
    return parts


def _notify_assigned(project, pairs, by_name, made_by) -> None:
    """One notification per coder and batch, however many items it gave them."""
    given = defaultdict(int)
    for _item, name in pairs:
        given[name] += 1
    who = made_by.username if made_by is not None else "sccoder"
    for name, n in sorted(given.items()):
        notify(
            users=[by_name[name]],
            project=project,
            kind=Notification.Kind.ASSIGNED,
            text=f"{who} assigned you {n} new item{'s' if n != 1 else ''}.",
        )


def notify_assigned(assignment: Assignment, made_by) -> None:
    """The notification of one assignment made on its own (the API's create)."""
    _notify_assigned(
        assignment.evidence.project,
        [(assignment.evidence_id, assignment.coder.username)],
        {assignment.coder.username: assignment.coder},
        made_by,
    )


def auto_assign(evidence_items: list[Evidence], project) -> int:
    """Give each new item to the project's ``auto_assign_coders`` coders with the fewest open
    items (ties by name), if the project asks for it; returns how many assignments were made.
    The page, the API and the bundle import call this after adding evidence."""
    wanted = project.auto_assign_coders
    if not wanted or not evidence_items:
        return 0
    coders = {
        m.user.username: m.user
        for m in Membership.objects.filter(project=project, role=Role.CODER).select_related("user")
    }
    if not coders:
        return 0
    open_items = dict(
        Assignment.objects.filter(
            evidence__project=project,
            coder__in=coders.values(),
            status=Assignment.Status.ASSIGNED,
        )
        .values_list("coder__username")
        .annotate(n=Count("id"))
    )
    pairs = []
    for item in evidence_items:
        for name in fewest_open(sorted(coders), open_items, min(wanted, len(coders))):
            pairs.append((item.pk, name))
            open_items[name] = open_items.get(name, 0) + 1
    with transaction.atomic():
        Assignment.objects.bulk_create(
            [Assignment(evidence_id=item, coder=coders[name]) for item, name in pairs],
            ignore_conflicts=True,
        )
        queue_changed(coder_ids={coders[name].pk for _, name in pairs})
        _notify_assigned(project, pairs, coders, None)
    return len(pairs)


def coverage_for(project) -> dict:
    """The assignments page's warnings: items nobody is assigned, items with fewer coders
    than the project's ``coders_per_item`` (their keys, first 50 of each, and the counts)."""
    rows = (
        Evidence.objects.filter(project=project)
        .annotate(n=Count("assignments"))
        .order_by("key")
        .values_list("key", "n")
    )
    gaps = coverage_gaps(dict(rows), project.coders_per_item)
    return {
        "wanted": project.coders_per_item,
        "unassigned_count": len(gaps["unassigned"]),
        "unassigned": gaps["unassigned"][:50],
        "short_count": len(gaps["short"]),
        "short": gaps["short"][:50],
    }


def progress_for(project, *, days: int = 7) -> list[dict]:
    """Per coder: assigned, submitted, open, and items submitted on each of the last ``days``
    days (two queries whatever the project's size)."""
    submitted = Q(status=Assignment.Status.SUBMITTED)
    rows = (
        Assignment.objects.filter(evidence__project=project)
        .values("coder__username")
        .annotate(assigned=Count("id"), submitted=Count("id", filter=submitted))
        .order_by("coder__username")
    )
    today = timezone.localdate()
    since = timezone.now() - timedelta(days=days)
    dates = defaultdict(list)
    for name, at in Assignment.objects.filter(
        evidence__project=project, status=Assignment.Status.SUBMITTED, submitted_at__gte=since
    ).values_list("coder__username", "submitted_at"):
        dates[name].append(timezone.localtime(at).date())
    result = []
    for row in rows:
        name = row["coder__username"]
        per_day = daily_throughput(dates[name], today=today, days=days)
        result.append(
            {
                "coder": name,
                "assigned": row["assigned"],
                "submitted": row["submitted"],
                "open": row["assigned"] - row["submitted"],
                "per_day": per_day,
                "last_days": sum(per_day),
                "share": round(100 * row["submitted"] / row["assigned"]) if row["assigned"] else 0,
            }
        )
    return result


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
