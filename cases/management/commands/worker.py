"""``python manage.py worker``: runs the background tasks (figures recomputed after a write,
large exports, the reading of uploaded PDFs) until stopped; ``--batch`` runs what is queued,
then exits.

One command for either queue of ``settings.TASKS``:

- the database queue (no REDIS_URL): django-tasks-db's ``db_worker`` under the project's name.
  Several workers may run at once, on any machine that reaches the database: each claims a task
  with a row lock.
- the RQ queue in Redis (REDIS_URL): an RQ worker on the backend's queues
  (``cases.management.rq_worker``); ``--batch`` is RQ's burst mode. Several workers may run at
  once, on any machine that reaches Redis: RQ hands each task to one of them.

Either way it never reloads itself on code changes, so the process that started it (``make
run``, a service manager) is the one that stops it; SIGINT or SIGTERM lets the task at hand
finish first.

When it starts, it first tidies what a worker that died left behind: documents whose reading
stalled are queued again (cases.documents.reading), and expired export files are deleted
(cases.exports.pruning).
"""

import logging
import sys
from argparse import ArgumentParser

from django.core.management.base import CommandError
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.exceptions import InvalidTaskBackendError
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker
from django_tasks_db.management.commands.db_worker import (
    valid_interval,
    valid_max_tasks,
    validate_worker_id,
)

from cases.documents.reading import queue_stalled_readings
from cases.exports.pruning import prune_exports

logger = logging.getLogger(__name__)


def _is_rq(backend) -> bool:
    """Whether the backend is django-tasks-rq's (loaded only when settings.TASKS names it)."""
    module = sys.modules.get("django_tasks_rq.backend")
    return module is not None and isinstance(backend, module.RQBackend)


class Command(DatabaseWorker):
    help = (
        "Run the background tasks (recomputed figures, large exports, PDF reading) until "
        "stopped; --batch runs the queued ones, then exits."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        # db_worker's options without --reload (never here) and with a --backend that may also
        # name the RQ backend (db_worker's own accepts database backends only).
        parser.add_argument(
            "--queue-name",
            default="default",
            help="The queues to work on, separated by commas; '*' for all (default: %(default)r)",
        )
        parser.add_argument(
            "--exclude-queues",
            default="",
            help="Queues to leave out of '*', separated by commas.",
        )
        parser.add_argument(
            "--interval",
            default=1,
            type=valid_interval,
            help="Seconds between looks at an empty database queue (default: %(default)r); "
            "an RQ worker waits on Redis instead.",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run the queued tasks, then exit (with --max-tasks: at most that many).",
        )
        parser.add_argument(
            "--backend",
            default=DEFAULT_TASK_BACKEND_ALIAS,
            dest="backend_name",
            help="The task backend of settings.TASKS whose queue to work on (default: %(default)r)",
        )
        parser.add_argument(
            "--no-startup-delay",
            action="store_false",
            dest="startup_delay",
            help="Start polling the database queue at once, without a random delay of up to 1s.",
        )
        parser.add_argument(
            "--max-tasks",
            default=None,
            type=valid_max_tasks,
            help="Exit after running this many tasks.",
        )
        parser.add_argument(
            "--worker-id",
            type=validate_worker_id,
            default=None,
            help="The worker's name, unique among the running workers (default: random)",
        )

    def handle(self, *, backend_name: str, **options) -> None:
        try:
            backend = task_backends[backend_name]
        except InvalidTaskBackendError as error:
            raise CommandError(error.args[0]) from None
        worker_id = options.pop("worker_id") or get_random_string(32)
        requeued, pruned = queue_stalled_readings(), prune_exports()
        if requeued or pruned:
            logger.info("Queued %s stalled readings again, deleted %s exports", requeued, pruned)
        if isinstance(backend, DatabaseBackend):
            super().handle(backend_name=backend_name, reload=False, worker_id=worker_id, **options)
        elif _is_rq(backend):
            self.work_on_redis(backend, worker_id=worker_id, **options)
        else:
            raise CommandError(
                f"The task backend {backend_name!r} ({type(backend).__name__}) has no queue for "
                "a worker: its tasks run where they are enqueued."
            )

    def work_on_redis(
        self,
        backend,
        *,
        verbosity: int,
        queue_name: str,
        exclude_queues: str,
        batch: bool,
        max_tasks: int | None,
        worker_id: str,
        **unused,
    ) -> None:
        # Imported here: rq and django-rq are only loaded where the RQ backend is configured.
        from cases.management.rq_worker import RedisUnreachable, run_rq_worker

        self.configure_logging(verbosity)  # the tasks' own log lines, as the database worker
        queue_names = queue_name.split(",")
        excluded = set(exclude_queues.split(",")) if exclude_queues else set()
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        if "*" in queue_names:
            queue_names = sorted(set(backend.queues) - excluded)
        unknown = [name for name in queue_names if name not in backend.queues]
        if unknown or not queue_names:
            raise CommandError(
                f"No such queue for the RQ backend: {', '.join(unknown) or '(none)'}; "
                f"it has {', '.join(sorted(backend.queues))}."
            )
        level = {0: "WARNING", 1: "INFO"}.get(verbosity, "DEBUG")
        try:
            outcome = run_rq_worker(
                queue_names, burst=batch, max_jobs=max_tasks, name=worker_id, logging_level=level
            )
        except RedisUnreachable as error:
            raise CommandError(f"Redis does not answer (REDIS_URL): {error}") from None
        if not (batch or max_tasks or outcome.stopped_by_signal):
            # RQ leaves its loop on an error it does not retry (it retries a lost Redis); a
            # non-zero exit lets the service manager restart the worker (Restart=on-failure).
            raise CommandError("The RQ worker stopped unasked: see the log above.")
