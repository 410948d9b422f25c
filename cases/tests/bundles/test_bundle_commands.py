"""The import_bundle and export_bundle commands, run as real processes (they are a contract)."""

import json
from pathlib import Path

from cases.tests.bundle_factory import small_bundle
from cases.tests.cli import REPO, manage


def write(tmp_path: Path, doc, name: str = "bundle.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def test_export_prints_exactly_one_json_document(tmp_path, cli_database):
    manage("import_bundle", str(write(tmp_path, small_bundle())), database=cli_database, check=True)
    result = manage("export_bundle", "small", database=cli_database, check=True)
    doc = json.loads(result.stdout)  # fails if anything else shares stdout
    assert doc["format"] == "sccoder-bundle" and doc["project"]["slug"] == "small"


def test_two_exports_of_unchanged_data_are_identical(tmp_path, cli_database):
    manage("import_bundle", str(write(tmp_path, small_bundle())), database=cli_database, check=True)
    first = manage("export_bundle", "small", database=cli_database, check=True).stdout
    second = manage("export_bundle", "small", database=cli_database, check=True).stdout
    assert first == second


def test_export_into_a_file_then_import_elsewhere_roundtrips(tmp_path, migrated_database):
    source_db, target_db = migrated_database.fresh_copy(), migrated_database.fresh_copy()
    manage("import_bundle", str(write(tmp_path, small_bundle())), database=source_db, check=True)
    out = tmp_path / "out.json"
    manage("export_bundle", "small", "-o", str(out), database=source_db, check=True)
    manage("import_bundle", str(out), database=target_db, check=True)
    again = manage("export_bundle", "small", database=target_db, check=True).stdout
    assert again == out.read_text(encoding="utf-8")


def test_an_unknown_slug_exits_non_zero(cli_database):
    result = manage("export_bundle", "nope", database=cli_database)
    assert result.returncode != 0
    assert 'no project with slug "nope"' in result.stderr
    assert result.stdout == ""


def test_a_bad_bundle_exits_non_zero_and_writes_nothing(tmp_path, cli_database):
    doc = small_bundle()
    doc["codings"][0]["values"]["AB-T9-X"] = 1
    result = manage("import_bundle", str(write(tmp_path, doc)), database=cli_database)
    assert result.returncode != 0
    assert 'codings[0] (E1/carl): unknown criterion "AB-T9-X"' in result.stderr
    assert "nothing was written" in result.stderr
    assert manage("export_bundle", "small", database=cli_database).returncode != 0


def test_malformed_json_exits_non_zero_with_the_line(tmp_path, cli_database):
    result = manage(
        "import_bundle", str(write(tmp_path, '{\n  "format": }')), database=cli_database
    )
    assert result.returncode != 0
    assert "malformed JSON at line 2" in result.stderr


def test_an_existing_slug_needs_replace(tmp_path, cli_database):
    path = write(tmp_path, small_bundle())
    manage("import_bundle", str(path), database=cli_database, check=True)
    again = manage("import_bundle", str(path), database=cli_database)
    assert again.returncode != 0 and "already exists" in again.stderr
    manage("import_bundle", str(path), "--replace", database=cli_database, check=True)


def test_a_missing_file_is_a_clear_error(cli_database):
    result = manage("import_bundle", "no/such/file.json", database=cli_database)
    assert result.returncode != 0
    assert "cannot read no/such/file.json" in result.stderr


def test_every_bundle_under_fixtures_imports_into_a_fresh_database(migrated_database):
    bundles = [
        p
        for p in sorted((REPO / "fixtures").glob("*.json"))
        if json.loads(p.read_text(encoding="utf-8")).get("format") == "sccoder-bundle"
    ]
    assert bundles, "fixtures/ should hold at least the demo bundle"
    for path in bundles:
        result = manage("import_bundle", str(path), database=migrated_database.fresh_copy())
        assert result.returncode == 0, f"{path.name}: {result.stderr}"
