"""CSV formula injection: text a spreadsheet would run as a formula is defused by default.

A note or rationale anyone in the project typed, starting with "=", "+", "-", "@", a tab or a
carriage return, gets a leading "'" in every CSV (downloads, commands, the replication
package); numbers such as -1 or "-0.5" stay numbers; ``raw`` keeps text exactly as stored for
R and pandas.
"""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command

from cases.exports import write_codings_csv, write_consensus_csv, write_replication_package
from cases.exports.csv_exports import csv_chunks, defused
from cases.exports.tables import Table
from cases.models import Coding, Consensus
from cases.tests.bundle_factory import small_bundle
from cases.tests.cli import manage

LINK = '=HYPERLINK("http://x")'
SUM = "@SUM(1)"


@pytest.mark.parametrize(
    "text", [LINK, SUM, "+1+1", "-2+3", "-x", "=1", "\tcmd", "\r=1", "@", "-", "+"]
)
def test_text_that_would_run_as_a_formula_gets_a_leading_quote(text):
    assert defused(text) == "'" + text


@pytest.mark.parametrize(
    "value", [-1, 0, 3, -0.5, None, True, "-1", "-0.5", "+2", "-.5", "1e-3", "-1.5E+2", "", "a=b"]
)
def test_numbers_and_other_cells_are_left_alone(value):
    assert defused(value) == value


def table(rows, header=("unit", "a", "b"), has_yes_no=False) -> Table:
    return Table("t", header, iter(rows), has_yes_no=has_yes_no)


def text_of(t: Table, raw: bool = False) -> str:
    return "".join(csv_chunks(t, raw=raw))


def test_negative_numbers_stay_numbers_in_the_file():
    rows = [("u1", -1, "-0.250000"), ("u2", 2, None)]
    assert text_of(table(rows)) == "unit,a,b\nu1,-1,-0.250000\nu2,2,\n"


def test_a_file_without_formulas_is_the_same_either_way():
    rows = [(f"u{i}", i % 4, f"a note, with a comma\nand a line {i}") for i in range(1200)]
    assert text_of(table(list(rows))) == text_of(table(list(rows)), raw=True)


def test_only_the_formula_cells_change_in_a_long_file():
    rows = [(f"u{i}", i % 4, "plain") for i in range(1200)]
    rows[700] = ("u700", -3, LINK)
    rows[1100] = ("u1100", 1, "\tindented")
    plain = list(csv.reader(io.StringIO(text_of(table(list(rows)), raw=True))))
    safe = list(csv.reader(io.StringIO(text_of(table(list(rows))))))
    changed = [(i, a, b) for i, (a, b) in enumerate(zip(plain, safe, strict=True)) if a != b]
    assert changed == [
        (701, ["u700", "-3", LINK], ["u700", "-3", "'" + LINK]),
        (1101, ["u1100", "1", "\tindented"], ["u1100", "1", "'\tindented"]),
    ]


def test_yes_no_tables_are_defused_too():
    rows = [("u1", True, SUM), ("u2", False, None)]
    text = text_of(table(rows, has_yes_no=True))
    assert text == "unit,a,b\nu1,true,'@SUM(1)\nu2,false,\n"


def test_a_header_naming_a_coder_is_defused():
    # Django usernames may start with @, + or -: the reliability file has one column per coder.
    text = text_of(table([("E1", 1, 2)], header=("unit", "@eve", "bob")))
    assert text.splitlines()[0] == "unit,'@eve,bob"


# --- in the project's exports --------------------------------------------------------------------


@pytest.fixture
def formulas(small_project, people):
    Coding.objects.filter(coder=people["carl"], criterion__code="D-RESP").update(note=LINK)
    Consensus.objects.filter(evidence__key="E1").update(rationale=SUM)
    return small_project


