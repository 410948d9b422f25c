"""The backups docs/deploy.md documents restore everything, row for row.

A bundle is an exchange format (it leaves out the audit history, who created what, submission
times and version numbers), so the backup is the database itself. These tests make a project
with history (a changed coding, a submission, an adjudication, an edited item), back the
database up with the commands the deployment guide gives, restore it into a fresh database and
compare every row of every table: the project's tables, their history tables and the accounts.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from cases.bundles import import_bundle
from cases.coding.actions import save_coding, submit_assignment
from cases.models import Assignment, Coding, Consensus, Criterion, Evidence
from cases.review.adjudication import adjudicate_item, decision_codes
from cases.tests.bundle_factory import small_bundle
from cases.tests.cli import REPO, manage

DEPLOY = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")

# The commands of docs/deploy.md's "Backups" section, as the tests run them.
PG_DUMP = ["pg_dump", "--format=custom", "--file={dump}", "{database_url}"]
PG_RESTORE = ["pg_restore", "--no-owner", "--exit-on-error", "--dbname={restore_url}", "{dump}"]
SQLITE_BACKUP = ["sqlite3", "{database}", ".backup '{backup}'"]
PYTHON_BACKUP = (
    "import sqlite3; src, dst = sqlite3.connect('{database}'), sqlite3.connect('{backup}'); "
    "src.backup(dst); dst.close()"
)
DUMPDATA = [
    "dumpdata",
    "--natural-foreign",
    "--natural-primary",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--output={dump}",
]


def make_project_with_history() -> None:
    """The small project, then what a few days of work leave behind: an item edited by its
    author, a coding changed, an item submitted, a decision revised by the reviewer."""
    project = import_bundle(small_bundle())
    people = {u.username: u for u in get_user_model().objects.all()}
    item = Evidence.objects.get(project=project, key="E2")
    item.created_by, item.summary = people["ada"], "Friendship treaty, signed in Paris."
    item.save()
    draft = Evidence.objects.get(project=project, key="E3")
    trust = Criterion.objects.get(codebook=project.codebook, code="AB-T3-TRUST")
    coding = Coding.objects.get(evidence=draft, criterion=trust, coder=people["carl"])
    save_coding(
        evidence=draft,
        criterion=trust,
        coder=people["carl"],
        value=2,
        note="polls only",
        version=coding.version,
    )
    submit_assignment(evidence=draft, coder=people["carl"])
    decided = Evidence.objects.get(project=project, key="E1")
    codes = decision_codes(decided)
    current = {
        row.criterion.code: row.version
        for row in Consensus.objects.filter(evidence=decided).select_related("criterion")
    }
    adjudicate_item(
        evidence=decided,
        reviewer=people["rita"],
        values=dict.fromkeys(codes, 3),
        rationale="Revised after a second reading.",
        versions={code: current.get(code, 0) for code in codes},
    )


def check_history_was_made(rows: dict[str, list]) -> None:
    """The comparison below means something only if the things a bundle drops are there."""
    for table in (
        "cases_historicalcoding",
        "cases_historicalconsensus",
        "cases_historicalevidence",
    ):
        assert rows[table], table
    assert rows["auth_user"]


def sorted_rows(rows) -> list:
    return sorted(rows, key=repr)


# --- PostgreSQL: pg_dump and pg_restore ----------------------------------------------------------

postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql" or shutil.which("pg_dump") is None,
    reason="needs DATABASE_URL on PostgreSQL and pg_dump on PATH",
)


def url_of(name: str) -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def pg_tables(url: str) -> dict[str, list]:
    import psycopg

    with psycopg.connect(url) as conn:
        names = [
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        rows = {name: sorted_rows(conn.execute(f'SELECT * FROM "{name}"')) for name in names}
        rows["(sequences)"] = sorted_rows(
            conn.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            )
        )
        rows["(triggers)"] = sorted_rows(
            conn.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        )
    return rows


@pytest.fixture
def scratch_database():
    import psycopg

    name = f"{settings.DATABASES['default']['NAME']}_restore_{os.getpid()}"
    with psycopg.connect(url_of("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url_of(name)
    finally:
        with psycopg.connect(url_of("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@postgresql
def test_the_documented_pg_commands_are_the_ones_tested():
    assert "pg_dump --format=custom --file=" in DEPLOY
    assert "pg_restore --no-owner --exit-on-error --dbname=" in DEPLOY


@postgresql
@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_pg_restore_bring_back_every_row(scratch_database, tmp_path):
    make_project_with_history()
    live = url_of(settings.DATABASES["default"]["NAME"])
    dump = tmp_path / "sccoder.dump"
    values = {"dump": str(dump), "database_url": live, "restore_url": scratch_database}
    for command in (PG_DUMP, PG_RESTORE):
        args = [part.format(**values) for part in command]
        result = subprocess.run(args, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr

    before, after = pg_tables(live), pg_tables(scratch_database)
    check_history_was_made(before)
    assert {t for t in before if t.startswith("cases_historical")} >= {
        "cases_historicalassignment",
        "cases_historicalcoding",
        "cases_historicalconsensus",
        "cases_historicalevidence",
    }
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    submitted = Assignment.objects.filter(submitted_at__isnull=False).count()
    assert submitted and Evidence.objects.filter(created_by__isnull=False).exists()


# --- SQLite: the .backup command, or Python's backup API -----------------------------------------


def sqlite_tables(path: Path) -> dict[str, list]:
    with sqlite3.connect(path) as conn:
        names = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        rows = {name: sorted_rows(conn.execute(f'SELECT * FROM "{name}"')) for name in names}
        rows["(schema)"] = sorted_rows(conn.execute("SELECT type, name, sql FROM sqlite_master"))
    conn.close()
    return rows


@pytest.fixture
def sqlite_with_history(cli_database):
    script = (
        "import django; django.setup(); "
        "from cases.tests.management.test_backups import make_project_with_history; "
        "make_project_with_history()"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{cli_database}",
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "sccoder.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return cli_database


def test_the_documented_sqlite_and_dumpdata_commands_are_the_ones_tested():
    assert "sqlite3 db.sqlite3 \".backup '" in DEPLOY
    python = PYTHON_BACKUP.format(database="db.sqlite3", backup="sccoder-2026-11-26.sqlite3")
    assert f'.venv/bin/python -c "{python}"' in DEPLOY
    dumpdata = " ".join(DUMPDATA).format(dump="sccoder-$(date +%F).json")
    assert f"manage.py {dumpdata}" in DEPLOY
    assert "manage.py loaddata sccoder-2026-11-26.json" in DEPLOY


@pytest.mark.parametrize("tool", ["sqlite3", "python"])
def test_an_sqlite_backup_holds_every_row(sqlite_with_history, tmp_path, tool):
    backup = tmp_path / "backup.sqlite3"
    values = {"database": sqlite_with_history, "backup": backup}
    if tool == "sqlite3":
        if shutil.which("sqlite3") is None:
            pytest.skip("the sqlite3 program is not installed")
        command = [part.format(**values) for part in SQLITE_BACKUP]
    else:
        command = [sys.executable, "-c", PYTHON_BACKUP.format(**values)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr

    before, after = sqlite_tables(sqlite_with_history), sqlite_tables(backup)
    check_history_was_made(before)
    assert after == before
    check = manage("check", database=backup)
    assert check.returncode == 0, check.stderr


TIME = re.compile(r"(\d\d:\d\d:\d\d)(?:\.(\d+))?")


def to_the_millisecond(rows: list) -> list:
    """Django's JSON format writes times to the millisecond ("09:30:00.123", "09:30:00")."""

    def cut(match: re.Match) -> str:
        return f"{match[1]}.{(match[2] or '').ljust(3, '0')[:3]}"

    return [tuple(TIME.sub(cut, v) if isinstance(v, str) else v for v in row) for row in rows]


def test_dumpdata_and_loaddata_bring_back_every_row(
    sqlite_with_history, migrated_database, tmp_path
):
    dump = tmp_path / "sccoder.json"
    dumped = manage(*(a.format(dump=dump) for a in DUMPDATA), database=sqlite_with_history)
    assert dumped.returncode == 0, dumped.stderr
    restored = migrated_database.fresh_copy()
    loaded = manage("loaddata", str(dump), database=restored)
    assert loaded.returncode == 0, loaded.stderr

    before, after = sqlite_tables(sqlite_with_history), sqlite_tables(restored)
    check_history_was_made(before)
    del before["django_migrations"], after["django_migrations"]  # migrate's own record
    # The cache table holds figures recomputed on demand and the writes' notes for the
    # background recomputation: no model, so dumpdata leaves it out by design.
    del before["sccoder_cache"], after["sccoder_cache"]
    assert after.keys() == before.keys()
    for table in before:
        assert to_the_millisecond(after[table]) == to_the_millisecond(before[table]), table
