"""gunicorn with the project's gunicorn.conf.py: a few slow clients do not stall the site.

A real gunicorn process, debug off, on a free loopback port and a migrated SQLite file. Slow
clients ("slow loris") open connections and send their request headers a line at a time, never
finishing; with sync workers, as many of them as there are workers blocked every page.
"""

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cases.tests.cli import REPO

WORKERS = 2  # few, so that the slow clients outnumber them; threads are the file's default
SLOW_CLIENTS = 5


def server_environment(database: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SCCODER_"))}
    return {
        **environment,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "gunicorn-test-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE": "0",  # plain HTTP on loopback
        "SCCODER_MANIFEST_STATIC": "0",  # no collectstatic for a test
        "SCCODER_BIND": "127.0.0.1:0",  # the system picks a free port
        "SCCODER_WORKERS": str(WORKERS),
    }


@pytest.fixture
def server(cli_database, tmp_path):
    log = tmp_path / "gunicorn.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(REPO / "gunicorn.conf.py")],
            cwd=REPO,
            env=server_environment(cli_database),
            stdout=sink,
            stderr=sink,
        )
    try:
        port = wait_for_workers(process, log)
        yield port, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_workers(process: subprocess.Popen, log: Path) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = log.read_text()
        assert process.poll() is None, text
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", text)
        if found and text.count("Booting worker") >= WORKERS:
            port = int(found.group(1))
            try:
                if get(port, "/accounts/login/")[0] == 200:
                    return port
            except OSError:
                pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start:\n" + log.read_text())


def get(port: int, path: str) -> tuple[int, float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        connection.close()


class SlowClients:
    """Connections that send a request line, then one more header line every half second."""

    def __init__(self, port: int, count: int):
        self.sockets = []
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.sockets.append(sock)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.dribble, daemon=True)
        self.thread.start()

    def dribble(self) -> None:
        line = 0
        while not self.stop.wait(0.5):
            line += 1
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.sendall(b"X-Slow-%d: x\r\n" % line)

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        for sock in self.sockets:
            sock.close()


def test_the_configuration_uses_threaded_workers_and_request_limits():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--print-config"],
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if not k.startswith("SCCODER_")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    config = {name.strip(): value.strip() for name, value in pairs}
    assert config["worker_class"] == "gthread"
    assert int(config["threads"]) > 1
    assert config["worker_connections"] == config["threads"]
    assert int(config["limit_request_fields"]) <= 100
    assert int(config["timeout"]) > 0 and int(config["graceful_timeout"]) > 0


def test_a_page_still_answers_quickly_while_slow_clients_hold_connections(server):
    port, log = server
    slow = SlowClients(port, SLOW_CLIENTS)
    try:
        time.sleep(1.5)  # every slow connection accepted and a few header lines in
        for _ in range(6):  # enough requests to meet every worker
            status, seconds = get(port, "/accounts/login/")
            assert status == 200
            assert seconds < 5, f"a normal request took {seconds:.1f} s"
        # The slow clients were still being served, not dropped: the test measured the stall.
        for sock in slow.sockets:
            sock.sendall(b"X-Still-There: 1\r\n")
    finally:
        slow.close()