def read(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def export(write, project, **kwargs) -> list[dict]:
    out = io.StringIO()
    write(out, project, viewer=None, **kwargs)
    return read(out.getvalue())


@pytest.mark.django_db
def test_the_codings_and_consensus_csvs_defuse_formulas_by_default(formulas):
    codings = export(write_codings_csv, formulas)
    assert [r["note"] for r in codings if r["criterion"] == "D-RESP"] == ["'" + LINK]
    assert {r["value"] for r in codings} == {"1", "2", "3"}
    consensus = export(write_consensus_csv, formulas)
    assert {r["rationale"] for r in consensus if r["evidence"] == "E1"} == {"'" + SUM}


@pytest.mark.django_db
def test_raw_keeps_the_text_as_stored(formulas):
    codings = export(write_codings_csv, formulas, raw=True)
    assert [r["note"] for r in codings if r["criterion"] == "D-RESP"] == [LINK]
    consensus = export(write_consensus_csv, formulas, raw=True)
    assert {r["rationale"] for r in consensus if r["evidence"] == "E1"} == {SUM}


@pytest.mark.django_db
def test_the_downloads_defuse_unless_asked_for_raw_text(client, formulas, people):
    client.force_login(people["rita"])
    url = "/p/small/exports/codings.csv/"
    safe = b"".join(client.get(url).streaming_content).decode()
    assert "'" + LINK.replace('"', '""') in safe
    raw = b"".join(client.get(url + "?raw=1").streaming_content).decode()
    assert [r["note"] for r in read(raw) if r["criterion"] == "D-RESP"] == [LINK]
    reliability = client.get("/p/small/exports/reliability.csv/?criterion=D-RESP&raw=1")
    assert reliability.status_code == 200
    refused = client.get(url + "?raw=maybe")
    assert refused.status_code == 400
    assert refused.content.decode().startswith("raw:")


@pytest.mark.django_db
def test_the_replication_package_defuses_its_csvs_and_says_so(formulas, tmp_path):
    def package(raw: bool) -> zipfile.ZipFile:
        path = tmp_path / f"package-{raw}.zip"
        write_replication_package(str(path), formulas, viewer=None, raw=raw)
        return zipfile.ZipFile(path)

    safe = package(raw=False)
    codings = read(safe.read("small-replication/data/codings.csv").decode())
    assert "'" + LINK in {r["note"] for r in codings}
    consensus = read(safe.read("small-replication/data/consensus.csv").decode())
    assert "'" + SUM in {r["rationale"] for r in consensus}
    assert "starts with an added `'`" in safe.read("small-replication/README.md").decode()
    raw = package(raw=True)
    assert LINK in {
        r["note"] for r in read(raw.read("small-replication/data/codings.csv").decode())
    }
    assert "exactly as stored" in raw.read("small-replication/README.md").decode()


def test_the_export_commands_take_raw(tmp_path, cli_database):
    bundle = small_bundle()
    bundle["codings"][0]["notes"]["D-RESP"] = LINK
    bundle["consensus"][0]["rationale"] = SUM
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    manage("import_bundle", str(path), database=cli_database, check=True)
    safe = manage("export_codings", "small", database=cli_database, check=True).stdout
    raw = manage("export_codings", "small", "--raw", database=cli_database, check=True).stdout
    assert [r["note"] for r in read(safe) if r["criterion"] == "D-RESP"] == ["'" + LINK]
    assert [r["note"] for r in read(raw) if r["criterion"] == "D-RESP"] == [LINK]
    consensus = manage("export_consensus", "small", "--raw", database=cli_database, check=True)
    assert SUM in {r["rationale"] for r in read(consensus.stdout)}
    for command in ("export_periods", "export_codebook"):
        assert manage(command, "small", "--raw", database=cli_database, check=True).stdout


@pytest.mark.django_db
def test_every_csv_command_offers_raw(small_project):
    for command in ("export_codings", "export_consensus", "export_periods", "export_codebook"):
        out = io.StringIO()
        call_command(command, "small", "--raw", stdout=out)
        assert out.getvalue().startswith(("project,", "codebook,"))
    out = io.StringIO()
    call_command("export_reliability", "small", "D-RESP", "--raw", stdout=out)
    assert out.getvalue().startswith("unit,")
