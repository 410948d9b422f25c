"""The codings CSV through COPY, and the per-project fingerprint, on a 25,000-item project.

Uses an existing PostgreSQL database (DATABASE_URL, migrated), builds the synthetic project
with `make_synthetic` when it is missing, then measures in this process, best of N:

- export: rows/s of the row writer (``csv_chunks(codings_table(…))``), of the COPY writer
  (``codings_copy_chunks``, citations included) and of the bare COPY of the same rows with the
  citations already formatted (what PostgreSQL and psycopg can do at most), and checks that
  both writers give the same bytes;
- fingerprint: ``project_fingerprint`` of the synthetic project, and with --against REV the
  fingerprint of that git revision's cases/lib/cache.py in the same run (first look with the
  cache emptied, later looks, and looks after a write), and the COPY writer of that revision
  (cases/exports/codings_copy.py) alternating with this one's, with their bare COPYs: the
  same bytes, best of N each, and the ratio now / before; --copy-only runs just that
  comparison (no row writer, no fingerprint). Bulk-inserted
  synthetic data have no history rows, which the fingerprint reads: --history first writes
  one history row per coding, consensus and assignment, as the application's saves do.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/copy_bench.py \
        [--slug synthetic] [--repeats 3] [--history] [--against REV] [--copy-only]
"""

import argparse
import os
import subprocess
import sys
import time
import types
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def best(repeats: int, run) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def write_history(models) -> None:
    """One '+' history row per row of each model, in SQL (what a save per row would leave)."""
    from django.db import connection

    for model in models:
        history = model.history.model
        kept = {f.column for f in history._meta.concrete_fields}  # history may leave some out
        columns = [f.column for f in model._meta.concrete_fields if f.column in kept]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {history._meta.db_table}")
            if cursor.fetchone()[0]:
                continue
            names = ", ".join(f'"{c}"' for c in columns)
            cursor.execute(
                f"INSERT INTO {history._meta.db_table} ({names}, history_date, history_type) "
                f"SELECT {names}, now(), '+' FROM {model._meta.db_table} ORDER BY id"
            )
        print(f"history: {model.__name__}, {model.objects.count():,} rows")


