"""The passages as W3C Web Annotations (JSON-LD): one annotation per item taken from a
document, its target the document by hash with the quote, position and page selectors, its
bodies the item and its consensus codes."""

import base64
import hashlib
import io
import json
import zipfile

import pytest
from django.urls import reverse

from cases.documents.actions import attach_document
from cases.documents.passages import document_text
from cases.exports import write_annotations, write_replication_package
from cases.models import Consensus, Criterion, Document, Evidence, Membership, Source
from cases.tests.documents.passage_factory import take_passage
from cases.tests.documents.pdfs import hand_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def book() -> bytes:
    pages = [[f"Page {n} of the book."] for n in range(10, 91)]
    pages[12 - 10] = ["In 1951 came the coal and", "steel treaty."]
    pages[40 - 10] = ["Then, in 1963, the \u00c9lys\u00e9e"]
    pages[88 - 10] = ["Polls: Most trust the neighbour."]
    return hand_pdf(pages, labels="/Nums [0 << /S /D /St 10 >>]")


def annotations(project, viewer=None) -> dict:
    out = io.StringIO()
    write_annotations(out, project, viewer=viewer)
    return json.loads(out.getvalue())


@pytest.fixture
def passages(small_project):
    pdf = book()
    attach_document(
        source=Source.objects.get(key="doe2020"), data=pdf, filename="doe.pdf", user=None
    )
    take_passage("E1", "coal and\nsteel treaty.")
    take_passage("E3", "Most trust the neighbour.")
    return small_project, hashlib.sha256(pdf).hexdigest()


def test_each_passage_is_an_annotation_with_its_selectors(passages):
    project, sha256 = passages
    doc = annotations(project)
    assert doc["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert (doc["type"], doc["total"]) == ("AnnotationCollection", 2)
    items = doc["first"]["items"]
    assert [a["type"] for a in items] == ["Annotation", "Annotation"]
    e1 = items[0]
    target = e1["target"]
    digest = base64.urlsafe_b64encode(bytes.fromhex(sha256)).rstrip(b"=").decode()
    assert target["source"]["id"] == f"ni:///sha-256;{digest}"
    assert target["source"]["format"] == "application/pdf"
    quote, position, page = target["selector"]
    assert quote["type"] == "TextQuoteSelector"
    assert quote["exact"] == "coal and\nsteel treaty."
    assert quote["prefix"].endswith("In 1951 came the ")
    assert position["type"] == "TextPositionSelector"
    pages = Document.objects.get(source__key="doe2020").pages.order_by("index")
    whole = document_text(list(pages.values_list("text", flat=True)))
    assert whole[position["start"] : position["end"]] == quote["exact"]
    assert page == {
        "type": "FragmentSelector",
        "conformsTo": "http://tools.ietf.org/rfc/rfc3778",
        "value": "page=3",  # the PDF's third page, printed 12
    }
    describing, *tags = e1["body"]
    assert describing["purpose"] == "describing"
    assert describing["value"].startswith("E1: (Doe 2020, 12) (document page 12)")
    assert [t["value"] for t in tags] == ["AB-T2-TRANS = 2 moderate"]
    assert e1["motivation"] == "classifying"
    assert len({a["id"] for a in items}) == 2


def test_a_coder_gets_no_consensus_of_items_still_to_code(passages, people):
    project, _ = passages
    # E2 is cleo's to code, not yet submitted: its consensus is not hers to read.
    Consensus.objects.create(
        evidence=Evidence.objects.get(key="E2"),
        criterion=Criterion.objects.get(codebook=project.codebook, code="AB-T2-TRANS"),
        value=1,
        method=Consensus.Method.ADJUDICATED,
        decided_by=people["rita"],
        rationale="Early.",
    )
    take_passage("E2", "the \u00c9lys\u00e9e")
    cleo = Membership.objects.get(project=project, user__username="cleo")
    full = {a["body"][0]["value"][:2]: a for a in annotations(project)["first"]["items"]}
    mine = {a["body"][0]["value"][:2]: a for a in annotations(project, cleo)["first"]["items"]}
    assert sorted(mine) == sorted(full) == ["E1", "E2", "E3"]
    assert [a["target"] for a in mine.values()] == [a["target"] for a in full.values()]
    assert [b["value"] for b in full["E2"]["body"][1:]] == ["AB-T2-TRANS = 1 weak"]
    assert [b["purpose"] for b in mine["E2"]["body"]] == ["describing"]
    assert mine["E1"]["body"] == full["E1"]["body"]  # submitted: hers to read


def test_the_exports_page_and_the_replication_package_carry_it(passages, client, people):
    project, _ = passages
    client.force_login(people["otto"])
    response = client.get(reverse("cases:export_file", args=["small", "annotations.jsonld"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert json.loads(response.content)["total"] == 2
    out = io.BytesIO()
    write_replication_package(out, project, viewer=None)
    archive = zipfile.ZipFile(out)
    name = next(n for n in archive.namelist() if n.endswith("data/annotations.jsonld"))
    assert json.loads(archive.read(name)) == annotations(project)


def test_without_documents_the_collection_is_empty(small_project):
    doc = annotations(small_project)
    assert (doc["total"], doc["first"]["items"]) == (0, [])
