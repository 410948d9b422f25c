"""Scale benchmark: the pages and computations on a 25,000-item project on PostgreSQL.

Builds its own database on 127.0.0.1:5432 (trust auth), migrates it, builds two synthetic
projects with `make_synthetic` (the full size and a small one, to show that the number of
queries per page does not grow with the project), then measures in this process, through
Django's WSGI handler:

- pages: coding page (a coder), evidence list (first page, and a page filtered by dyad and
  criterion), agreement page, report page of one dyad and comparison page (reviewer; each
  cold = the cached pages forgotten before every request, as after a change of the data, and
  warm; the report also as in a fresh process, its remembered citations forgotten too; and
  each after a write, as the first reader after a change meets them with the figures
  recomputed in the background):
  p50/p95 over N requests after a warm-up, and the largest number of queries one request made;
- the whole-project agreement computation (cold), the classification of every dyad, and the
  codings CSV export (rows/s and the peak of Python allocations, tracemalloc).

With --explain it also runs EXPLAIN (ANALYZE) on every query the pages made on the full project
and lists the sequential scans of the project's tables.

    .venv/bin/python bench/scale_bench.py [--dyads 50] [--small-dyads 5] [--requests 30]
        [--explain] [--keep] [--reuse NAME]

Prints a table and writes JSON to bench/results/scale-<timestamp>.json (git-ignored).
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
# Tables big enough that a sequential scan over them on a page is worth an index.
LARGE_TABLES = {
    "cases_evidence",
    "cases_coding",
    "cases_assignment",
    "cases_consensus",
    "cases_historicalcoding",
    "cases_historicalevidence",
}


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True)


def setup_django(name: str) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sccoder.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test Client's "testserver" host, in-memory e-mail


def build(slug: str, dyads: int) -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("make_synthetic", slug=slug, dyads=dyads, replace=True)
    return time.perf_counter() - started


# --- pages -------------------------------------------------------------------------------------


def page_plan(slug: str) -> list[dict]:
    """The requests to time for one project: (name, persona, url, clears the cache first)."""
    from cases.models import Criterion, Dyad, Evidence, Project

    project = Project.objects.get(slug=slug)
    dyads = list(Dyad.objects.filter(project=project).order_by("code"))
    middle = dyads[len(dyads) // 2]
    item = Evidence.objects.filter(dyad=middle).order_by("key")[len(dyads) % 7 + 10]
    criterion = Criterion.objects.filter(codebook_id=project.codebook_id).order_by("order")[0]
    coder, reviewer = f"{slug}-coder1", f"{slug}-reviewer"
    admin = bench_admin(project, f"{slug}-admin")
    base = f"/p/{slug}/"
    return [
        {"name": "coding page", "user": coder, "url": f"{base}code/{item.pk}/"},
        {"name": "evidence list, page 1", "user": coder, "url": f"{base}evidence/"},
        {
            "name": "evidence list, filtered",
            "user": reviewer,
            "url": f"{base}evidence/?dyad={middle.code}&criterion={criterion.code}&page=2",
        },
        {
            "name": "agreement (cold)",
            "user": reviewer,
            "url": f"{base}review/agreement/",
            "cold": 1,
        },
        {"name": "agreement (warm)", "user": reviewer, "url": f"{base}review/agreement/"},
        {
            "name": "report (cold)",
            "user": reviewer,
            "url": f"{base}reports/{middle.code}/",
            "cold": 1,
        },
        {
            "name": "report (fresh process)",
            "user": reviewer,
            "url": f"{base}reports/{middle.code}/",
            "cold": "fresh",
        },
        {"name": "report (warm)", "user": reviewer, "url": f"{base}reports/{middle.code}/"},
        {"name": "comparison (cold)", "user": reviewer, "url": f"{base}reports/", "cold": 1},
        {"name": "comparison (warm)", "user": reviewer, "url": f"{base}reports/"},
        # The first reader after a write, as a reader meets it now: the figures computed
        # before the write, marked updating, while the queued task (no worker runs here)
        # would recompute them. The "cold" rows above are the same reader when figures were
        # computed in the request (a write moved the fingerprint: nothing cached for it).
        {
            "name": "agreement (after a write)",
            "user": reviewer,
            "url": f"{base}review/agreement/",
            "cold": "write",
        },
        {
            "name": "report (after a write)",
            "user": reviewer,
            "url": f"{base}reports/{middle.code}/",
            "cold": "write",
        },
        {
            "name": "comparison (after a write)",
            "user": reviewer,
            "url": f"{base}reports/",
            "cold": "write",
        },
        # The other pages with figures kept under the project's fingerprint, read first after
        # a write the same way: the disagreement queue's ids, the project home's every-coder
        # figures, the overrides' derived values (none here: the project has no override) and
        # the assignments page's coverage and progress.
        *(
            {"name": f"{name} (after a write)", "user": user, "url": base + path, "cold": "write"}
            for name, user, path in (
                ("disagreements", reviewer, "review/disagreements/"),
                ("project home", reviewer, ""),
                ("overrides", reviewer, "review/overrides/"),
                ("assignments", admin, "assignments/"),
            )
        ),
        # The charts, the report's JSON and the rounds' trend are figures of their own, served
        # the same way after a write.
        {
            "name": "agreement chart (after a write)",
            "user": reviewer,
            "url": f"{base}review/agreement.svg",
            "cold": "write",
        },
        {
            "name": "report JSON (after a write)",
            "user": reviewer,
            "url": f"{base}reports/{middle.code}/report.json",
            "cold": "write",
        },
        {
            "name": "stage chart (after a write)",
            "user": reviewer,
            "url": f"{base}reports/{middle.code}/stages.svg",
            "cold": "write",
        },
        {"name": "rounds (after a write)", "user": admin, "url": f"{base}rounds/", "cold": "write"},
    ] + [
        # Every other page a member reads, warm.
        {"name": name, "user": user, "url": path if path.startswith("/") else base + path}
        for name, user, path in (
            ("projects (home)", coder, "/"),
            ("project home", reviewer, ""),
            ("project home (coder)", coder, ""),
            ("queue (coder)", coder, "queue/"),
            ("queue, all (coder)", coder, "queue/?show=all"),
            ("codebook", coder, "codebook/"),
            ("codebook versions", coder, "codebook/versions/"),
            ("evidence item", reviewer, f"evidence/{item.pk}/"),
            ("evidence edit", admin, f"evidence/{item.pk}/edit/"),
            ("project memos", reviewer, "memos/"),
            ("notifications", coder, "notifications/"),
            ("bibliography", reviewer, "sources/"),
            ("judgments (coder)", coder, "judgments/"),
            ("agreement chart", reviewer, "review/agreement.svg"),
            ("disagreements", reviewer, "review/disagreements/"),
            ("review item", reviewer, f"review/item/{item.pk}/"),
            ("overrides", reviewer, "review/overrides/"),
            ("stage chart", reviewer, f"reports/{middle.code}/stages.svg"),
            ("report JSON", reviewer, f"reports/{middle.code}/report.json"),
            ("exports", reviewer, "exports/"),
            ("assignments (admin)", admin, "assignments/"),
            ("rounds", admin, "rounds/"),
        )
    ]


def bench_admin(project, name: str) -> str:
    """The synthetic project has no admin: one is added for the admins' pages."""
    from django.contrib.auth import get_user_model

    from cases.models import Membership, Role

    user, _ = get_user_model().objects.get_or_create(username=name)
    Membership.objects.get_or_create(project=project, user=user, defaults={"role": Role.ADMIN})
    return name


