"""Notifications: written by the actions that cause them (returning an item, assigning items,
deciding an item), read and marked read by their own user only."""

from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Assignment, Notification

Kind = Notification.Kind


def notify(*, users, project, kind: str, text: str, evidence=None) -> None:
    """One notification per user, in one INSERT."""
    Notification.objects.bulk_create(
        [
            Notification(user=user, project=project, kind=kind, text=text[:500], evidence=evidence)
            for user in users
        ]
    )


def notify_decision(*, evidence, reviewer) -> None:
    """Tell the coders who submitted the item that a reviewer decided it."""
    coders = [
        a.coder
        for a in Assignment.objects.filter(
            evidence=evidence, status=Assignment.Status.SUBMITTED
        ).select_related("coder")
        if a.coder_id != reviewer.pk
    ]
    notify(
        users=coders,
        project=evidence.project,
        kind=Kind.DECIDED,
        text=f"{reviewer.username} decided {evidence.key}: see how the consensus compares "
        "with your codes.",
        evidence=evidence,
    )


def notifications_for(user, project) -> QuerySet:
    """The user's own notifications in the project, newest first."""
    return Notification.objects.filter(user=user, project=project).select_related("evidence")


def unread_count(user, project) -> int:
    return notifications_for(user, project).filter(read_at__isnull=True).count()


def mark_read(*, user, project, ids=None) -> int:
    """Mark the user's notifications read (``ids``: only those); returns how many changed.
    Another user's notification is never touched: the filter is by the user."""
    rows = notifications_for(user, project).filter(read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
