"""What kind a file is by its content, and its text page by page (pure: no database)."""

import io
import zipfile

import pytest

from cases.documents.extract import UnreadableDocument, extract, html_text
from cases.documents.sniff import UnsupportedType, sniff
from cases.tests.documents.pdfs import hand_pdf, matplotlib_pdf, scanned_pdf


def zip_bomb_named_docx() -> bytes:
    """A ZIP of one member that inflates a thousandfold, as a .docx would be uploaded."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\x00" * 10_000_000)
    return buffer.getvalue()


def test_kinds_are_told_by_content_not_by_name():
    assert sniff(hand_pdf([["x"]]), "notes.txt") == "pdf"
    assert sniff(b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "a.pdf") == "html"
    assert sniff("Plain words, café.".encode(), "paper.pdf") == "text"
    assert sniff(b"# Title\n\nSome *words*.", "notes.md") == "markdown"
    assert sniff("\ufeffWith a byte-order mark".encode(), "x") == "text"


def test_a_zip_bomb_called_docx_is_refused_unread():
    bomb = zip_bomb_named_docx()
    assert len(bomb) < 100_000
    with pytest.raises(UnsupportedType, match="ZIP archive \\(DOCX"):
        sniff(bomb, "thesis.docx")


@pytest.mark.parametrize(
    "data, what",
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "PNG image"),
        (b"\xff\xfe\x00\x00binary", "neither a PDF nor text"),
        (b"text with a NUL \x00 inside", "neither a PDF nor text"),
    ],
)
def test_other_binaries_are_refused_by_name(data, what):
    with pytest.raises(UnsupportedType, match=what):
        sniff(data, "x.txt")


def test_pdf_pages_keep_their_text_and_declared_labels():
    pdf = hand_pdf(
        [["Front matter"], ["Preface (short)"], ["The argument begins"]],
        labels="/Nums [0 << /S /r >> 2 << /S /D /St 213 >>]",
    )
    extracted = extract(pdf, "pdf", max_pages=10)
    assert [(p.label, p.text) for p in extracted.pages] == [
        ("i", "Front matter"),
        ("ii", "Preface (short)"),
        ("213", "The argument begins"),
    ]
    assert extracted.labels_from_document is True


def test_a_pdf_without_labels_is_numbered_from_one():
    extracted = extract(matplotlib_pdf(["First page text", "Second page text"]), "pdf", 10)
    assert [(p.label, p.text) for p in extracted.pages] == [
        ("1", "First page text"),
        ("2", "Second page text"),
    ]
    assert extracted.labels_from_document is False


def test_a_scan_without_text_layer_is_refused():
    with pytest.raises(UnreadableDocument, match="no text layer"):
        extract(scanned_pdf(), "pdf", 10)


def test_an_encrypted_pdf_is_refused():
    with pytest.raises(UnreadableDocument, match="encrypted"):
        extract(hand_pdf([["secret"]], encrypt=True), "pdf", 10)


def test_a_corrupt_pdf_is_refused():
    whole = hand_pdf([["complete"]])
    with pytest.raises(UnreadableDocument, match="damaged"):
        extract(whole[:200], "pdf", 10)


def test_a_pdf_past_the_page_limit_is_refused_and_within_it_read():
    pdf = hand_pdf([[f"page {i + 1}"] for i in range(500)])
    with pytest.raises(UnreadableDocument, match="has 500 pages; at most 499"):
        extract(pdf, "pdf", max_pages=499)
    pages = extract(pdf, "pdf", max_pages=500).pages
    assert len(pages) == 500
    assert (pages[499].label, pages[499].text) == ("500", "page 500")


def test_html_text_drops_scripts_styles_and_tags():
    html = (
        "<html><head><title>T</title><style>p{color:red}</style>"
        "<script>alert('x')</script></head><body><h1>Heading</h1>"
        "<p>First  <b>bold</b>\n words.</p><script>steal()</script><p>Second &amp; last.</p>"
        "</body></html>"
    )
    assert html_text(html) == "Heading\n\nFirst bold words.\n\nSecond & last.\n"
    assert extract(html.encode(), "html", 10).pages[0].text == html_text(html)


def test_text_is_one_page_without_label():
    extracted = extract(b"line one\r\nline two\n", "text", 10)
    assert [(p.label, p.text) for p in extracted.pages] == [("", "line one\nline two\n")]
    with pytest.raises(UnreadableDocument, match="no text"):
        extract(b" \n\t", "text", 10)