def time_page(spec: dict, requests: int, warmup: int = 3) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # Signed in with the test Client, but timed through Django's WSGI handler, the path gunicorn
    # calls: the test Client keeps every rendered template context alive for its assertions,
    # and collecting that garbage made the tail of the timings (p95 up to 5 times the median).
    client = Client()
    client.force_login(get_user_model().objects.get(username=spec["user"]))
    get = wsgi_get(spec["url"], "; ".join(f"{k}={v.value}" for k, v in client.cookies.items()))
    cold = spec.get("cold")
    parts = spec["url"].split("/")
    if not cold and parts[1] == "p":
        # A warm page is read once the worker has caught up with the writes before it (an
        # "after a write" row leaves its recomputation queued: no worker runs here).
        catch_up(parts[2])
    times, queries, sql = [], [], []
    for n in range(warmup + requests):
        if cold == "fresh":
            forget_everything(cache)
        elif cold == "write":
            a_write(spec["url"].split("/")[2])
        elif cold:
            cache.clear()
        # The log keeps 9,000 queries at most; once full, a capture would count none.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            status = get()
            elapsed = time.perf_counter() - started
        if status != 200:
            raise SystemExit(f"{spec['name']}: HTTP {status} for {spec['url']}")
        if n >= warmup:
            times.append(elapsed * 1000)
            queries.append(len(captured))
        if n == 0:
            sql = [q["sql"] for q in captured.captured_queries]
    print(
        f"  {spec['name']}: p95 {percentile(times, 95):.0f} ms, {max(queries)} queries",
        file=sys.stderr,
        flush=True,
    )
    return {
        "name": spec["name"],
        "url": spec["url"],
        "persona": spec["user"],
        "requests": requests,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "max_ms": round(max(times), 1),
        "queries": max(queries),
        "_sql": sql,
    }


