"""``python manage.py worker``: runs the background tasks (figures recomputed after a write,
large exports) until stopped; ``--batch`` runs what is queued, then exits.

The database backend's worker (django-tasks-db's ``db_worker``) under the project's name, with
one difference: it never reloads itself on code changes, so the process that started it (``make
run``, a service manager) is the one that stops it. Several workers may run at once, on any
machine that reaches the database: each claims a task with a row lock before running it.

When it starts, it first tidies what a worker that died left behind: documents whose reading
stalled are queued again (cases.documents.reading), and expired export files are deleted
(cases.exports.pruning).
"""

import logging

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from cases.documents.reading import queue_stalled_readings
from cases.exports.pruning import prune_exports

logger = logging.getLogger(__name__)


class Command(DatabaseWorker):
    help = (
        "Run the background tasks (recomputed figures, large exports) until stopped; "
        "--batch runs the queued ones, then exits."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(reload=False)

    def handle(self, *args, **options):
        requeued, pruned = queue_stalled_readings(), prune_exports()
        if requeued or pruned:
            logger.info("Queued %s stalled readings again, deleted %s exports", requeued, pruned)
        return super().handle(*args, **options)
