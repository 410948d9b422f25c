"""The scale benchmark on an older revision and on this one, in one run on the same machine.

For each side (the older revision first, then this checkout, or alternating with --rounds 2):

1. a PostgreSQL database of its own is created and migrated by that side's code, and the same
   synthetic projects are built in it by that side's `make_synthetic` (the data are the same:
   the generator is seeded), then ANALYZEd; with --history each coding, consensus and
   assignment gets one history row, as the application's saves leave (bulk-inserted synthetic
   data have none, and the cache's fingerprint reads them);
2. this checkout's `bench/scale_bench.py` runs in that side's tree (the older one is a
   temporary `git worktree` of the revision, with this `scale_bench.py` copied in), so both
   sides time the same requests the same way.

Then it prints each page's p50/p95 side by side with the ratio old/new, and the computations
(agreement cold, classification, codings CSV rows/s), and writes
bench/results/old-vs-new-<timestamp>.json. Both sides use the virtualenv this script runs in.

    .venv/bin/python bench/old_vs_new.py --old 4765964 [--requests 30] [--sizes full]
        [--rounds 1] [--history] [--keep]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
PYTHON = sys.executable

# One history row per coding, consensus and assignment, with that side's models.
HISTORY = """
import importlib.util, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sccoder.settings")
sys.path.insert(0, os.getcwd())
django.setup()
from cases.models import Assignment, Coding, Consensus
spec = importlib.util.spec_from_file_location("copy_bench", sys.argv[1])
copy_bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(copy_bench)
copy_bench.write_history([Coding, Consensus, Assignment])
"""


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True)


def run(tree: Path, database: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}"}
    env.pop("REDIS_URL", None)  # both sides with their embedded default cache
    subprocess.run([PYTHON, *args], cwd=tree, env=env, check=True)


def prepare(tree: Path, database: str, sizes: dict, history: bool) -> None:
    psql(f"DROP DATABASE IF EXISTS {database}")
    psql(f"CREATE DATABASE {database}")
    run(tree, database, "manage.py", "migrate", "-v0")
    for label, dyads in sizes.items():
        slug = f"scale-{label}"
        run(tree, database, "manage.py", "make_synthetic", f"--slug={slug}", f"--dyads={dyads}")
    if history:
        run(tree, database, "-c", HISTORY, str(REPO / "bench" / "copy_bench.py"))
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", database, "-c", "ANALYZE"],
        check=True,
    )


def bench(tree: Path, database: str, requests: int, sizes: str) -> dict:
    out_dir = tree / "bench" / "results"
    known = set(out_dir.glob("scale-*.json")) if out_dir.exists() else set()
    run(
        tree,
        database,
        "bench/scale_bench.py",
        f"--reuse={database}",
        f"--requests={requests}",
        f"--sizes={sizes}",
    )
    new = sorted(set(out_dir.glob("scale-*.json")) - known)
    return json.loads(new[-1].read_text())


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def side_by_side(old: dict, new: dict) -> list[dict]:
    rows = []
    for label, entry in new["sizes"].items():
        old_pages = {p["name"]: p for p in old["sizes"].get(label, {}).get("pages", [])}
        for page in entry["pages"]:
            before = old_pages.get(page["name"])
            rows.append(
                {
                    "size": label,
                    "page": page["name"],
                    "old_p50": before and before["p50_ms"],
                    "old_p95": before and before["p95_ms"],
                    "new_p50": page["p50_ms"],
                    "new_p95": page["p95_ms"],
                    "old_queries": before and before["queries"],
                    "new_queries": page["queries"],
                }
            )
    return rows


def print_rows(rows: list[dict], old: dict, new: dict) -> None:
    print(
        f"{'page':30}{'old p50':>10}{'old p95':>10}{'new p50':>10}{'new p95':>10}"
        f"{'p95 old/new':>13}{'queries':>12}"
    )
    for row in rows:
        ratio = f"{row['old_p95'] / row['new_p95']:.1f}x" if row["old_p95"] else "-"
        old_p50 = f"{row['old_p50']:.0f}" if row["old_p50"] is not None else "-"
        old_p95 = f"{row['old_p95']:.0f}" if row["old_p95"] is not None else "-"
        mark = "" if row["new_p95"] < 100 else " over"
        print(
            f"{row['size'] + ' ' + row['page']:30}{old_p50:>10}{old_p95:>10}"
            f"{row['new_p50']:>10.0f}{row['new_p95']:>10.0f}{ratio:>13}"
            f"{str(row['old_queries']) + ' → ' + str(row['new_queries']):>12}{mark}"
        )
    for label in new["sizes"]:
        print(f"{label} computations, old: {json.dumps(old['sizes'][label].get('computations'))}")
        print(f"{label} computations, new: {json.dumps(new['sizes'][label].get('computations'))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", required=True, help="the older git revision")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--sizes", default="full", help="full, small or full,small")
    parser.add_argument("--dyads", type=int, default=50)
    parser.add_argument("--small-dyads", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1, help="old then new, this many times")
    parser.add_argument("--history", action="store_true", help="one history row per row")
    parser.add_argument("--keep", action="store_true", help="keep both databases")
    args = parser.parse_args()

    revision = subprocess.run(
        ["git", "rev-parse", "--short", args.old],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    here = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    sizes = {"full": args.dyads, "small": args.small_dyads}
    sizes = {k: v for k, v in sizes.items() if k in args.sizes.split(",")}
    old_tree = Path(tempfile.mkdtemp(prefix="sccoder-old-"))
    old_db, new_db = f"sccoder_old_{os.getpid()}", f"sccoder_new_{os.getpid()}"
    subprocess.run(
        ["git", "worktree", "add", "--detach", "--force", str(old_tree), revision],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    try:
        shutil.copy(REPO / "bench" / "scale_bench.py", old_tree / "bench" / "scale_bench.py")
        print(f"preparing {revision} (old) and {here} (new)", file=sys.stderr, flush=True)
        prepare(old_tree, old_db, sizes, args.history)
        prepare(REPO, new_db, sizes, args.history)
        runs = []
        for n in range(args.rounds):
            print(f"round {n + 1}: old, load {load_average()}", file=sys.stderr, flush=True)
            old = bench(old_tree, old_db, args.requests, ",".join(sizes))
            print(f"round {n + 1}: new, load {load_average()}", file=sys.stderr, flush=True)
            new = bench(REPO, new_db, args.requests, ",".join(sizes))
            runs.append({"old": old, "new": new, "rows": side_by_side(old, new)})
            print_rows(runs[-1]["rows"], old, new)
        RESULTS.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        out = RESULTS / f"old-vs-new-{stamp}.json"
        out.write_text(
            json.dumps(
                {"old": revision, "new": here, "history": args.history, "runs": runs}, indent=2
            )
            + "\n"
        )
        print(f"\nwrote {out.relative_to(REPO)}")
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(old_tree)], cwd=REPO, check=False
        )
        if not args.keep:
            psql(f"DROP DATABASE IF EXISTS {old_db}")
            psql(f"DROP DATABASE IF EXISTS {new_db}")


if __name__ == "__main__":
    main()
