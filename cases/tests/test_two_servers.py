"""Beyond one machine: two application servers and one background worker, separate processes on
loopback, sharing one database (PostgreSQL when DATABASE_URL names it, else an SQLite file). A
coder writes through server A; a reviewer reading the agreement page through server B first
sees the figures computed before the write, marked updating; once the worker has recomputed
them, B shows them unmarked, and they are the figures computed from scratch.

Twice: with the embedded default (no REDIS_URL: the cache and the task queue are tables of the
database) and with REDIS_URL (the cache and the RQ task queue in Redis, a database claimed for
the test; skipped when Redis is not reachable on 127.0.0.1:6379).
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests

from cases.tests.bundle_factory import small_bundle
from cases.tests.redis_db import claimed_redis_database

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "two-servers-pass-1"
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ?"|csrf-token" content=")[^"]+')

pytestmark = pytest.mark.servers


def reachable(address) -> bool:
    try:
        with socket.create_connection(address, timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database_url(tmp_path):
    """A database of this test's own: an SQLite file, or a fresh PostgreSQL database beside the
    one DATABASE_URL names (dropped afterwards)."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        return
    import psycopg

    base, _, name = configured.rpartition("/")
    name = f"{name.split('?')[0]}_two_servers"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Deployment:
    def __init__(self, database_url: str, folder: Path, redis_url: str | None):
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "1",
            "SCCODER_LOGIN_THROTTLE": "0",
            "SCCODER_MEDIA_ROOT": str(folder / "media"),
        }
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        self.redis_url = redis_url
        self.folder = folder
        self.processes: list[subprocess.Popen] = []

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, *args: str) -> subprocess.Popen:
        log = open(self.folder / f"process-{len(self.processes)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def server(self) -> str:
        port = free_port()
        self.start("runserver", f"127.0.0.1:{port}", "--noreload")
        address = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if reachable(("127.0.0.1", port)):
                return address
            time.sleep(0.2)
        raise AssertionError(f"no server answered on {address}")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    def queued(self) -> int:
        """How many tasks wait in the deployment's queue: RQ's list in Redis, or the database
        table's ready rows."""
        if self.redis_url:
            import redis

            return redis.Redis.from_url(self.redis_url).llen("rq:queue:default")
        return int(
            self.manage(
                "shell",
                "-v0",
                "-c",
                "from django_tasks_db.models import DBTaskResult; "
                "print(DBTaskResult.objects.ready().count())",
            ).split()[-1]
        )

    def clear_cache(self) -> None:
        self.manage("shell", "-v0", "-c", "from django.core.cache import cache; cache.clear()")


@pytest.fixture(params=["database", "redis"])
def deployment(request, database_url, tmp_path):
    with ExitStack() as stack:
        redis_url = (
            stack.enter_context(claimed_redis_database()) if request.param == "redis" else None
        )
        found = Deployment(database_url, tmp_path, redis_url)
        found.manage("migrate", "--no-input", "-v0")
        bundle = tmp_path / "small.json"
        bundle.write_text(json.dumps(small_bundle()))
        found.manage("import_bundle", str(bundle))
        found.manage(
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model\n"
            "for u in get_user_model().objects.filter(username__in=['rita', 'cleo']):\n"
            f"    u.set_password('{PASSWORD}'); u.save()",
        )
        found.manage("worker", "--batch", "-v0")  # what the import asked for
        try:
            yield found
        finally:
            found.stop()


def signed_in(address: str, username: str) -> requests.Session:
    session = requests.Session()
    login = session.get(f"{address}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    answer = session.post(
        f"{address}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{address}/accounts/login/"},
        timeout=30,
    )
    assert answer.ok and "sessionid" in session.cookies, answer.text[:500]
    return session


def post(session: requests.Session, address: str, path: str, data: dict) -> requests.Response:
    return session.post(
        f"{address}{path}",
        data=data,
        headers={"X-CSRFToken": session.cookies["csrftoken"], "Referer": f"{address}/"},
        timeout=30,
    )


def figures_of(page: str) -> str:
    """The page without what changes from one answer to the next (the CSRF token)."""
    return CSRF.sub(r"\1", page)


def test_a_write_through_one_server_is_read_fresh_through_the_other(deployment):
    server_a, server_b = deployment.server(), deployment.server()
    period = deployment.manage(
        "shell",
        "-c",
        "from cases.models import Period; "
        "print(Period.objects.get(dyad__project__slug='small', code='P1').pk)",
    ).splitlines()[-1]
    rita_b = signed_in(server_b, "rita")
    agreement = "/p/small/review/agreement/"

    before = rita_b.get(f"{server_b}{agreement}", timeout=60)
    assert before.status_code == 200
    assert "Updating" not in before.text  # the first view ever, computed in the request

    # Cleo, through server A, judges P1 as carl did: the stage judgments now agree.
    cleo_a = signed_in(server_a, "cleo")
    saved = post(
        cleo_a,
        server_a,
        f"/p/small/judgments/{period}/",
        {"stage": "nascent", "coupling": "", "rationale": "first ties", "version": "0"},
    )
    assert saved.status_code == 200, saved.text[:500]

    # No worker yet: the recomputation waits in the queue, and B shows the figures it had,
    # marked.
    assert deployment.queued() == 1
    stale = rita_b.get(f"{server_b}{agreement}", timeout=60)
    assert "Updating" in stale.text and "Figures as of" in stale.text
    status_url = re.search(r'data-figures-status="([^"]+)"', stale.text).group(1)
    status_url = status_url.replace("&amp;", "&")
    assert rita_b.get(f"{server_b}{status_url}", timeout=30).json()["current"] is False

    deployment.start("worker", "--interval", "0.2", "--no-startup-delay")
    deadline = time.monotonic() + 120
    while not rita_b.get(f"{server_b}{status_url}", timeout=30).json()["current"]:
        assert time.monotonic() < deadline, "the worker did not recompute the figures"
        time.sleep(0.3)

    fresh = rita_b.get(f"{server_b}{agreement}", timeout=60)
    assert "Updating" not in fresh.text
    assert figures_of(fresh.text) != figures_of(before.text)

    assert deployment.queued() == 0

    # The same page computed from scratch, in the request, by the other server.
    deployment.clear_cache()
    rita_a = signed_in(server_a, "rita")
    from_scratch = rita_a.get(f"{server_a}{agreement}", timeout=60)
    assert "Updating" not in from_scratch.text
    assert figures_of(fresh.text) == figures_of(from_scratch.text)
