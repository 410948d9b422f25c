"""The .qdpx carries each source's document and the passages taken from it, coded in place:
a PDF as a PDFSource whose PDFSelections frame the passage's words on the page, a text as a
TextSource whose PlainTextSelections cut exactly the quote out of the text carried with it."""

import pypdfium2
import pytest

from cases.documents.actions import attach_document
from cases.documents.passages import document_text
from cases.models import Document, Evidence, Source
from cases.tests.documents.passage_factory import take_passage
from cases.tests.documents.pdfs import hand_pdf
from cases.tests.exports.test_exports_refiqda import P, check_schema, open_qdpx, qdpx_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def book() -> bytes:
    pages = [[f"Page {n} of the book."] for n in range(10, 91)]
    pages[12 - 10] = ["In 1951 came the coal and", "steel treaty."]
    pages[41 - 10] = ["Treaty. It lasted."]
    return hand_pdf(pages, labels="/Nums [0 << /S /D /St 10 >>]")


def source_named(root, tag: str, name: str):
    return next(s for s in root.iter(f"{P}{tag}") if s.get("name") == name)


def codes_of(root, selection) -> list[tuple[str, str]]:
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{P}User")}
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{P}Code")}
    return sorted(
        (users[c.get("creatingUser")], codes[c.find(f"{P}CodeRef").get("targetGUID")])
        for c in selection.findall(f"{P}Coding")
    )


def text_in_box(pdf_bytes: bytes, page: int, selection) -> str:
    """The page's text inside the selection's rectangle (top-left origin, points)."""
    pdf = pypdfium2.PdfDocument(pdf_bytes)
    height = pdf[page].get_height()
    x0, y0 = int(selection.get("firstX")), int(selection.get("firstY"))
    x1, y1 = int(selection.get("secondX")), int(selection.get("secondY"))
    assert x0 < x1 and y0 < y1
    textpage = pdf[page].get_textpage()
    return textpage.get_text_bounded(left=x0, bottom=height - y1, right=x1, top=height - y0)


def test_a_pdf_passage_is_a_pdf_selection_on_its_page(small_project):
    pdf = book()
    attach_document(
        source=Source.objects.get(key="doe2020"), data=pdf, filename="doe.pdf", user=None
    )
    take_passage("E1", "the coal and\nsteel treaty.")
    take_passage("E2", "It lasted")
    archive, _ = open_qdpx(qdpx_of(small_project))
    root = check_schema(archive.read("project.qde"), archive)
    document = source_named(root, "PDFSource", "doe2020")
    assert document.findtext(f"{P}Description") == "doe.pdf"
    carried = archive.read(f"sources/{document.get('path').removeprefix('internal://')}")
    assert carried == pdf
    e1, e2 = document.findall(f"{P}PDFSelection")
    assert (e1.get("name"), e1.get("page")) == ("E1 passage", "2")  # page "12", 0-based 2
    assert e1.findtext(f"{P}Description") == "E1 (doe2020, p. 12)"
    framed = text_in_box(pdf, 2, e1)
    assert "coal and" in framed and "steel treaty." in framed
    assert e2.get("page") == "31"
    framed = text_in_box(pdf, 31, e2)
    assert "It lasted" in framed and "Treaty" not in framed
    # The passage is coded with the item's consensus; the item's own source keeps every coding.
    assert codes_of(root, e1) == [("consensus", "AB-T2-TRANS = 2 moderate")]
    item = source_named(root, "TextSource", "E1")
    assert len(item.find(f"{P}PlainTextSelection").findall(f"{P}Coding")) == 4
    # The PDF's text is carried too, as its representation.
    representation = document.find(f"{P}Representation")
    path = representation.get("plainTextPath").removeprefix("internal://")
    pages = Document.objects.get(source__key="doe2020").pages.order_by("index")
    assert archive.read(f"sources/{path}").decode() == document_text(
        list(pages.values_list("text", flat=True))
    )


def test_a_text_passage_cuts_exactly_the_quote_out_of_the_carried_text(small_project):
    words = "Of all the treaties, the \u00c9lys\u00e9e Treaty.\nMost trust the neighbour."
    text = f"Notes on the book.\n\n{words}\r\nEnd.\n"
    attach_document(
        source=Source.objects.get(key="doe2020"),
        data=text.encode(),
        filename="notes.md",
        user=None,
    )
    take_passage("E2", "the \u00c9lys\u00e9e Treaty.")
    take_passage("E3", "Most trust the neighbour.")
    archive, _ = open_qdpx(qdpx_of(small_project))
    root = check_schema(archive.read("project.qde"), archive)
    assert list(root.iter(f"{P}PDFSource")) == []
    document = source_named(root, "TextSource", "doe2020")
    carried = archive.read(
        f"sources/{document.get('plainTextPath').removeprefix('internal://')}"
    ).decode("utf-8")
    cut = {
        s.get("name"): carried[int(s.get("startPosition")) : int(s.get("endPosition"))]
        for s in document.findall(f"{P}PlainTextSelection")
    }
    assert cut == {
        "E2 passage": "the \u00c9lys\u00e9e Treaty.",
        "E3 passage": "Most trust the neighbour.",
    }
    assert Evidence.objects.get(key="E3").quote in carried


def test_items_without_a_passage_stay_as_they_were(small_project):
    before = open_qdpx(qdpx_of(small_project))[1]
    attach_document(
        source=Source.objects.get(key="doe2020"), data=book(), filename="doe.pdf", user=None
    )
    archive, root = open_qdpx(qdpx_of(small_project))
    check_schema(archive.read("project.qde"), archive)
    document = source_named(root, "PDFSource", "doe2020")
    assert document.findall(f"{P}PDFSelection") == []
    items = [s.get("name") for s in root.iter(f"{P}TextSource")]
    assert items == [s.get("name") for s in before.iter(f"{P}TextSource")]


def test_a_passage_whose_words_left_the_document_is_left_out(small_project):
    doe = Source.objects.get(key="doe2020")
    attach_document(source=doe, data=book(), filename="doe.pdf", user=None)
    take_passage("E2", "It lasted")
    attach_document(source=doe, data=hand_pdf([["Other words."]]), filename="other.pdf", user=None)
    archive, root = open_qdpx(qdpx_of(small_project))
    check_schema(archive.read("project.qde"), archive)
    assert source_named(root, "PDFSource", "doe2020").findall(f"{P}PDFSelection") == []


def test_two_exports_are_identical(small_project):
    attach_document(
        source=Source.objects.get(key="doe2020"), data=book(), filename="doe.pdf", user=None
    )
    take_passage("E1", "steel treaty.")
    assert qdpx_of(small_project) == qdpx_of(small_project)
