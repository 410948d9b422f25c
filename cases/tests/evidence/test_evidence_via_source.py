"""Footnotes are sources: an item quoted from one work that rests on another it cites (a
footnoted source) names that work as its ``source`` and the work quoted as ``via_source`` with
the quote's page there. Its citation reads "(Work 2016, 242, cited in Quoted 2024, 386)"
everywhere (report, evidence pages, exports), and the report's bibliography lists both works.
"""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from cases.bundles import BundleError, export_bundle, import_bundle
from cases.exports import write_codings_csv, write_consensus_csv
from cases.models import Evidence, Membership, Source
from cases.reports.build import build_report
from cases.tests.bundle_factory import small_bundle

pytestmark = pytest.mark.django_db

CITED = {
    "type": "article-journal",
    "title": "Coal and Steel",
    "author": [{"family": "Roe", "given": "Rita"}],
    "container-title": "Review",
    "issued": {"date-parts": [[1955]]},
}


def via_bundle(**change):
    """The small project with a second work, roe1955, on which E1's quote from doe2020 rests."""
    doc = small_bundle()
    doc["sources"].append({"key": "roe1955", "csl": CITED})
    e1 = doc["evidence"][0]
    e1.update({"source": "roe1955", "locator": "7", "via_source": "doe2020", "via_locator": "12"})
    e1.update(change)
    return doc


@pytest.fixture
def project(db):
    return import_bundle(via_bundle())


def member(project, username):
    return Membership.objects.get(project=project, user__username=username)


def test_the_work_quoted_and_its_page_roundtrip_and_are_left_out_when_unset(project):
    item = Evidence.objects.get(project=project, key="E1")
    assert (item.source.key, item.locator, item.via_source.key, item.via_locator) == (
        "roe1955",
        "7",
        "doe2020",
        "12",
    )
    exported = {e["key"]: e for e in export_bundle(project)["evidence"]}
    assert (exported["E1"]["via_source"], exported["E1"]["via_locator"]) == ("doe2020", "12")
    assert "via_source" not in exported["E2"] and "via_locator" not in exported["E2"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"via_source": "nobody1999"}, 'unknown via_source "nobody1999"'),
        ({"via_source": "roe1955"}, 'via_source "roe1955" is the source itself'),
        ({"via_locator": "p. 12"}, 'malformed page locator "p. 12" (via_locator)'),
        ({"via_source": None}, "via_locator needs a via_source"),
    ],
)
def test_the_bundle_refuses_a_via_source_that_breaks_the_rules(db, change, message):
    with pytest.raises(BundleError) as refused:
        import_bundle(via_bundle(**change))
    assert f"evidence[0] (E1): {message}" in str(refused.value)


def test_the_model_refuses_the_source_itself_a_page_alone_or_another_projects_work(project):
    item = Evidence.objects.get(project=project, key="E1")
    item.via_source = item.source
    with pytest.raises(ValidationError) as refused:
        item.clean()
    assert "the source itself" in str(refused.value)
    with transaction.atomic(), pytest.raises(IntegrityError):
        item.save()

    item.refresh_from_db()
    item.via_source = None
    with pytest.raises(ValidationError) as refused:
        item.clean()
    assert "needs the work" in str(refused.value)
    with transaction.atomic(), pytest.raises(IntegrityError):
        item.save()

    other = small_bundle()
    other["project"]["slug"] = "other"
    elsewhere = Source.objects.get(project=import_bundle(other), key="doe2020")
    item.refresh_from_db()
    item.via_source = elsewhere
    with pytest.raises(ValidationError) as refused:
        item.clean()
    assert "belongs to another project" in str(refused.value)


def test_the_report_cites_the_work_via_the_quoted_one_and_lists_both(project):
    report = build_report(project, "FRA-DEU", member(project, "otto"))
    entry = next(e for e in report["evidence"] if e["key"] == "E1")
    assert entry["citation"] == "(Roe 1955, 7, cited in Doe 2020, 12)"
    assert (entry["via_source"], entry["via_locator"]) == ("doe2020", "12")
    assert [b["key"] for b in report["bibliography"]] == ["doe2020", "roe1955"]


def test_the_evidence_page_and_list_print_the_same_citation(client, project):
    client.force_login(member(project, "otto").user)
    item = Evidence.objects.get(project=project, key="E1")
    page = client.get(f"/p/{project.slug}/evidence/{item.pk}/").content.decode()
    assert "(Roe 1955, 7, cited in Doe 2020, 12)" in page and "Quoted from" in page
    listing = client.get(f"/p/{project.slug}/evidence/").content.decode()
    assert "(Roe 1955, 7, cited in Doe 2020, 12)" in listing


def rows(write, project, **kwargs) -> list[dict]:
    out = io.StringIO()
    write(out, project, **kwargs)
    return list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))


def test_the_codings_and_consensus_files_end_with_the_via_columns(project):
    # Appended last, so a reader of the earlier files finds every column where it was; the
    # consensus file has since gained the states an item concerns, after them.
    tails = {
        write_codings_csv: ["via_source", "via_locator"],
        write_consensus_csv: ["via_source", "via_locator", "states"],
    }
    for write, tail in tails.items():
        (first, *_) = found = rows(write, project, viewer=member(project, "rita"))
        assert list(first)[-len(tail) :] == tail
        e1 = next(r for r in found if r["evidence"] == "E1")
        assert (e1["source"], e1["locator"], e1["via_source"], e1["via_locator"]) == (
            "roe1955",
            "7",
            "doe2020",
            "12",
        )
        assert e1["citation"] == "(Roe 1955, 7, cited in Doe 2020, 12)"


def test_the_api_reads_and_writes_the_work_quoted(project):
    client = APIClient()
    client.force_login(member(project, "carl").user)
    base = f"/api/projects/{project.slug}/evidence/"
    (row,) = client.get(base + "?key=E1").json()["results"]
    assert (row["via_source"], row["via_locator"]) == ("doe2020", "12")
    item = Evidence.objects.get(project=project, key="E3")
    response = client.patch(
        base + f"{item.pk}/",
        {"via_source": "roe1955", "via_locator": "3", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.content
    response = client.patch(
        base + f"{item.pk}/", {"via_source": "doe2020", "version": 2}, format="json"
    )
    assert response.status_code == 400
    assert "the source itself" in str(response.json()["via_source"])
