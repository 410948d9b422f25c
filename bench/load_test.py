"""Load test: 100 coders and 2 reviewers against gunicorn and PostgreSQL on 127.0.0.1.

Each simulated coder signs in through the login form and works through their own queue as a
person would: open the coding page, save a few codings (the htmx endpoint), submit, move on.
Two reviewers meanwhile open the disagreement queue and settle items. Everything is bounded:
a fixed duration, a fixed number of clients, loopback only.

At the end every acknowledged write (a 200 on a save, a redirect on a submit or a decision) is
checked against the database: the audit must find 0 lost writes, and the run must see 0 server
errors and 0 failed requests (a timeout or a refused connection counts as one). The clients
start over the first --ramp seconds, as people arriving, not all in one instant; the p95 of the
saves is reported on its own.

    .venv/bin/python bench/load_test.py [--coders 100] [--reviewers 2] [--seconds 60]
        [--workers 4] [--ramp 10]

Needs PostgreSQL on 127.0.0.1:5432 (trust auth); creates and drops its own database.
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-password"
ITEMS_PER_CODER = 60
CRITERIA = ["AB-T2-TRANS", "AB-T2-ORG", "AB-T3-TRUST", "AB-T3-ID", "D-RESP", "AB-LC-MILPLAN"]


def database_url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sccoder.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def build_project(coders: int, reviewers: int) -> dict:
    """A synthetic project with disagreements for the reviewers, plus fresh items per coder."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from cases.management.synthetic import SyntheticSize, make_synthetic_project
    from cases.models import Assignment, Evidence, Membership, Project

    call_command("migrate", verbosity=0)
    size = SyntheticSize(dyads=2, periods=4, items_per_dyad=400, coders=3, adjudicated_share=0.3)
    project = make_synthetic_project(slug="load", size=size, seed=5, log=lambda _: None)
    User = get_user_model()
    fresh = list(
        Evidence.objects.filter(project=project).order_by("id").values_list("id", flat=True)
    )
    people = {"coders": [], "reviewers": []}
    for i in range(coders):
        user = User.objects.create_user(f"lc{i:02}", password=PASSWORD)
        Membership.objects.create(project=project, user=user, role="coder")
        # Each load coder gets items of their own, in a different order for each.
        mine = fresh[i * 7 % len(fresh) :][:ITEMS_PER_CODER]
        Assignment.objects.bulk_create(Assignment(evidence_id=e, coder=user) for e in mine)
        people["coders"].append(user.username)
    for i in range(reviewers):
        user = User.objects.create_user(f"lr{i}", password=PASSWORD)
        Membership.objects.create(project=project, user=user, role="reviewer")
        people["reviewers"].append(user.username)
    return {"slug": Project.objects.get(pk=project.pk).slug, **people}


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples: list[tuple[str, int, float]] = []
        self.saved: dict[tuple[int, str, str], int | None] = {}
        self.submitted: set[tuple[int, str]] = set()
        self.decided: dict[int, dict[str, int | None]] = {}
        self.client_errors: list[str] = []

    def sample(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.samples.append((kind, status, seconds))


class Client:
    def __init__(self, base: str, username: str, recorder: Recorder):
        self.base, self.username, self.recorder = base, username, recorder
        self.session = requests.Session()

    def request(self, kind: str, method: str, path: str, **kwargs) -> requests.Response:
        started = time.perf_counter()
        response = self.session.request(
            method, self.base + path, allow_redirects=False, timeout=30, **kwargs
        )
        self.recorder.sample(kind, response.status_code, time.perf_counter() - started)
        return response

    def csrf(self) -> str:
        return self.session.cookies.get("csrftoken", "")

    def sign_in(self) -> None:
        self.request("login page", "GET", "/accounts/login/")
        response = self.request(
            "login",
            "POST",
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.csrf(),
            },
            headers={"Referer": self.base + "/accounts/login/"},
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not sign in ({response.status_code})")


def guarded(loop):
    """Run a client's loop; a failed request (a timeout, a refused connection) ends that
    client and is counted as an error, not lost in a thread's traceback."""

    def run(client: Client, *args) -> None:
        try:
            loop(client, *args)
        except Exception as exc:  # a timeout, a refused connection, a page without its form
            with client.recorder.lock:
                client.recorder.client_errors.append(f"{client.username}: {exc!r}")

    return run


def coder_loop(
    client: Client, slug: str, deadline: float, rng: random.Random, delay: float = 0
) -> None:
    time.sleep(delay)
    client.sign_in()
    versions: dict[tuple[int, str], int] = {}
    queue = client.request("queue", "GET", f"/p/{slug}/queue/")
    items = [int(pk) for pk in re.findall(rf'href="/p/{slug}/code/(\d+)/"', queue.text)]
    while time.monotonic() < deadline and items:
        item = items.pop(0)
        client.request("coding page", "GET", f"/p/{slug}/code/{item}/")
        for code in rng.sample(CRITERIA, 3):
            if time.monotonic() >= deadline:
                return
            value = rng.randint(0, 3)
            version = versions.get((item, code), 0)
            response = client.request(
                "save coding",
                "POST",
                f"/p/{slug}/code/{item}/c/{code}/",
                data={"value": str(value), "version": str(version), "note": ""},
                headers={"X-CSRFToken": client.csrf(), "HX-Request": "true"},
            )
            if response.status_code == 200:
                versions[(item, code)] = version + 1
                with client.recorder.lock:
                    client.recorder.saved[(item, code, client.username)] = value
        response = client.request(
            "submit",
            "POST",
            f"/p/{slug}/code/{item}/submit/",
            headers={"X-CSRFToken": client.csrf()},
        )
        if response.status_code == 302:
            with client.recorder.lock:
                client.recorder.submitted.add((item, client.username))
        if not items:
            queue = client.request("queue", "GET", f"/p/{slug}/queue/")
            items = [int(pk) for pk in re.findall(rf'href="/p/{slug}/code/(\d+)/"', queue.text)]


def reviewer_loop(
    client: Client, slug: str, deadline: float, rng: random.Random, offset: int
) -> None:
    time.sleep(offset)
    client.sign_in()
    page = 1 + offset
    while time.monotonic() < deadline:
        listing = client.request(
            "disagreements", "GET", f"/p/{slug}/review/disagreements/?page={page}"
        )
        items = sorted(
            set(int(pk) for pk in re.findall(rf"/p/{slug}/review/item/(\d+)/", listing.text))
        )
        if not items:
            page = 1
            time.sleep(0.2)
            continue
        item = rng.choice(items)
        form = client.request("adjudication page", "GET", f"/p/{slug}/review/item/{item}/")
        codes = re.findall(r'name="codes" value="([^"]+)"', form.text)
        if not codes:
            continue
        data = {
            "csrfmiddlewaretoken": client.csrf(),
            "codes": codes,
            "rationale": f"load test decision by {client.username}",
        }
        values = {}
        for code in codes:
            version = re.search(rf'name="version-{re.escape(code)}" value="(\d+)"', form.text)
            data[f"version-{code}"] = version.group(1) if version else "0"
            value = rng.choice(["", "0", "1", "2", "3"])
            data[f"value-{code}"] = value
            values[code] = int(value) if value else None
        response = client.request(
            "decision",
            "POST",
            f"/p/{slug}/review/item/{item}/",
            data=data,
            headers={"Referer": client.base + form.url},
        )
        if response.status_code == 302:
            with client.recorder.lock:
                client.recorder.decided[item] = values


def audit(recorder: Recorder) -> dict:
    """Every acknowledged write must be in the database (the last acknowledged value wins)."""
    from cases.models import Assignment, Coding, Consensus

    lost = []
    stored = {
        (e, c, u): v
        for e, c, u, v in Coding.objects.filter(evidence__project__slug="load").values_list(
            "evidence_id", "criterion__code", "coder__username", "value"
        )
    }
    for key, value in recorder.saved.items():
        if stored.get(key) != value:
            lost.append(("coding", key, value, stored.get(key)))
    submitted = set(
        Assignment.objects.filter(evidence__project__slug="load", status="submitted").values_list(
            "evidence_id", "coder__username"
        )
    )
    lost += [("submit", key) for key in recorder.submitted if key not in submitted]
    decisions = defaultdict(dict)
    for e, c, v in Consensus.objects.filter(evidence__project__slug="load").values_list(
        "evidence_id", "criterion__code", "value"
    ):
        decisions[e][c] = v
    for item, values in recorder.decided.items():
        if any(decisions[item].get(code, "missing") != v for code, v in values.items()):
            lost.append(("decision", item, values, decisions[item]))
    return {
        "acknowledged_codings": len(recorder.saved),
        "acknowledged_submits": len(recorder.submitted),
        "acknowledged_decisions": len(recorder.decided),
        "lost": len(lost),
        "lost_examples": [repr(x) for x in lost[:5]],
    }


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def summarise(recorder: Recorder, seconds: float) -> dict:
    latencies = [s for _, _, s in recorder.samples]
    by_kind = defaultdict(list)
    for kind, _, s in recorder.samples:
        by_kind[kind].append(s)
    statuses = defaultdict(int)
    for _, status, _ in recorder.samples:
        statuses[status] += 1
    saves = by_kind.get("save coding", [0.0])
    return {
        "save_p50_ms": round(1000 * statistics.median(saves), 1),
        "save_p95_ms": round(1000 * percentile(saves, 95), 1),
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p95_ms": round(1000 * percentile(latencies, 95), 1),
        "p99_ms": round(1000 * percentile(latencies, 99), 1),
        "server_errors": sum(n for status, n in statuses.items() if status >= 500),
        "failed_requests": len(recorder.client_errors),
        "failed_examples": recorder.client_errors[:5],
        "statuses": dict(sorted(statuses.items())),
        "p95_ms_by_kind": {
            k: round(1000 * percentile(v, 95), 1) for k, v in sorted(by_kind.items())
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--coders", type=int, default=100)
    parser.add_argument("--reviewers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which clients start")
    parser.add_argument("--output", type=Path, help="write the results as JSON here too")
    args = parser.parse_args()

    name = f"sccoder_load_{os.getpid()}"
    psql(f"DROP DATABASE IF EXISTS {name}")
    psql(f"CREATE DATABASE {name}")
    server = None
    try:
        setup_django(database_url(name))
        people = build_project(args.coders, args.reviewers)
        env = {
            **os.environ,
            "DATABASE_URL": database_url(name),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "load-test-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE": "0",
            "SCCODER_LOGIN_THROTTLE": "0",
            "SCCODER_MANIFEST_STATIC": "0",
        }
        server = subprocess.Popen(
            [
                str(REPO / ".venv/bin/gunicorn"),
                "sccoder.wsgi",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{args.port}",
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=env,
        )
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(300):  # the workers need a few seconds to start
            try:
                requests.get(base + "/accounts/login/", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        recorder = Recorder()
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=guarded(coder_loop),
                args=(
                    Client(base, u, recorder),
                    people["slug"],
                    deadline,
                    random.Random(i),
                    args.ramp * i / max(1, len(people["coders"])),
                ),
            )
            for i, u in enumerate(people["coders"])
        ]
        threads += [
            threading.Thread(
                target=guarded(reviewer_loop),
                args=(
                    Client(base, u, recorder),
                    people["slug"],
                    deadline,
                    random.Random(100 + i),
                    i,
                ),
            )
            for i, u in enumerate(people["reviewers"])
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        server.terminate()
        server.wait(timeout=30)
        server = None
        results = {
            "coders": args.coders,
            "reviewers": args.reviewers,
            "seconds": round(elapsed, 1),
            "gunicorn_workers": args.workers,
            **summarise(recorder, elapsed),
            "audit": audit(recorder),
        }
    finally:
        if server is not None:
            server.terminate()
        from django.db import connections

        connections.close_all()
        psql(f"DROP DATABASE IF EXISTS {name}")
    print(json.dumps(results, indent=2))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=2) + "\n")
    ok = (
        results["server_errors"] == 0
        and results["failed_requests"] == 0
        and results["audit"]["lost"] == 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