def wsgi_get(url: str, cookie: str):
    """A function that GETs ``url`` through Django's WSGI handler, reads the whole body and
    returns the status code."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    handler = WSGIHandler()
    path, _, query = url.partition("?")

    def get() -> int:
        environ = RequestFactory()._base_environ(
            PATH_INFO=path, QUERY_STRING=query, HTTP_COOKIE=cookie
        )
        seen = {}
        body = handler(environ, lambda status, headers: seen.setdefault("status", status))
        for _ in body:  # the response is produced as it is read
            pass
        body.close()
        return int(seen["status"].split()[0])

    return get


def a_write(slug: str) -> None:
    """One coding saved again, as a coder's save does: a history row, a new fingerprint, and
    (once the write commits) the recomputation asked for."""
    from cases.models import Coding

    coding = Coding.objects.filter(evidence__project__slug=slug).order_by("pk").first()
    coding.save()


def catch_up(slug: str) -> None:
    """What the background worker does after writes: every page read so far recomputed for
    the project's data as they are, the queued request forgotten. Code from before the
    background figures (bench/old_vs_new.py's older side) has nothing to catch up."""
    try:
        from cases.lib.fresh_figures import recompute
    except ImportError:
        return
    from cases.models import Project

    project = Project.objects.filter(slug=slug).first()
    if project is not None:
        recompute(project.pk)


def forget_everything(cache) -> None:
    """A process that has computed nothing yet: no cached pages, no remembered citations."""
    from cases.reports import citing
    from cases.sources import citations

    cache.clear()
    citations._CITES.clear()
    citing._formatted.cache_clear()


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


# --- EXPLAIN -----------------------------------------------------------------------------------


def seq_scans(sql_list: list[str]) -> list[dict]:
    """Sequential scans of the large tables in these queries' actual plans."""
    from django.db import connection

    found = []
    with connection.cursor() as cursor:
        for sql in sql_list:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0][0]
            for node in walk(plan["Plan"]):
                if node.get("Node Type") == "Seq Scan" and node["Relation Name"] in LARGE_TABLES:
                    found.append(
                        {
                            "table": node["Relation Name"],
                            "filter": node.get("Filter", ""),
                            "rows_removed": node.get("Rows Removed by Filter", 0),
                            "loops": node.get("Actual Loops", 1),
                            "query_ms": round(plan["Execution Time"], 1),
                            "sql": sql[:400],
                        }
                    )
    return found


