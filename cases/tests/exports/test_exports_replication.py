"""The replication package: its layout, README, checksums, and that each file is what it says;
that a journal's replication editor gets a licence, a citation file, the software's version, the
protocol, and a Frictionless description that the frictionless tool validates."""

import csv
import hashlib
import io
import json
import re
import tomllib
import zipfile

import frictionless
import pytest
import yaml
from django.core.management import call_command

from cases.bundles import dump_bundle, export_bundle, import_bundle, parse_bundle
from cases.classification.rule import rule_named, rule_table
from cases.exports import ExportRefused, write_reliability_csv, write_replication_package
from cases.exports.package_tables import EVIDENCE_FILE_COLUMNS
from cases.lib import software
from cases.models import Assignment, Coding, Evidence, Membership, Source
from cases.projects.licences import LICENCES
from cases.reports.build import build_report
from cases.review.reliability import ROW_KEYS
from cases.tests.bundle_factory import small_bundle
from cases.tests.cli import REPO

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
            "LICENSE",
            "CITATION.cff",
            "datapackage.json",
            "SHA256SUMS",
            "codebook/codebook.md",
            "codebook/codebook.csv",
            "codebook/codebook.qdc",
            "data/evidence.csv",
            "data/codings.csv",
            "data/annotations.jsonld",
            "data/consensus.csv",
            "data/periods.csv",
            "data/stage_judgments.csv",
            "data/author_assessments.csv",
            "data/bundle.json",
            "reliability/AB-T2-TRANS.csv",
            "reliability/AB-T3-TRUST.csv",
            "reliability/D-RESP.csv",
            "agreement/agreement.csv",
            "agreement/coder_pairs.csv",
            "classification/classification.json",
            "classification/rule.json",
            "classification/rule.md",
            "robustness/leave_one_out.csv",
            "robustness/without_author_assessments.csv",
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
    assert "3 evidence items citing 1 source(s)" in readme
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
    evidence = demo.evidence.all()
    cited = {e.source_id for e in evidence} | {e.via_source_id for e in evidence if e.via_source_id}
    assert f"{evidence.count()} evidence items citing {len(cited)} source(s)" in readme
    assert f"lists the project's {demo.sources.count()} source record(s)" in readme
    assert "(alice, bob)" in readme
    assert "- TUR-AZE P1 (1991–2009): nascent" in readme
    reliability = [n for n in package.namelist() if "/reliability/" in n]
    assert len(reliability) == 43


# --- the source count ---------------------------------------------------------------------------


def test_the_readme_counts_the_sources_the_evidence_cites_not_every_record(small_project):
    Source.objects.create(project=small_project, key="unused2021", csl={"title": "Unused"})
    readme = read(package_of(small_project), "README.md")
    assert "3 evidence items citing 1 source(s)" in readme
    assert "lists the project's 2 source record(s)" in readme


def test_a_work_an_item_is_quoted_from_counts_as_a_cited_source(small_project):
    article = Source.objects.create(
        project=small_project, key="roe2021", csl={"type": "book", "title": "Roe"}
    )
    Evidence.objects.filter(project=small_project, key="E2").update(
        via_source=article, via_locator="7"
    )
    package = package_of(small_project)
    assert "3 evidence items citing 2 source(s) (1 of them quoted from a work" in read(
        package, "README.md"
    )
    evidence = rows(package, "data/evidence.csv")
    assert [(r["evidence"], r["source"], r["via_source"], r["via_locator"]) for r in evidence] == [
        ("E1", "doe2020", "", ""),
        ("E2", "doe2020", "roe2021", "7"),
        ("E3", "doe2020", "", ""),
    ]


# --- the flat evidence, the stage judgments -----------------------------------------------------


def rows(package: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(read(package, name))))


def test_the_evidence_file_holds_every_item_with_its_quote_page_and_footnote(small_project):
    evidence = rows(package_of(small_project), "data/evidence.csv")
    assert list(evidence[0]) == list(EVIDENCE_FILE_COLUMNS)
    assert evidence[0] == {
        "evidence": "E1",
        "dyad": "FRA-DEU",
        "period": "P1",
        "date": "1951",
        "date_start": "1951-01-01",
        "date_end": "1951-12-31",
        "evidence_type": "agreement",
        "source": "doe2020",
        "locator": "12",
        "locator_note": "",
        "footnote": "3",
        "via_source": "",
        "via_locator": "",
        "quote": "The coal and steel treaty.",
        "summary": "ECSC founded.",
        "states": "",  # a dyad's item concerns both its states
    }
    assert [(r["evidence"], r["period"], r["locator"]) for r in evidence[1:]] == [
        ("E2", "P2", "40–41"),
        ("E3", "P2", "88"),
    ]


