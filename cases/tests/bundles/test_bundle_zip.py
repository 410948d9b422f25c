"""The zip bundle: bundle.json and documents/<sha256>. Export → import → export gives the same
bundle and the same files; what is wrong with an archive is refused by name, with nothing
written (no project, no document rows, no stored file)."""

import hashlib
import io
import json
import zipfile

import pytest

from cases.bundles import BundleError, delete_project, export_bundle, import_bundle
from cases.bundles.archive import read_bundle_zip, write_bundle_zip
from cases.documents.actions import attach_document
from cases.exports.bundle_export import stored_files, write_bundle_zip_for
from cases.models import Document, DocumentPage, EvidencePassage, Project, Source
from cases.tests.bundle_factory import small_bundle
from cases.tests.cli import manage
from cases.tests.documents.conftest import stored_files as files_in
from cases.tests.documents.passage_factory import take_passage
from cases.tests.documents.pdfs import hand_pdf

LIMIT = 50 * 1024 * 1024


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def book() -> bytes:
    pages = [[f"Page {n} of the book."] for n in range(10, 91)]
    pages[12 - 10] = ["In 1951 came the coal and", "steel treaty."]
    return hand_pdf(pages, labels="/Nums [0 << /S /D /St 10 >>]")


NOTES = b"Notes.\n\nMost trust the neighbour.\n"


def documented_project():
    project = import_bundle(small_bundle())
    attach_document(
        source=Source.objects.get(key="doe2020"), data=book(), filename="doe.pdf", user=None
    )
    roe = Source.objects.create(project=project, key="roe2024", csl={"title": "Notes"})
    attach_document(source=roe, data=NOTES, filename="notes.md", user=None)
    take_passage("E1", "coal and\nsteel treaty.")
    return project


def zipped(project) -> bytes:
    out = io.BytesIO()
    write_bundle_zip_for(out, project, viewer=None)
    return out.getvalue()


