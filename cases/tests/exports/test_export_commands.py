"""The export_* commands, run as a researcher would: real processes on their own database.

The command line is the operator's, so every command exports with full access. Streaming is
shown by the queries: the demo's 290 codings cost no more queries than the small project's 3.
"""

import csv
import io
import json
import os
import subprocess
import sys
import zipfile

import pytest
from django.core.management import call_command

from cases.bundles import import_bundle, parse_bundle
from cases.tests.bundle_factory import small_bundle
from cases.tests.cli import REPO, manage

DEMO = REPO / "fixtures" / "turkiye-azerbaijan.json"


@pytest.fixture
def small_db(tmp_path, cli_database):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(small_bundle()), encoding="utf-8")
    manage("import_bundle", str(path), database=cli_database, check=True)
    return cli_database


def manage_bytes(*args: str, database) -> subprocess.CompletedProcess:
    """As cli.manage, but stdout kept as bytes (XLSX and zip files)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_DEBUG": "1"}
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        check=False,
        timeout=300,
    )


def test_export_codings_prints_the_long_csv(small_db):
    result = manage("export_codings", "small", database=small_db, check=True)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["evidence"], r["criterion"], r["coder"], r["value"]) for r in rows] == [
        ("E1", "AB-T2-TRANS", "carl", "2"),
        ("E1", "AB-T2-TRANS", "cleo", "3"),
        ("E1", "D-RESP", "carl", "1"),
    ]
    assert result.stderr == ""


def test_export_consensus_and_periods_write_into_a_file(small_db, tmp_path):
    consensus, periods = tmp_path / "consensus.csv", tmp_path / "periods.csv"
    manage("export_consensus", "small", "-o", str(consensus), database=small_db, check=True)
    manage("export_periods", "small", "--output", str(periods), database=small_db, check=True)
    rows = list(csv.DictReader(consensus.open(encoding="utf-8", newline="")))
    assert [(r["evidence"], r["value"], r["method"]) for r in rows] == [("E1", "2", "adjudicated")]
    periods_rows = list(csv.DictReader(periods.open(encoding="utf-8", newline="")))
    assert {r["period"] for r in periods_rows} == {"P1", "P2"}


@pytest.mark.parametrize(
    ("format_", "start"),
    [
        ("csv", "codebook,codebook_version,order,code,"),
        ("md", "# Test codebook\n"),
        (
            "qdc",
            '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"',
        ),
    ],
)
def test_export_codebook_offers_three_formats(small_db, format_, start):
    result = manage("export_codebook", "small", "--format", format_, database=small_db, check=True)
    assert result.stdout.startswith(start)


def test_the_reliability_file_feeds_the_agreement_command(small_db, tmp_path):
    path = tmp_path / "trans.csv"
    manage(
        "export_reliability", "small", "AB-T2-TRANS", "-o", str(path), database=small_db, check=True
    )
    assert path.read_text(encoding="utf-8") == "unit,carl,cleo\nE1,2,3\n"
    report = manage("agreement", str(path), "--json", database=small_db, check=True)
    assert json.loads(report.stdout)["n_units"] == 1


def test_the_application_variant_from_the_command_line(small_db):
    result = manage(
        "export_reliability", "small", "D-RESP", "--variant", "application", database=small_db
    )
    assert result.stdout == "unit,carl,cleo\nE1,1,0\n"


def test_an_unknown_criterion_exits_non_zero_and_prints_nothing(small_db):
    result = manage("export_reliability", "small", "AB-T9-X", database=small_db)
    assert result.returncode != 0 and result.stdout == ""
    assert 'criterion: no criterion "AB-T9-X"' in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        "export_codings",
        "export_consensus",
        "export_periods",
        "export_codebook",
        "export_xlsx",
        "export_qdpx",
        "export_annotations",
        "export_replication",
    ],
)
def test_an_unknown_slug_exits_non_zero(cli_database, command):
    result = manage(command, "nope", database=cli_database)
    assert result.returncode != 0 and result.stdout == ""
    assert 'no project with slug "nope"' in result.stderr


def test_binary_files_go_to_stdout_or_a_file_identically(small_db, tmp_path):
    for command, first in [
        ("export_xlsx", "[Content_Types].xml"),
        ("export_qdpx", "project.qde"),
        ("export_replication", "small-replication/codebook/codebook.md"),
    ]:
        path = tmp_path / f"{command}.zip"
        manage(command, "small", "-o", str(path), database=small_db, check=True)
        piped = manage_bytes(command, "small", database=small_db)
        assert piped.returncode == 0
        assert piped.stdout == path.read_bytes()  # and two exports are identical
        assert zipfile.ZipFile(path).namelist()[0] == first


def test_an_unwritable_output_path_is_reported(small_db, tmp_path):
    target = tmp_path / "missing-folder" / "codings.csv"
    result = manage("export_codings", "small", "-o", str(target), database=small_db)
    assert result.returncode != 0
    assert f"cannot write {target}" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize(
    "command", ["export_codings", "export_consensus", "export_periods", "export_xlsx"]
)
def test_the_commands_need_no_more_queries_for_the_demo_than_for_a_tiny_project(
    tmp_path, command, django_assert_max_num_queries
):
    import_bundle(small_bundle())
    import_bundle(parse_bundle(DEMO.read_bytes()))
    # On PostgreSQL the codings' COPY sorts with its own work_mem and without JIT, set for that
    # statement only (a savepoint, one set_config statement and its release): a fixed cost,
    # the same for both projects.
    limit = {"export_codings": 7, "export_consensus": 9, "export_periods": 10, "export_xlsx": 22}
    for slug in ["small", "turkiye-azerbaijan"]:
        out = tmp_path / f"{slug}.out"
        with django_assert_max_num_queries(limit[command]):
            call_command(command, slug, "-o", str(out))
        assert out.stat().st_size > 0