def old_module(revision: str, path: str) -> types.ModuleType:
    """The module at ``path`` as it was at git ``revision`` (its imports from this tree)."""
    text = subprocess.run(
        ["git", "show", f"{revision}:{path}"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType(f"old_{Path(path).stem}")
    exec(compile(text, f"{revision}:{path}", "exec"), module.__dict__)
    return module


def old_fingerprint(revision: str):
    return old_module(revision, "cases/lib/cache.py").project_fingerprint


def bare_copy(module, project, scope_sql: str) -> int:
    """Bytes of ``module``'s COPY of a reviewer's codings, citations formatted beforehand."""
    from django.db import connection, transaction

    cites = module._cites(project)
    query = module.codings_query(raw=False, scope=scope_sql)
    params = {"slug": project.slug, "project": project.pk, "missing": module.MISSING, **cites}
    size = 0
    with transaction.atomic(), connection.cursor() as wrapper:
        if hasattr(module, "SETTINGS"):
            wrapper.execute(module.SETTINGS)
        else:  # revisions before the settings statement
            wrapper.execute("SELECT set_config('work_mem', %s, true)", [module.SORT_MEMORY])
        with wrapper.cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for data in copy:
                size += len(data)
    return size


def copy_against(revision: str, project, scope, repeats: int) -> None:
    """This COPY writer and ``revision``'s, alternating in this process, best of ``repeats``."""
    from cases.exports import codings_copy

    former = old_module(revision, "cases/exports/codings_copy.py")
    where = "a.status = 'submitted'"
    runs = {
        "COPY writer, before": lambda: "".join(former.codings_copy_chunks(project, scope)),
        "COPY writer, now": lambda: "".join(codings_copy.codings_copy_chunks(project, scope)),
        "bare COPY, before": lambda: bare_copy(former, project, where),
        "bare COPY, now": lambda: bare_copy(codings_copy, project, where),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    outputs: dict[str, object] = {}
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            outputs[name] = run()
            times[name].append(time.perf_counter() - start)
    before, now = outputs["COPY writer, before"], outputs["COPY writer, now"]
    assert before == now, "the two COPY writers differ"
    rows = now.count("\n") - 1
    fastest = {name: min(seconds) for name, seconds in times.items()}
    print(f"\ncodings CSV against {revision}, {rows:,} rows, identical: yes, best of {repeats}")
    print(f"{'writer':<22}{'s':>8}{'rows/s':>12}  all runs (s)")
    for name, seconds in times.items():
        runs_text = " ".join(f"{s:.2f}" for s in seconds)
        print(f"{name:<22}{fastest[name]:8.2f}{rows / fastest[name]:12,.0f}  {runs_text}")
    writer = fastest["COPY writer, before"] / fastest["COPY writer, now"]
    bare = fastest["bare COPY, before"] / fastest["bare COPY, now"]
    print(f"now / before: COPY writer {writer:.2f}×, bare COPY {bare:.2f}×")
    for when in ("before", "now"):
        share = fastest[f"bare COPY, {when}"] / fastest[f"COPY writer, {when}"]
        print(f"writer at {share:.0%} of its bare COPY ({when})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--slug", default="synthetic")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--history", action="store_true")
    parser.add_argument(
        "--against", help="a git revision whose fingerprint and COPY writer to time too"
    )
    parser.add_argument(
        "--copy-only", action="store_true", help="with --against: only the COPY writers"
    )
    options = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a migrated PostgreSQL database.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sccoder.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    from cases.exports import codings_copy
    from cases.exports.csv_exports import csv_chunks
    from cases.exports.item_tables import codings_table
    from cases.exports.scope import export_scope
    from cases.lib.cache import project_fingerprint
    from cases.models import Assignment, Coding, Consensus, Membership, Project

    if not Project.objects.filter(slug=options.slug).exists():
        call_command("make_synthetic", slug=options.slug)
    project = Project.objects.get(slug=options.slug)
    reviewer = Membership.objects.filter(project=project, role="reviewer").first()
    scope = export_scope(reviewer)

    if options.copy_only and options.against:
        copy_against(options.against, project, scope, options.repeats)
        return
    # --- export
    old_time, old = best(
        options.repeats, lambda: "".join(csv_chunks(codings_table(project, scope)))
    )
    new_time, new = best(
        options.repeats, lambda: "".join(codings_copy.codings_copy_chunks(project, scope))
    )
    rows = old.count("\n") - 1
    assert old == new, "the two writers differ"
    copy_time, _ = best(
        options.repeats, lambda: bare_copy(codings_copy, project, "a.status = 'submitted'")
    )
    cite_time, _ = best(options.repeats, lambda: codings_copy._cites(project))
    print(f"\ncodings CSV, {rows:,} rows, {len(old.encode()):,} bytes, identical: yes")
    print(f"{'writer':<34}{'s':>8}{'rows/s':>12}{'vs row writer':>15}")
    for name, seconds in (
        ("row writer", old_time),
        ("COPY writer (citations included)", new_time),
        ("citations alone", cite_time),
        ("bare COPY of the same rows", copy_time),
    ):
        rate = f"{rows / seconds:,.0f}" if name != "citations alone" else ""
        print(f"{name:<34}{seconds:8.2f}{rate:>12}{old_time / seconds:14.1f}×")
    if options.against:
        copy_against(options.against, project, scope, options.repeats)

    # --- fingerprint
    if options.history:
        write_history([Coding, Consensus, Assignment])
    from django.core.cache import cache

    def cold(function):
        cache.clear()  # what a first look pays (the newest ids kept in the cache forgotten)
        return function(project)

    coding = Coding.objects.filter(evidence__project=project).order_by().first()

    def after_a_write(function):
        coding.save()  # one more history row (a few milliseconds of the time shown)
        return function(project)

    timings = [
        ("per project, first look", lambda: cold(project_fingerprint)),
        ("per project, later", lambda: project_fingerprint(project)),
        ("per project, after a write", lambda: after_a_write(project_fingerprint)),
    ]
    if options.against:
        former = old_fingerprint(options.against)
        timings.append((f"all projects ({options.against})", lambda: former(project)))
    repeats = max(options.repeats, 10)
    print(f"\nfingerprint of {options.slug}, best of {repeats}, {settings_cache()}")
    for name, function in timings:
        seconds, _ = best(repeats, function)
        print(f"{name:<34}{seconds * 1000:8.1f} ms")


def settings_cache() -> str:
    from django.conf import settings

    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


if __name__ == "__main__":
    main()
