"""The replication package: its layout, README, checksums, and that each file is what it says."""

import csv
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command

from cases.bundles import dump_bundle, export_bundle, import_bundle, parse_bundle
from cases.exports import ExportRefused, write_reliability_csv, write_replication_package
from cases.models import Membership
from cases.review.reliability import ROW_KEYS

from .cli import REPO

pytestmark = pytest.mark.django_db

ROOT = "small-replication/"


def package_of(project, username=None) -> zipfile.ZipFile:
    viewer = Membership.objects.get(project=project, user__username=username) if username else None
    out = io.BytesIO()
    write_replication_package(out, project, viewer=viewer)
    return zipfile.ZipFile(out)


def read(package: zipfile.ZipFile, name: str) -> str:
    return package.read(ROOT + name).decode("utf-8")


def test_the_package_has_the_documented_layout(small_project):
    names = package_of(small_project, "rita").namelist()
    assert all(name.startswith(ROOT) for name in names)
    assert sorted(n.removeprefix(ROOT) for n in names) == sorted(
        [
            "README.md",
            "SHA256SUMS",
            "codebook/codebook.md",
            "codebook/codebook.csv",
            "codebook/codebook.qdc",
            "data/codings.csv",
            "data/consensus.csv",
            "data/periods.csv",
            "data/bundle.json",
            "reliability/AB-T2-TRANS.csv",
            "reliability/AB-T3-TRUST.csv",
            "reliability/D-RESP.csv",
            "agreement/agreement.csv",
            "classification/classification.json",
            "bibliography/references.md",
            "bibliography/sources.csl.json",
        ]
    )


def test_every_file_matches_its_checksum(small_project):
    package = package_of(small_project)
    sums = dict(reversed(line.split("  ", 1)) for line in read(package, "SHA256SUMS").splitlines())
    assert set(sums) == {n.removeprefix(ROOT) for n in package.namelist()} - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256(package.read(ROOT + name)).hexdigest() == digest, name


def test_two_packages_of_unchanged_data_are_identical(small_project):
    first, second = io.BytesIO(), io.BytesIO()
    write_replication_package(first, small_project, viewer=None)
    write_replication_package(second, small_project, viewer=None)
    assert first.getvalue() == second.getvalue()


def test_the_readme_says_how_each_file_was_produced_and_how_to_cite(small_project):
    readme = read(package_of(small_project), "README.md")
    assert readme.startswith("# Small project: replication package")
    assert "## How to cite" in readme and "[Data set" in readme
    for name in ["data/codings.csv", "reliability/<CODE>.csv", "agreement/agreement.csv"]:
        assert f"`{name}`" in readme
    assert "`python manage.py export_codings small`" in readme
    assert "python manage.py agreement reliability/AB-T2-TRANS.csv" in readme
    assert "3 evidence items from 1 sources" in readme
    assert "coded by 2 coder(s) (carl, cleo)" in readme
    assert "3 codings, 1\nconsensus codes" in readme
    assert "- FRA-DEU P1 (1945–1962): none" in readme


def test_the_data_files_hold_every_coders_codings(small_project):
    package = package_of(small_project)
    codings = list(csv.DictReader(io.StringIO(read(package, "data/codings.csv"))))
    assert sorted({r["coder"] for r in codings}) == ["carl", "cleo"]
    consensus = list(csv.DictReader(io.StringIO(read(package, "data/consensus.csv"))))
    assert [(r["evidence"], r["value"]) for r in consensus] == [("E1", "2")]
    assert read(package, "data/bundle.json") == dump_bundle(export_bundle(small_project))


def test_each_reliability_file_is_the_single_export(small_project):
    package = package_of(small_project)
    for code in ["AB-T2-TRANS", "AB-T3-TRUST", "D-RESP"]:
        single = io.StringIO()
        write_reliability_csv(single, small_project, code, viewer=None)
        assert read(package, f"reliability/{code}.csv") == single.getvalue()


def test_the_agreement_table_has_a_row_per_criterion_group_and_overall(small_project):
    rows = list(
        csv.DictReader(io.StringIO(read(package_of(small_project), "agreement/agreement.csv")))
    )
    assert tuple(rows[0]) == ROW_KEYS
    assert [(r["scope"], r["key"], r["measure"]) for r in rows][:2] == [
        ("criterion", "AB-T2-TRANS", "application"),
        ("criterion", "AB-T2-TRANS", "value"),
    ]
    assert {r["scope"] for r in rows} == {"criterion", "group", "overall"}
    assert len(rows) == 2 * (3 + 3 + 1)
    overall = [r for r in rows if r["scope"] == "overall"]
    assert overall[0]["n_units"] == "3"  # E1's three criteria, application
    assert overall[0]["percent_agreement"] == "0.666667"


def test_the_classification_is_the_classify_commands_json(small_project):
    out = io.StringIO()
    call_command("classify", "small", "--json", stdout=out)
    packaged = json.loads(read(package_of(small_project), "classification/classification.json"))
    assert packaged == json.loads(out.getvalue())
    assert packaged["dyads"][0]["periods"][0]["explanation"]


def test_the_bibliography_is_formatted_and_machine_readable(small_project):
    package = package_of(small_project)
    references = read(package, "bibliography/references.md")
    assert "Doe, Jane. 2020. *Neighbours*." in references
    sources = json.loads(read(package, "bibliography/sources.csl.json"))
    assert sources[0]["id"] == "doe2020" and sources[0]["title"] == "Neighbours"


@pytest.mark.parametrize("username", ["carl", "cleo", "otto"])
def test_coders_and_observers_get_no_package(small_project, username):
    with pytest.raises(ExportRefused):
        package_of(small_project, username)


def test_the_demo_package_reports_its_stages(db):
    demo = import_bundle(parse_bundle((REPO / "fixtures" / "turkiye-azerbaijan.json").read_bytes()))
    out = io.BytesIO()
    write_replication_package(out, demo, viewer=None)
    package = zipfile.ZipFile(out)
    readme = package.read("turkiye-azerbaijan-replication/README.md").decode()
    assert "68 evidence items" in readme and "(alice, bob)" in readme
    assert "8 item(s) still await adjudication" in readme
    assert "- TUR-AZE P1 (1991–2009): nascent" in readme
    reliability = [n for n in package.namelist() if "/reliability/" in n]
    assert len(reliability) == 43
