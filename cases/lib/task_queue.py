"""Enqueueing a background task from inside a write's transaction, whatever the task backend.

The database queue (django-tasks-db) is a table of the same database: a task enqueued inside
the transaction commits with the write that asked for it, or goes with it when it rolls back,
and a worker cannot see it before the rows it reads. The immediate backend runs the task at once,
inside the transaction, where it sees those rows. A queue elsewhere (RQ in Redis) has neither
guarantee: a worker could take the task before the write commits and find nothing, and a write
rolled back would leave its task behind. There the task is enqueued once the write commits.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db.backend import DatabaseBackend

# Backends whose tasks share the transaction that enqueues them.
IN_THE_TRANSACTION = (DatabaseBackend, ImmediateBackend)


def enqueue_with_the_write(task, *args) -> None:
    """Enqueue ``task(*args)`` so that a worker runs it only if, and after, the current write
    commits (at once outside a transaction)."""
    if isinstance(task.get_backend(), IN_THE_TRANSACTION):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))