def test_the_stage_judgments_are_every_coders(small_project):
    judgments = rows(package_of(small_project), "data/stage_judgments.csv")
    assert [
        (r["dyad"], r["period"], r["coder"], r["stage"], r["coupling"], r["rationale"])
        for r in judgments
    ] == [
        ("FRA-DEU", "P1", "carl", "nascent", "", ""),
        ("FRA-DEU", "P2", "carl", "mature", "tightly", "EU."),
    ]


def test_the_demos_author_assessments_are_its_bare_stage_verdicts(demo_package):
    demo, package = demo_package
    found = demo_rows(package, "data/author_assessments.csv")
    expected = list(
        demo.evidence.exclude(assessed_stage="")
        .order_by("period__start_year", "date_start", "key")
        .values_list("key", "period__code", "assessed_stage", "assessed_coupling")
    )
    assert len(expected) == 3  # KAR-058, KAR-061, KAR-064 (CODEBOOK §4b)
    assert [(r["evidence"], r["period"], r["stage"], r["coupling"]) for r in found] == expected


# --- coder-pair kappa ---------------------------------------------------------------------------


def test_coder_pair_kappas_are_per_criterion_with_their_units(small_project):
    pairs = rows(package_of(small_project), "agreement/coder_pairs.csv")
    assert [
        (r["criterion"], r["coder_a"], r["coder_b"], r["n_units"], r["percent_agreement"])
        for r in pairs
    ] == [
        ("AB-T2-TRANS", "carl", "cleo", "1", "0.000000"),  # 2 against 3
        ("AB-T3-TRUST", "carl", "cleo", "1", "1.000000"),  # neither coded it
        ("D-RESP", "carl", "cleo", "1", "0.000000"),  # 1 against not coded
    ]
    assert pairs[1]["cohen_kappa"] == ""
    assert pairs[1]["undefined_reason"] == "no variation: every value is not coded"


def test_the_demos_coder_pair_kappas_are_scikit_learns(demo_package):
    from sklearn.metrics import cohen_kappa_score

    demo, package = demo_package
    pairs = {r["criterion"]: r for r in demo_rows(package, "agreement/coder_pairs.csv")}
    assert len(pairs) == 43
    checked = 0
    for code, row in pairs.items():
        coded = _pair_codes(demo, code)
        assert len(coded) == int(row["n_units"])
        first, second = zip(*coded, strict=True)
        if len(set(first) | set(second)) > 1:
            expected = cohen_kappa_score(first, second)
            assert float(row["cohen_kappa"]) == pytest.approx(expected, abs=1e-6), code
            checked += 1
    assert checked >= 10


def _pair_codes(project, code: str) -> list[tuple[int, int]]:
    """(alice's, bob's) code of every item both submitted, -1 for not coded."""
    submitted = Assignment.objects.filter(
        evidence__project=project, status=Assignment.Status.SUBMITTED
    )
    alice = set(submitted.filter(coder__username="alice").values_list("evidence_id", flat=True))
    bob = set(submitted.filter(coder__username="bob").values_list("evidence_id", flat=True))
    values = {
        (item, coder): value
        for item, coder, value in Coding.objects.filter(
            evidence__project=project, criterion__code=code
        ).values_list("evidence_id", "coder__username", "value")
    }
    return [
        (values.get((item, "alice"), -1), values.get((item, "bob"), -1))
        for item in sorted(alice & bob)
    ]


# --- robustness ---------------------------------------------------------------------------------


@pytest.fixture
def demo_package(db):
    demo = import_bundle(parse_bundle((REPO / "fixtures" / "turkiye-azerbaijan.json").read_bytes()))
    out = io.BytesIO()
    write_replication_package(out, demo, viewer=None)
    return demo, zipfile.ZipFile(out)