def rezip(entries: dict[str, bytes], compress=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compress) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def entries_of(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def nothing_written(media_root, before: list[str]) -> None:
    assert not Project.objects.filter(slug="small").exists()
    assert Document.objects.count() == 0 and DocumentPage.objects.count() == 0
    assert EvidencePassage.objects.count() == 0
    assert files_in(media_root) == before


@pytest.mark.django_db
def test_export_import_export_keeps_the_bundle_and_the_documents(media_root):
    project = documented_project()
    first = zipped(project)
    entries = entries_of(first)
    doc = json.loads(entries["bundle.json"])
    pdf_hash = hashlib.sha256(book()).hexdigest()
    notes_hash = hashlib.sha256(NOTES).hexdigest()
    assert sorted(entries) == sorted(
        ["bundle.json", f"documents/{pdf_hash}", f"documents/{notes_hash}"]
    )
    doe = next(s for s in doc["sources"] if s["key"] == "doe2020")
    assert doe["document"] == {
        "sha256": pdf_hash,
        "media_type": "application/pdf",
        "filename": "doe.pdf",
        "page_labels": [str(n) for n in range(10, 91)],
    }
    e1 = next(e for e in doc["evidence"] if e["key"] == "E1")
    assert e1["passage"]["exact"] == "coal and\nsteel treaty."
    assert (e1["passage"]["page_index"], e1["passage"]["page_label"]) == (2, "12")

    delete_project(project)
    imported = import_bundle(*read_bundle_zip(first, max_document_bytes=LIMIT)[:1], files=None)
    # A JSON bundle: the passages come, the documents do not.
    assert Document.objects.filter(source__project=imported).count() == 0
    assert EvidencePassage.objects.get(evidence__key="E1").exact == "coal and\nsteel treaty."
    delete_project(imported)

    doc, files = read_bundle_zip(first, max_document_bytes=LIMIT)
    imported = import_bundle(doc, files=files)
    assert zipped(imported) == first
    document = Document.objects.get(source__project=imported, source__key="doe2020")
    assert (document.sha256, document.page_count, document.kind) == (pdf_hash, 81, "pdf")
    assert DocumentPage.objects.get(document=document, index=2).label == "12"


@pytest.mark.django_db
def test_the_commands_round_trip_a_zip(tmp_path, cli_database, monkeypatch):
    monkeypatch.setenv("SCCODER_MEDIA_ROOT", str(tmp_path / "media"))
    documented_project()
    archive = tmp_path / "small.zip"
    doc = export_bundle(Project.objects.get(slug="small"))
    write_bundle_zip(archive, doc, stored_files([s["document"]["sha256"] for s in doc["sources"]]))
    result = manage("import_bundle", str(archive), database=cli_database)
    assert result.returncode == 0, result.stderr
    again = tmp_path / "again.zip"
    result = manage("export_bundle", "small", "--zip", "-o", str(again), database=cli_database)
    assert result.returncode == 0, result.stderr
    assert entries_of(again.read_bytes()) == entries_of(archive.read_bytes())
    result = manage("export_bundle", "small", "--zip", database=cli_database)
    assert result.returncode != 0 and "-o PATH" in result.stderr


def refused(data: bytes, media_root) -> str:
    before = files_in(media_root)
    with pytest.raises(BundleError) as error:
        doc, files = read_bundle_zip(data, max_document_bytes=LIMIT)
        import_bundle(doc, files=files)
    nothing_written(media_root, before)
    return str(error.value)


@pytest.fixture
def good_zip(media_root):
    """A documented project's zip, the project itself deleted again (its files stay stored only
    while a document uses them)."""
    project = documented_project()
    data = zipped(project)
    delete_project(project)
    return data


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_is_refused(good_zip, media_root):
    assert refused(good_zip[: len(good_zip) // 2], media_root) == (
        "bundle: not a zip archive, or a damaged one"
    )


@pytest.mark.django_db(transaction=True)
def test_a_missing_document_is_refused(good_zip, media_root):
    entries = entries_of(good_zip)
    pdf = next(name for name in entries if entries[name].startswith(b"%PDF"))
    del entries[pdf]
    assert refused(rezip(entries), media_root) == (
        f"bundle: the document {pdf} that a source names is not in the archive"
    )


@pytest.mark.django_db(transaction=True)
def test_a_changed_document_is_refused(good_zip, media_root):
    entries = entries_of(good_zip)
    pdf = next(name for name in entries if entries[name].startswith(b"%PDF"))
    entries[pdf] = entries[pdf].replace(b"steel", b"STEEL")
    assert refused(rezip(entries), media_root) == (
        f"bundle: {pdf} does not match its SHA-256 (the file was changed)"
    )


@pytest.mark.django_db(transaction=True)
def test_a_zip_bomb_is_refused_unread(good_zip, media_root):
    entries = entries_of(good_zip)
    notes = next(name for name in entries if entries[name] == NOTES)
    entries[notes] = b"\0" * (60 * 1024 * 1024)  # 60 MB of zeros deflate to about 60 kB
    message = refused(rezip(entries), media_root)
    assert message.startswith(f"bundle: {notes} inflates to 60.0 MB; at most 50.0 MB")


@pytest.mark.django_db(transaction=True)
def test_a_document_over_the_limit_is_refused_unread(good_zip, media_root):
    entries = entries_of(good_zip)
    notes = next(name for name in entries if entries[name] == NOTES)
    entries[notes] = b"x" * 2_000_000
    with pytest.raises(BundleError) as error:
        read_bundle_zip(rezip(entries), max_document_bytes=1_000_000)
    assert str(error.value) == (
        f"bundle: {notes} inflates to 1.9 MB; at most 1,000,000 bytes are read"
    )


@pytest.mark.django_db(transaction=True)
def test_a_document_that_cannot_be_read_is_refused_with_its_source(media_root):
    doc = small_bundle()
    data = b"PK\x03\x04 not a document"
    sha256 = hashlib.sha256(data).hexdigest()
    doc["sources"][0]["document"] = {
        "sha256": sha256,
        "media_type": "application/pdf",
        "filename": "doe.pdf",
    }
    message = refused(
        rezip({"bundle.json": json.dumps(doc).encode(), f"documents/{sha256}": data}), media_root
    )
    assert message.startswith("sources[0] (doe2020): the document 'doe.pdf' cannot be attached:")
    assert "ZIP archive" in message


@pytest.mark.django_db(transaction=True)
def test_strangers_in_the_archive_are_refused(good_zip, media_root):
    entries = entries_of(good_zip)
    entries["../../etc/passwd"] = b"x"
    assert refused(rezip(entries), media_root) == (
        "bundle: the archive holds '../../etc/passwd': only bundle.json and "
        "documents/<sha256> belong in a bundle"
    )


@pytest.mark.django_db
def test_a_passage_that_ends_before_it_starts_is_refused():
    doc = small_bundle()
    doc["evidence"][0]["passage"] = {
        "document": "0" * 64,
        "exact": "x",
        "start": 5,
        "end": 5,
        "page_index": 0,
    }
    doc["evidence"][1]["passage"] = {"document": "nope", "exact": "x", "start": -1, "end": 1}
    with pytest.raises(BundleError) as error:
        import_bundle(doc)
    assert str(error.value).splitlines() == [
        'evidence[0] (E1): "passage.end" (5) must come after "passage.start" (5)',
        'evidence[1] (E2): "passage.page_index" is missing',
        'evidence[1] (E2): "passage.document" must be a SHA-256 (64 lowercase hexadecimal digits)',
        'evidence[1] (E2): "passage.start" must be an integer, 0 or more',
    ]


@pytest.mark.django_db
def test_the_exports_page_serves_the_zip_with_the_viewers_codings(client, media_root):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    documented_project()
    client.force_login(get_user_model().objects.get(username="carl"))
    response = client.get(reverse("cases:export_file", args=["small", "bundle.zip"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    entries = entries_of(b"".join(response.streaming_content))
    assert f"documents/{hashlib.sha256(book()).hexdigest()}" in entries
    doc = json.loads(entries["bundle.json"])
    assert {c["coder"] for c in doc["codings"]} == {"carl"}  # a coder's own codings only
