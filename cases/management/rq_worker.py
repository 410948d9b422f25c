"""The RQ side of ``manage.py worker``: an RQ worker on the task backend's queues in Redis
(``settings.TASKS`` names django-tasks-rq's backend when REDIS_URL is set).

The worker runs each task in its own process, not in a child forked per task (RQ's
``SimpleWorker``), as the database worker does: the Django database connection is the
worker's, closed when stale between tasks as after a request, and never shared with a forked
child. RQ's job timeout still applies (``RQ_QUEUES[...]["DEFAULT_TIMEOUT"]``,
SCCODER_TASK_TIMEOUT).
"""

from __future__ import annotations

import signal
from dataclasses import dataclass

from django.db import close_old_connections
from django_rq.queues import get_queues
from django_tasks_rq import Job
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import SimpleWorker


class DjangoWorker(SimpleWorker):
    """RQ's in-process worker that treats each task as Django treats a request (stale database
    connections closed before and after) and remembers whether a signal stopped it."""

    stopped_by_signal = False

    def execute_job(self, job, queue) -> None:
        close_old_connections()
        try:
            super().execute_job(job, queue)
        finally:
            close_old_connections()

    def subscribe(self) -> None:
        """RQ's own, with its listener for commands (``rq.command``) looking every second
        instead of every minute: redis-py 8 waits for the look under way before the listener
        stops, which made each exit of the worker (each ``--batch``) last a minute."""
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler
        )

    def request_stop(self, signum, frame) -> None:
        self.stopped_by_signal = True
        super().request_stop(signum, frame)


@dataclass
class Outcome:
    ran: bool  # whether any task ran
    stopped_by_signal: bool


class RedisUnreachable(Exception):
    pass


def run_rq_worker(
    queue_names: list[str],
    *,
    burst: bool,
    max_jobs: int | None,
    name: str,
    logging_level: str,
) -> Outcome:
    """Work on the queues until stopped by SIGINT/SIGTERM (the task at hand finishes first) or,
    with ``burst``, until they are empty; at most ``max_jobs`` tasks."""
    queues = get_queues(*queue_names, job_class=Job)
    # RQ installs its own SIGINT/SIGTERM handlers; the caller's come back afterwards (a test
    # running a batch in-process keeps pytest's).
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        worker = DjangoWorker(queues, connection=queues[0].connection, job_class=Job, name=name)
        ran = worker.work(burst=burst, max_jobs=max_jobs, logging_level=logging_level)
    except RedisConnectionError as error:
        raise RedisUnreachable(str(error)) from error
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return Outcome(ran=ran, stopped_by_signal=worker.stopped_by_signal)