def demo_rows(package: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = package.read(f"turkiye-azerbaijan-replication/{name}").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_robustness_files_are_the_reports_checks(demo_package):
    demo, package = demo_package
    report = build_report(demo, "TUR-AZE")
    hanging = demo_rows(package, "robustness/leave_one_out.csv")
    expected = [
        (entry["period"], h["key"], h["item_period"], h["stage"], h["coupling"] or "")
        for entry in report["robustness"]
        for h in entry["hangs_on"]
    ]
    assert [
        (r["period"], r["item"], r["item_period"], r["stage_without"], r["coupling_without"])
        for r in hanging
    ] == expected
    without = demo_rows(package, "robustness/without_author_assessments.csv")
    assert [r["period"] for r in without] == [p["period"] for p in report["robustness"]]
    for row, entry in zip(without, report["robustness"], strict=True):
        after = entry["without_author_assessment"]
        assert (row["stage"], row["coupling"], row["rule"]) == (
            entry["stage"],
            entry["coupling"] or "",
            report["rule"],
        )
        assert (row["stage_without"], row["coupling_without"]) == (
            after["stage"],
            after["coupling"] or "",
        )
        assert row["changed"] == ("true" if after["changed"] else "false")
        assert int(row["assessments_left_out"]) == after["left_out"]
        assert int(row["assessments_in_period"]) == after["in_period"]


# --- the rule -----------------------------------------------------------------------------------


def test_the_rule_is_in_the_package_as_data_and_in_words(small_project):
    small_project.rule_version = "v2"
    small_project.save()
    package = package_of(small_project)
    rule = json.loads(read(package, "classification/rule.json"))
    assert (rule["rule"], rule["rule_version"]) == ("sccoder-v2", "v2")
    assert rule["table"] == rule_table(rule_named("v2"))
    assert rule["code"]["module"] == "cases/classification/rule.py"
    assert (
        rule["code"]["module_sha256"]
        == hashlib.sha256((REPO / "cases" / "classification" / "rule.py").read_bytes()).hexdigest()
    )
    assert rule["code"]["version"] == _pyproject_version()
    words = read(package, "classification/rule.md")
    assert words.startswith("# Classification rule sccoder-v2\n")
    for step in ["## Step 1: nascent", "## Step 2: ascendant", "## Step 3: mature"]:
        assert step in words
    assert "identity: `AB-T3-ID` ≥ 1 (weak)" in words  # v2's ascendant threshold
    assert "is reported as *indeterminate*" in words
    assert json.loads(read(package, "classification/classification.json"))["rule"] == ("sccoder-v2")


def test_rule_v1_reads_as_v1(small_project):
    words = read(package_of(small_project), "classification/rule.md")
    assert "identity: `AB-T3-ID` ≥ 2 (moderate)" in words
    assert "counts as 0" in words and "indeterminate" not in words


def _pyproject_version() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


# --- licence, citation, software ----------------------------------------------------------------

CFF_KEYS = {
    "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi",
    "identifiers", "keywords", "license", "license-url", "message", "preferred-citation",
    "references", "repository", "repository-artifact", "repository-code", "title", "type",
    "url", "version",
}  # fmt: skip
PERSON_KEYS = {"family-names", "given-names", "name-particle", "name-suffix", "affiliation"}


def cff(package: zipfile.ZipFile) -> dict:
    return yaml.safe_load(read(package, "CITATION.cff"))


def test_citation_cff_is_valid_cff_1_2_0(small_project):
    citation = cff(package_of(small_project))
    assert set(citation) <= CFF_KEYS
    assert {"cff-version", "message", "title", "authors"} <= set(citation)
    assert citation["cff-version"] == "1.2.0"
    assert citation["type"] == "dataset"
    assert citation["title"] == "Small project"
    assert citation["abstract"] == "For tests."
    assert citation["license"] == "CC-BY-4.0"
    assert "date-released" not in citation  # the package records no date
    version = hashlib.sha256(package_of(small_project).read(ROOT + "data/bundle.json"))
    assert citation["version"] == version.hexdigest()[:12]
    # Nobody has a name: one placeholder entity, which the README asks to replace.
    assert citation["authors"] == [{"name": "AUTHORS: replace with the data set's authors"}]
    (software,) = citation["references"]
    assert (software["type"], software["title"]) == ("software", "sccoder")
    assert software["version"] == _pyproject_version()
    assert software["authors"] and all("name" in a for a in software["authors"])


def test_the_project_admins_with_a_name_are_the_authors(small_project, people):
    ada = people["ada"]
    ada.first_name, ada.last_name = "Ada", "Öztürk"
    ada.save()
    people["rita"].first_name = "Rita"  # a reviewer, not an admin: not an author
    people["rita"].save()
    package = package_of(small_project)
    assert cff(package)["authors"] == [{"family-names": "Öztürk", "given-names": "Ada"}]
    assert 'Ada Öztürk. "Small project"' in read(package, "LICENSE")
    assert "> Ada Öztürk (<year>). *Small project*" in read(package, "README.md")


@pytest.mark.parametrize(
    ("licence", "url"),
    [
        ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
        ("CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
        ("CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
        ("ODbL-1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    ],
)
def test_the_licence_chosen_is_in_license_citation_and_datapackage(small_project, licence, url):
    small_project.data_licence = licence
    small_project.save()
    package = package_of(small_project)
    text = read(package, "LICENSE")
    name = LICENCES[licence].name
    assert text.startswith("# Licence: Small project\n")
    assert f"offered under the {name} licence ({licence}):\n{url}\n" in text
    assert '<AUTHORS: replace with the data set\'s authors>. "Small project" (data set' in text
    assert f"{licence}, {url}" in text  # the attribution line names licence and address
    assert "copyright stays with those works' authors" in text
    assert cff(package)["license"] == licence
    descriptor = json.loads(read(package, "datapackage.json"))
    assert descriptor["licenses"] == [{"name": licence, "path": url, "title": name}]
    assert f"Licence: {name} ({licence}, {url})" in read(package, "README.md")


def test_another_licence_or_none_is_said_plainly(small_project):
    small_project.data_licence = "other"
    small_project.save()
    package = package_of(small_project)
    assert "not offered under a standard licence" in read(package, "LICENSE")
    assert "license" not in cff(package)
    assert "licenses" not in json.loads(read(package, "datapackage.json"))


def test_the_readme_names_the_software_and_its_commit(small_project):
    readme = read(package_of(small_project), "README.md")
    assert f"Produced by sccoder {_pyproject_version()}, commit {software.commit()}." in readme
    assert software.commit() != "unknown"  # the tests run in a git checkout


def test_the_commit_comes_from_git_then_the_environment_then_unknown(tmp_path, monkeypatch):
    read_commit = software.commit.__wrapped__
    monkeypatch.setattr(software, "ROOT", tmp_path)  # no .git here
    monkeypatch.delenv("SCCODER_COMMIT", raising=False)
    assert read_commit() == "unknown"
    monkeypatch.setenv("SCCODER_COMMIT", " 0123abc\n")
    assert read_commit() == "0123abc"
    monkeypatch.setattr(software, "ROOT", REPO)
    assert re.fullmatch(r"[0-9a-f]{40}", read_commit())


# --- the protocol -------------------------------------------------------------------------------


def test_the_protocol_is_filled_from_the_projects_data(small_project):
    readme = read(package_of(small_project), "README.md")
    protocol = readme.split("## Protocol\n", 1)[1].split("\n## ", 1)[0]
    flat = " ".join(protocol.split())
    assert "**Training.** sccoder keeps no record" in flat and "<TRAINING:" in flat
    assert "1 admin(s), 2 coder(s), 1 observer(s), 1 reviewer(s)" in flat
    assert "2 coder(s) submitted codings (carl, cleo)" in flat
    assert "3 evidence items: 1 item assigned to 2 coders; 2 items assigned to 1 coder." in flat
    assert "2 (item, coder) codings submitted" in flat
    assert "**Blinding.** Coders code blind" in flat
    assert "stay hidden from a coder assigned to the item until they submit it" in flat
    assert "Items settled by adjudication: 1;" in flat
    assert "awaiting adjudication: 0. Adjudicated by: rita (1 item)." in flat
    assert "Period overrides" in flat and "rita: 1" in flat
    assert (
        "(each coder's holistic verdict on a period, `data/stage_judgments.csv`): carl: 2" in flat
    )
    assert "Rule sccoder-v1 (`classification/rule.md`)" in flat
    assert "codebook Test codebook, version 1" in flat


# --- datapackage.json and the frictionless tool ------------------------------------------------


def csv_names(package: zipfile.ZipFile) -> list[str]:
    return [n.removeprefix(ROOT) for n in package.namelist() if n.endswith(".csv")]


def test_the_datapackage_describes_every_csv_column_by_column(small_project):
    package = package_of(small_project)
    descriptor = json.loads(read(package, "datapackage.json"))
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["name"] == "small-replication"
    resources = {r["path"]: r for r in descriptor["resources"]}
    assert sorted(resources) == sorted(csv_names(package))
    assert len({r["name"] for r in descriptor["resources"]}) == len(resources)
    for path, resource in resources.items():
        data = package.read(ROOT + path)
        header = next(csv.reader(io.StringIO(data.decode("utf-8"))))
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == header, path
        assert all(f["description"] and f["type"] in TYPES for f in fields), path
        assert resource["schema"]["missingValues"] == [""]
        assert (resource["format"], resource["encoding"]) == ("csv", "utf-8")
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["description"]
    types = {f["name"]: f["type"] for f in resources["data/periods.csv"]["schema"]["fields"]}
    assert (types["end_year"], types["value"], types["overridden"]) == (
        "integer",
        "integer",
        "boolean",
    )
    assert types["carried_from"] == "string"
    agreement = resources["agreement/agreement.csv"]["schema"]["fields"]
    assert {f["name"]: f["type"] for f in agreement}["alpha"] == "number"
    assert resources["data/codings.csv"]["schema"]["primaryKey"] == [
        "evidence",
        "criterion",
        "coder",
    ]
    assert resources["reliability/D-RESP.csv"]["schema"]["primaryKey"] == ["unit"]


TYPES = {"integer", "number", "string", "boolean", "date", "datetime"}


def validate_package(package: zipfile.ZipFile, folder) -> None:
    """frictionless's own validation of the package: every file against its schema, types,
    keys, sizes and hashes."""
    package.extractall(folder)
    report = frictionless.validate(str(folder / ROOT / "datapackage.json"))
    errors = report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert report.valid, "\n".join(map(str, errors))


@pytest.mark.parametrize("raw", [False, True])
def test_frictionless_validates_the_package(small_project, tmp_path, raw):
    out = io.BytesIO()
    write_replication_package(out, small_project, viewer=None, raw=raw)
    validate_package(zipfile.ZipFile(out), tmp_path)


@pytest.mark.parametrize("raw", [False, True])
def test_frictionless_validates_a_package_with_formula_like_text(tmp_path, raw, db):
    # A coder named "@cleo" heads a reliability column: defused, the header is "'@cleo", and
    # the schema names the field as written.
    bundle = json.loads(json.dumps(small_bundle()).replace('"cleo"', '"@cleo"'))
    bundle["evidence"][0]["quote"] = "=SUM(1)"
    bundle["stage_judgments"][0]["rationale"] = "-not a formula"
    project = import_bundle(bundle)
    out = io.BytesIO()
    write_replication_package(out, project, viewer=None, raw=raw)
    package = zipfile.ZipFile(out)
    header = read(package, "reliability/D-RESP.csv").splitlines()[0]
    assert header == ("unit,@cleo,carl" if raw else "unit,'@cleo,carl")
    validate_package(package, tmp_path)


def test_frictionless_validates_the_demo_package(demo_package, tmp_path):
    _, package = demo_package
    package.extractall(tmp_path)
    report = frictionless.validate(
        str(tmp_path / "turkiye-azerbaijan-replication" / "datapackage.json")
    )
    errors = report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert report.valid, "\n".join(map(str, errors))


def test_a_changed_file_fails_validation(small_project, tmp_path):
    out = io.BytesIO()
    write_replication_package(out, small_project, viewer=None)
    zipfile.ZipFile(out).extractall(tmp_path)
    evidence = tmp_path / ROOT / "data" / "evidence.csv"
    evidence.write_text(evidence.read_text().replace("E1,FRA-DEU,P1,1951,", "E1,FRA-DEU,P1,1952,"))
    report = frictionless.validate(str(tmp_path / ROOT / "datapackage.json"))
    assert not report.valid
    assert ["hash-count"] in report.flatten(["type"])
