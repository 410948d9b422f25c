"""Attaching a document to a source, on the source's document page and over the API: who may,
what is refused (with the field named, nothing written, no file left in the storage), and how
the file is served. conftest.py's people: ada, rita, carl and cleo upload; otto (observer) reads
and downloads but gets 403 on every change; olaf is an outsider (404), also when he is a coder
of another project."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from cases.bundles import import_bundle
from cases.documents.actions import attach_document
from cases.models import Document, DocumentPage, Source
from cases.tests.bundle_factory import small_bundle
from cases.tests.documents.conftest import stored_files
from cases.tests.documents.pdfs import hand_pdf, matplotlib_pdf, scanned_pdf
from cases.tests.documents.test_sniff_and_extract import zip_bomb_named_docx

pytestmark = pytest.mark.django_db

EDITORS = ["ada", "rita", "carl", "cleo"]
ARTICLE = hand_pdf(
    [["The treaty was signed in 1963."], ["Trust grew slowly after that."]],
    labels="/Nums [0 << /S /D /St 212 >>]",
)


def doe(project) -> Source:
    return Source.objects.get(project=project, key="doe2020")


def page_url(source, name="source_document") -> str:
    return reverse(f"cases:{name}", kwargs={"slug": source.project.slug, "pk": source.pk})


def api_url(source, suffix="") -> str:
    return f"/api/projects/{source.project.slug}/sources/{source.pk}/document/{suffix}"


def signed_in(people, username, api=False):
    client = APIClient() if api else Client()
    client.force_login(people[username])
    return client


def upload(data: bytes, name: str = "article.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def coder_elsewhere(small_project, people):
    """olaf, a coder of another project: his role there gives him nothing here."""
    other = small_bundle()
    other["project"]["slug"] = "other"
    other["members"] = [{"username": "olaf", "role": "coder"}]
    for key in ("codings", "consensus", "period_overrides", "stage_judgments"):
        other[key] = []
    import_bundle(other)
    return people["olaf"]


# --- uploading on the page ------------------------------------------------------------------


@pytest.mark.parametrize("username", EDITORS)
def test_editors_attach_a_pdf_and_its_pages_are_stored(small_project, people, media_root, username):
    source = doe(small_project)
    response = signed_in(people, username).post(page_url(source), {"file": upload(ARTICLE)})
    assert response.status_code == 302
    document = Document.objects.get(source=source)
    assert (document.kind, document.filename, document.page_count) == ("pdf", "article.pdf", 2)
    assert document.labels_from_document is True
    assert document.uploaded_by == people[username]
    pages = list(DocumentPage.objects.filter(document=document).values_list("label", "text"))
    assert pages == [
        ("212", "The treaty was signed in 1963."),
        ("213", "Trust grew slowly after that."),
    ]
    assert stored_files(media_root) == [f"documents/{document.sha256[:2]}/{document.sha256}"]
    page = signed_in(people, "otto").get(page_url(source))
    assert b"article.pdf" in page.content and b"numbered as the PDF labels them" in page.content


def test_the_same_file_for_two_sources_is_stored_once(small_project, people, media_root):
    first = doe(small_project)
    second = Source.objects.create(project=small_project, key="roe2021", csl={"title": "R"})
    client = signed_in(people, "carl")
    client.post(page_url(first), {"file": upload(ARTICLE)})
    client.post(page_url(second), {"file": upload(ARTICLE, "copy.pdf")})
    assert Document.objects.filter(sha256=Document.objects.get(source=first).sha256).count() == 2
    assert len(stored_files(media_root)) == 1
    # Removing one keeps the file the other still uses; removing both removes it.
    client.post(page_url(first, "document_remove"))
    assert len(stored_files(media_root)) == 1
    client.post(page_url(second, "document_remove"))
    assert stored_files(media_root) == []
    assert Document.objects.count() == 0 and DocumentPage.objects.count() == 0


def test_replacing_a_document_removes_the_old_file(small_project, people, media_root):
    source = doe(small_project)
    client = signed_in(people, "rita")
    client.post(page_url(source), {"file": upload(ARTICLE)})
    client.post(page_url(source), {"file": upload(b"Only text now.\n", "notes.txt")})
    document = Document.objects.get(source=source)
    assert (document.kind, document.page_count) == ("text", 1)
    assert stored_files(media_root) == [f"documents/{document.sha256[:2]}/{document.sha256}"]


BAD_FILES = [
    (hand_pdf([["whole"]])[:250], "broken.pdf", "the PDF is damaged"),
    (hand_pdf([["secret"]], encrypt=True), "locked.pdf", "the PDF is encrypted"),
    (zip_bomb_named_docx(), "thesis.docx", "looks like a ZIP archive (DOCX"),
    (b"", "empty.txt", "The file is empty."),
]


@pytest.mark.parametrize("data, name, message", BAD_FILES)
def test_bad_files_are_refused_whole_on_the_page(
    small_project, people, media_root, data, name, message
):
    source = doe(small_project)
    response = signed_in(people, "carl").post(page_url(source), {"file": upload(data, name)})
    assert response.status_code == 400
    field_error = response.content.decode().split('id="id_file_error">')[1].split("</p>")[0]
    assert message in field_error
    assert "Nothing was stored." in field_error or not data
    assert Document.objects.count() == 0 and DocumentPage.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_scan_is_refused_by_the_reading_task_and_nothing_of_it_kept(
    small_project, people, media_root
):
    """A PDF without a text layer opens, so the upload takes it; the task that reads its text
    finds none and refuses it: no pages, no file, the reason on the document page."""
    source = doe(small_project)
    client = signed_in(people, "carl")
    response = client.post(page_url(source), {"file": upload(scanned_pdf(), "scan.pdf")})
    assert response.status_code == 302
    document = Document.objects.get(source=source)
    assert document.status == "refused"
    assert document.refusal.startswith("the PDF has no text layer (a scan?): run it through OCR")
    assert DocumentPage.objects.count() == 0 and stored_files(media_root) == []
    page = client.get(page_url(source)).content.decode()
    assert "Not attached: the PDF has no text layer (a scan?)" in page
    assert "The file was not kept and no text was stored." in page
    assert client.get(page_url(source, "document_download")).status_code == 404
    assert client.get(page_url(source, "document_reading")).json() == {
        "status": "refused",
        "pages_read": 0,
        "page_count": 1,
        "percent": 0,
        "refusal": document.refusal,
    }
    # A refused document holds no text: the reader sends back to the document page.
    reader = client.get(page_url(source, "document_reader"), follow=True)
    assert "The document of doe2020 has no text: the PDF has no text layer" in (
        reader.content.decode()
    )
    # The API says so too.
    answer = signed_in(people, "otto", api=True).get(api_url(source)).json()
    assert (answer["status"], answer["refusal"], answer["page_labels"]) == (
        "refused",
        document.refusal,
        [],
    )
    # Clearing the message leaves the source without a document.
    client.post(page_url(source, "document_remove"))
    assert Document.objects.count() == 0


def test_a_refused_upload_keeps_the_document_already_there(small_project, people, media_root):
    """Refused while the uploader waits (here: encrypted), the earlier document stays."""
    source = doe(small_project)
    client = signed_in(people, "carl")
    client.post(page_url(source), {"file": upload(ARTICLE)})
    before = stored_files(media_root)
    client.post(page_url(source), {"file": upload(hand_pdf([["x"]], encrypt=True), "l.pdf")})
    assert Document.objects.get(source=source).filename == "article.pdf"
    assert stored_files(media_root) == before


def test_a_file_over_the_size_limit_is_refused(small_project, people, media_root, settings):
    settings.SCCODER_DOCUMENT_MAX_BYTES = 1024
    source = doe(small_project)
    response = signed_in(people, "ada").post(page_url(source), {"file": upload(b"x" * 2048)})
    assert response.status_code == 400
    assert "the file is 0.0 MB; at most 0.0 MB are accepted" in response.content.decode()
    assert Document.objects.count() == 0 and stored_files(media_root) == []


def test_a_pdf_over_the_page_limit_is_refused_and_one_within_it_read(
    small_project, people, media_root, settings
):
    settings.SCCODER_DOCUMENT_MAX_PAGES = 499
    source = doe(small_project)
    long_pdf = hand_pdf([[f"page {i + 1}"] for i in range(500)])
    client = signed_in(people, "ada")
    response = client.post(page_url(source), {"file": upload(long_pdf)})
    assert "the PDF has 500 pages; at most 499 are read" in response.content.decode()
    assert Document.objects.count() == 0 and stored_files(media_root) == []
    settings.SCCODER_DOCUMENT_MAX_PAGES = 1000  # the default
    client.post(page_url(source), {"file": upload(long_pdf)})
    assert DocumentPage.objects.filter(document__source=source).count() == 500


# --- who may: pages -------------------------------------------------------------------------


def test_an_observer_reads_and_downloads_but_cannot_upload_or_remove(
    small_project, people, media_root
):
    source = doe(small_project)
    attach_document(source=source, data=ARTICLE, filename="a.pdf", user=people["ada"])
    otto = signed_in(people, "otto")
    page = otto.get(page_url(source))
    assert page.status_code == 200
    assert b"multipart/form-data" not in page.content
    assert b"Remove the document" not in page.content
    download = otto.get(page_url(source, "document_download"))
    assert b"".join(download.streaming_content) == ARTICLE
    assert otto.post(page_url(source), {"file": upload(b"Mine.")}).status_code == 403
    assert otto.post(page_url(source, "document_remove")).status_code == 403
    assert Document.objects.get(source=source).filename == "a.pdf"
    assert len(stored_files(media_root)) == 1


@pytest.mark.parametrize("name", ["source_document", "document_download", "document_remove"])
def test_a_coder_of_another_project_gets_404_everywhere(
    small_project, people, coder_elsewhere, name
):
    source = doe(small_project)
    attach_document(source=source, data=ARTICLE, filename="a.pdf", user=people["ada"])
    client = signed_in(people, "olaf")
    response = (
        client.post(page_url(source, name))
        if name == "document_remove"
        else (client.get(page_url(source, name)))
    )
    assert response.status_code == 404
    assert Document.objects.filter(source=source).exists()
    assert client.post(page_url(source), {"file": upload(b"Olaf's.")}).status_code == 404


def test_a_source_of_another_project_is_not_reached_through_this_one(
    small_project, people, coder_elsewhere
):
    """carl is a member here; the other project's source, named by its id under this project's
    address, is a 404 and keeps its document."""
    theirs = Source.objects.get(project__slug="other", key="doe2020")
    attach_document(source=theirs, data=ARTICLE, filename="theirs.pdf", user=None)
    url = reverse("cases:document_download", kwargs={"slug": "small", "pk": theirs.pk})
    assert signed_in(people, "carl").get(url).status_code == 404
    url = reverse("cases:source_document", kwargs={"slug": "small", "pk": theirs.pk})
    assert signed_in(people, "carl").post(url, {"file": upload(b"x")}).status_code == 404
    assert Document.objects.get(source=theirs).filename == "theirs.pdf"


# --- serving --------------------------------------------------------------------------------


def test_html_is_stored_but_downloaded_never_rendered(small_project, people, media_root):
    source = doe(small_project)
    html = b"<!doctype html><html><body><p>Said it.</p><script>alert(1)</script></body></html>"
    signed_in(people, "carl").post(page_url(source), {"file": upload(html, "page.html")})
    document = Document.objects.get(source=source)
    assert document.kind == "html"
    assert DocumentPage.objects.get(document=document).text == "Said it.\n"
    response = signed_in(people, "otto").get(page_url(source, "document_download"))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == html


def test_a_pdf_opens_in_the_browser(small_project, people):
    source = doe(small_project)
    attach_document(source=source, data=matplotlib_pdf(["Text"]), filename="b.pdf", user=None)
    response = signed_in(people, "cleo").get(page_url(source, "document_download"))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")


def test_the_bibliography_links_each_document(small_project, people):
    source = doe(small_project)
    attach_document(source=source, data=ARTICLE, filename="a.pdf", user=None)
    page = signed_in(people, "otto").get(reverse("cases:bibliography", args=["small"]))
    assert page_url(source).encode() in page.content
    assert b">Document</a>" in page.content


# --- the API --------------------------------------------------------------------------------


def test_the_api_uploads_reads_and_removes(small_project, people, media_root):
    source = doe(small_project)
    carl = signed_in(people, "carl", api=True)
    created = carl.put(api_url(source), {"file": upload(ARTICLE)}, format="multipart")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["source"], body["kind"], body["page_count"]) == ("doe2020", "pdf", 2)
    assert body["page_labels"] == ["212", "213"]
    assert body["uploaded_by"] == "carl"
    assert (
        signed_in(people, "otto", api=True).get(api_url(source)).json()["sha256"]
        == (body["sha256"])
    )
    download = signed_in(people, "otto", api=True).get(api_url(source, "download/"))
    assert b"".join(download.streaming_content) == ARTICLE
    assert carl.delete(api_url(source)).status_code == 204
    assert carl.get(api_url(source)).status_code == 404
    assert stored_files(media_root) == []


@pytest.mark.parametrize("data, name, message", BAD_FILES[:-1])
def test_the_api_refuses_bad_files_under_the_field(
    small_project, people, media_root, data, name, message
):
    source = doe(small_project)
    response = signed_in(people, "rita", api=True).put(
        api_url(source), {"file": upload(data, name)}, format="multipart"
    )
    assert response.status_code == 400
    assert message in response.json()["file"][0]
    assert Document.objects.count() == 0 and stored_files(media_root) == []


def test_the_api_refuses_an_observer_and_outsiders(small_project, people, coder_elsewhere):
    source = doe(small_project)
    attach_document(source=source, data=ARTICLE, filename="a.pdf", user=None)
    otto = signed_in(people, "otto", api=True)
    assert otto.put(api_url(source), {"file": upload(b"x")}, format="multipart").status_code == 403
    assert otto.delete(api_url(source)).status_code == 403
    olaf = signed_in(people, "olaf", api=True)
    assert olaf.get(api_url(source)).status_code == 404
    assert olaf.get(api_url(source, "download/")).status_code == 404
    assert olaf.put(api_url(source), {"file": upload(b"x")}, format="multipart").status_code == 404
    assert olaf.delete(api_url(source)).status_code == 404
    assert APIClient().get(api_url(source, "download/")).status_code == 401
    assert Document.objects.get(source=source).filename == "a.pdf"


def test_a_deleted_source_takes_its_file_along(
    small_project, people, media_root, django_capture_on_commit_callbacks
):
    source = Source.objects.create(project=small_project, key="roe2021", csl={"title": "R"})
    attach_document(source=source, data=ARTICLE, filename="a.pdf", user=None)
    attach_document(source=doe(small_project), data=b"Other.", filename="b.txt", user=None)
    assert len(stored_files(media_root)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        source.delete()
    assert Document.objects.get().filename == "b.txt"
    assert len(stored_files(media_root)) == 1


def test_a_rolled_back_delete_keeps_the_file(
    small_project, media_root, django_capture_on_commit_callbacks
):
    from django.db import transaction

    source = doe(small_project)
    attach_document(source=source, data=ARTICLE, filename="a.pdf", user=None)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        source.document.delete()
        raise RuntimeError("undo")
    assert callbacks == []
    assert Document.objects.filter(source=source).exists()
    assert len(stored_files(media_root)) == 1