def walk(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from walk(child)


# --- computations ------------------------------------------------------------------------------


def computations(slug: str) -> dict:
    from django.core.cache import cache

    from cases.classification.inputs import classify_project
    from cases.exports.csv_exports import write_codings_csv
    from cases.models import Coding, Dyad, Membership, Project
    from cases.review.reliability import agreement_figures

    project = Project.objects.get(slug=slug)
    cache.clear()
    started = time.perf_counter()
    agreement_figures(project, draws=1000, seed=1)  # what the agreement page computes, cold
    agreement_s = time.perf_counter() - started

    started = time.perf_counter()
    classified = classify_project(project)
    classify_s = time.perf_counter() - started

    reviewer = Membership.objects.select_related("user").get(
        project=project, user__username=f"{slug}-reviewer"
    )
    sink = CountingSink()
    started = time.perf_counter()
    write_codings_csv(sink, project, viewer=reviewer)
    export_s = time.perf_counter() - started
    # Memory in a second run: tracemalloc slows Python down, so it stays out of the timing.
    tracemalloc.start()
    write_codings_csv(CountingSink(), project, viewer=reviewer)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows = sink.lines - 1  # the header
    expected = Coding.objects.filter(evidence__project=project).count()
    return {
        "dyads": Dyad.objects.filter(project=project).count(),
        "agreement_cold_s": round(agreement_s, 3),
        "classify_all_s": round(classify_s, 3),
        "classified_dyads": len(classified["dyads"]),
        "csv_rows": rows,
        "csv_rows_expected": expected,
        "csv_s": round(export_s, 3),
        "csv_rows_per_s": round(rows / export_s),
        "csv_mib": round(sink.chars / 2**20, 1),
        "csv_peak_python_mib": round(peak / 2**20, 1),
    }


class CountingSink(io.TextIOBase):
    """A text file that keeps nothing: counts characters and lines, so memory stays the export's."""

    def __init__(self):
        self.chars = 0
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.chars += len(text)
        self.lines += text.count("\n")
        return len(text)


# --- report ------------------------------------------------------------------------------------


def print_pages(sizes: dict) -> None:
    labels = list(sizes)
    head = f"{'page':28}" + "".join(
        f"{f'{s} p50':>12}{f'{s} p95':>12}{f'{s} q':>9}" for s in labels
    )
    print(head)
    print("-" * len(head))
    by_name = {s: {p["name"]: p for p in sizes[s]["pages"]} for s in labels}
    for name in by_name[labels[0]]:
        line = f"{name:28}"
        for s in labels:
            p = by_name[s][name]
            line += f"{p['p50_ms']:>12.1f}{p['p95_ms']:>12.1f}{p['queries']:>9}"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dyads", type=int, default=50)
    parser.add_argument("--small-dyads", type=int, default=5)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--explain", action="store_true", help="list sequential scans")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", metavar="NAME", help="use this existing benchmark database")
    parser.add_argument("--pages", help="only the pages whose names contain one of these (a,b)")
    parser.add_argument("--sizes", default="full,small", help="which projects: full, small")
    args = parser.parse_args()

    name = args.reuse or f"sccoder_scale_{os.getpid()}"
    if not args.reuse:
        psql(f"CREATE DATABASE {name}")
    print(f"database {name}", file=sys.stderr, flush=True)
    try:
        setup_django(name)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        sizes = {"full": args.dyads, "small": args.small_dyads}
        sizes = {k: v for k, v in sizes.items() if k in args.sizes.split(",")}
        wanted = args.pages.split(",") if args.pages else None
        results: dict = {
            "database": "PostgreSQL " + connection.pg_version.__str__(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "requests_per_page": args.requests,
            "sizes": {},
        }
        for label, dyads in sizes.items():
            slug = f"scale-{label}"
            built = None
            if not args.reuse:
                built = round(build(slug, dyads), 1)
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            print(f"{slug}: {dyads} dyads (built in {built} s)", file=sys.stderr, flush=True)
            plan = [
                spec
                for spec in page_plan(slug)
                if wanted is None or any(w in spec["name"] for w in wanted)
            ]
            pages = [time_page(spec, args.requests) for spec in plan]
            entry = {"dyads": dyads, "build_s": built, "pages": pages}
            if label == "full" and args.explain:
                entry["seq_scans"] = {
                    p["name"]: seq_scans(p["_sql"]) for p in pages if "warm" not in p["name"]
                }
            if wanted is None:
                entry["computations"] = computations(slug)
            for p in pages:
                del p["_sql"]
            results["sizes"][label] = entry
        print_pages(results["sizes"])
        print()
        for label, entry in results["sizes"].items():
            print(label, json.dumps(entry.get("computations")))
            for page, scans in entry.get("seq_scans", {}).items():
                for scan in scans:
                    print(
                        f"  seq scan on {page}: {scan['table']} filter={scan['filter'][:90]} "
                        f"removed={scan['rows_removed']} loops={scan['loops']} "
                        f"query={scan['query_ms']} ms"
                    )
        RESULTS.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        out = RESULTS / f"scale-{stamp}.json"
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nwrote {out.relative_to(REPO)}")
    finally:
        if not (args.keep or args.reuse):
            from django.db import connections

            connections.close_all()
            psql(f"DROP DATABASE IF EXISTS {name}")


if __name__ == "__main__":
    main()
