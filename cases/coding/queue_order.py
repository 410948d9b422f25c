"""Where an item stands in its coder's queue: stored, not computed per request.

A coder's queue in a project is every item assigned to them, in the order of the queue page
(dyad code, start date, key). The coding page shows "n of m" and links the previous and next
items; numbering 25,000 items for that on every request took most of the page's time. The
positions are kept in ``Assignment.queue_position`` instead, and renumbered (one UPDATE) the
first time the queue is read after it changed.

A change of a queue is noted in ``CoderQueue.changes``: by signals for assignments made or
removed one at a time (a cascade included) and for items and dyads saved, and by
``queue_changed`` where assignments are written in bulk (``bulk_create`` sends no signal).
Status changes (submit, return, reopen) and re-coding marks do not move an item in its
queue.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from cases.models import Assignment, CoderQueue

QUEUE_ORDER = ("evidence__dyad__code", "evidence__date_start", "evidence__key")

# Fields of an item that place it in a queue: saving one of them may reorder queues.
PLACING_FIELDS = {"dyad", "dyad_id", "date", "date_start", "key", "project", "project_id"}


def queue_of(project, coder):
    """The coder's assignments in the project, in queue order."""
    return Assignment.objects.filter(evidence__project=project, coder=coder).order_by(*QUEUE_ORDER)


@dataclass(frozen=True)
class QueuePlace:
    position: int
    total: int
    previous: int | None  # evidence ids
    following: int | None


def place_in_queue(project, coder, evidence_id: int, position: int | None = None) -> QueuePlace:
    """The item's place in the coder's queue: two small queries while the stored positions
    are current (``position``: the one already read with the assignment, if any), a
    renumbering of the queue first if not."""
    total, renumbered = _numbered_queue(project, coder)
    if renumbered or position is None:
        position = Assignment.objects.values_list("queue_position", flat=True).get(
            coder=coder, evidence__project=project, evidence_id=evidence_id
        )
    around = dict(
        Assignment.objects.filter(
            coder=coder,
            evidence__project=project,
            queue_position__in=[position - 1, position + 1],
        ).values_list("queue_position", "evidence_id")
    )
    return QueuePlace(position, total, around.get(position - 1), around.get(position + 1))


def numbered_queue(project, coder):
    """The coder's assignments in the project ordered by their stored positions, made current
    first if the queue changed: the queue order, read along the (coder, position) index rather
    than by sorting every assignment of the coder."""
    _numbered_queue(project, coder)
    return Assignment.objects.filter(evidence__project=project, coder=coder).order_by(
        "queue_position"
    )


def _numbered_queue(project, coder) -> tuple[int, bool]:
    """Make the stored positions of the coder's queue current; returns the queue's length and
    whether it was renumbered."""
    state, _ = CoderQueue.objects.get_or_create(project=project, coder=coder)
    if state.numbered == state.changes:
        return state.size, False
    with transaction.atomic():
        # One renumbering at a time per queue; a change noted meanwhile waits for this lock and
        # leaves the queue stale again, so positions are never taken for current when not.
        state = CoderQueue.objects.select_for_update().get(pk=state.pk)
        if state.numbered != state.changes:
            size = renumber(project, coder)
            CoderQueue.objects.filter(pk=state.pk).update(numbered=state.changes, size=size)
            state.size = size
    return state.size, True


def renumber(project, coder) -> int:
    """Store every position of the coder's queue (one UPDATE of the rows whose position
    changed); returns the queue's length."""
    ranked = (
        queue_of(project, coder)
        .order_by()
        .annotate(position=Window(RowNumber(), order_by=list(QUEUE_ORDER)))
        .values("id", "position")
    )
    sql, params = ranked.query.sql_with_params()
    table = connection.ops.quote_name(Assignment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET queue_position = ranked.position FROM ({sql}) AS ranked "
            f"WHERE {table}.id = ranked.id AND ({table}.queue_position IS NULL "
            f"OR {table}.queue_position <> ranked.position)",
            params,
        )
    return queue_of(project, coder).count()


# --- noting changes ------------------------------------------------------------------------

_batch = threading.local()


def queue_changed(*, coder_ids: Iterable[int] = (), project_id: int | None = None) -> None:
    """Note that these coders' queues (in every project) or every queue of the project
    changed."""
    coder_ids = set(coder_ids)
    pending = getattr(_batch, "coders", None)
    if pending is not None and project_id is None:
        pending |= coder_ids
        return
    if coder_ids:
        CoderQueue.objects.filter(coder_id__in=coder_ids).update(changes=F("changes") + 1)
    if project_id is not None:
        CoderQueue.objects.filter(project_id=project_id).update(changes=F("changes") + 1)


@contextmanager
def queue_changes_batched() -> Iterator[None]:
    """Assignments removed by the thousand (a project reloaded) note their coders' queues
    once at the end rather than once per row."""
    outer = getattr(_batch, "coders", None)
    _batch.coders = set()
    try:
        yield
        coders = _batch.coders
    finally:
        _batch.coders = outer
    queue_changed(coder_ids=coders)


def assignment_made_or_removed(sender, instance, created: bool = True, **kwargs) -> None:
    if created:
        queue_changed(coder_ids=[instance.coder_id])


def item_saved(sender, instance, created: bool = False, update_fields=None, **kwargs) -> None:
    """An item saved may have moved in its coders' queues (a new item has no coders yet)."""
    if created or (update_fields is not None and not PLACING_FIELDS & set(update_fields)):
        return
    queue_changed(project_id=instance.project_id)


def dyad_saved(sender, instance, created: bool = False, **kwargs) -> None:
    if not created:
        queue_changed(project_id=instance.project_id)
