"""A document's text, page by page, with each page's label.

Pure: no Django. A PDF is read with pypdfium2 (PDFium): the text of each page, and the page
labels the PDF itself declares ("iv", "213") where it has them, else 1, 2, 3, … HTML loses its
markup, scripts and styles; plain text and Markdown are one page as written.

Every refusal is an ``UnreadableDocument`` whose message says what is wrong, for the person who
uploaded the file.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import pypdfium2

from cases.documents.sniff import HTML, PDF, decode_text


class UnreadableDocument(ValueError):
    """The file is of a kind sccoder reads but cannot be read as one."""


@dataclass(frozen=True)
class Page:
    label: str  # as the document names the page; "" where it has no pages (HTML, text)
    text: str


@dataclass(frozen=True)
class Extracted:
    pages: list[Page]
    labels_from_document: bool  # False: PDF pages numbered 1..n, or a document without pages


def extract(data: bytes, kind: str, max_pages: int) -> Extracted:
    if kind == PDF:
        return extract_pdf(data, max_pages)
    text = decode_text(data) or ""
    if kind == HTML:
        text = html_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableDocument("the file holds no text")
    return Extracted([Page("", text)], labels_from_document=False)


def open_pdf(data: bytes, max_pages: int) -> pypdfium2.PdfDocument:
    """The PDF opened, refused when it is encrypted, damaged, empty or over ``max_pages``:
    the checks cheap enough to make while the uploader waits. The caller closes it."""
    if b"/Encrypt" in data:
        raise UnreadableDocument(
            "the PDF is encrypted: save an unprotected copy (print to PDF) and upload that"
        )
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if "password" in str(error).lower():  # PDFium's "Incorrect password error"
            raise UnreadableDocument(
                "the PDF is protected by a password: upload an unprotected copy"
            ) from None
        raise UnreadableDocument(
            "the PDF is damaged and cannot be read: download or export it again"
        ) from None
    count = len(pdf)
    if count == 0 or count > max_pages:
        pdf.close()
    if count == 0:
        raise UnreadableDocument("the PDF has no pages")
    if count > max_pages:
        raise UnreadableDocument(
            f"the PDF has {count:,} pages; at most {max_pages:,} are read: "
            "upload the chapter or article the evidence quotes"
        )
    return pdf


def pdf_page_count(data: bytes, max_pages: int) -> int:
    """The PDF's pages, after the checks of ``open_pdf``; its text is not read."""
    pdf = open_pdf(data, max_pages)
    try:
        return len(pdf)
    finally:
        pdf.close()


def extract_pdf(
    data: bytes, max_pages: int, progress: Callable[[int, int], None] | None = None
) -> Extracted:
    """Every page's text; ``progress(pages_read, total)`` is told after each page."""
    pdf = open_pdf(data, max_pages)
    try:
        count = len(pdf)
        labels = [pdf.get_page_label(i) or "" for i in range(count)]
        declared = any(labels)
        pages = []
        for index in range(count):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                text = textpage.get_text_bounded()
            finally:
                textpage.close()
                page.close()
            text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
            pages.append(Page(labels[index] if declared else str(index + 1), text))
            if progress is not None:
                progress(index + 1, count)
    finally:
        pdf.close()
    if not any(page.text.strip() for page in pages):
        raise UnreadableDocument(
            "the PDF has no text layer (a scan?): run it through OCR first (for example "
            "ocrmypdf) and upload the result"
        )
    return Extracted(pages, labels_from_document=declared)


# Elements whose content is not text a reader sees.
_HIDDEN = {"script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object"}
_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "blockquote", "pre", "header", "footer", "dd", "dt", "hr", "title",
}  # fmt: skip


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data) -> None:
        if not self.hidden:  # a line break in the source is a space on the page
            self.parts.append(re.sub(r"\s+", " ", data))


def html_text(html: str) -> str:
    """The text a reader sees: no tags, scripts, styles or head; blocks on lines of their own."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"
