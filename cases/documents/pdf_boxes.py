"""Where on a PDF's page a passage of its text stands: the rectangle around its characters, as
the REFI-QDA ``PDFSelection`` gives it.

Pure: no Django. The text of a page (``cases.documents.extract``) is PDFium's text of the page
with line ends made ``\\n``; the same characters are read here one by one with their boxes, so
an offset in the page's text names a character on the page.

The convention (docs/exports.md): coordinates are whole PDF points (1/72 inch) on the page as
PDFium reads it (its media box, unrotated), measured from the page's **top-left corner**, x to
the right and y downwards; ``first`` is the rectangle's upper-left corner and ``second`` its
lower-right one. A passage over several lines gets the one rectangle around all of them; one
whose characters cannot be found on its page (a file changed since) gets the whole page.
"""

import ctypes
import math
from dataclasses import dataclass

import pypdfium2
import pypdfium2.raw as pdfium

from cases.documents.passages import nearest_occurrence


@dataclass(frozen=True)
class Box:
    first_x: int
    first_y: int
    second_x: int
    second_y: int


def _page_characters(textpage) -> tuple[str, list[int]]:
    """The page's text as extract.py keeps it, and for each of its characters PDFium's index."""
    chars, indexes = [], []
    count = pdfium.FPDFText_CountChars(textpage.raw)
    previous = ""
    for index in range(count):
        char = chr(pdfium.FPDFText_GetUnicode(textpage.raw, index) or 0)
        if char == "\x00":
            continue
        if char == "\n" and previous == "\r":
            indexes[-1] = index  # "\r\n" is one "\n"
            previous = char
            continue
        previous = char
        chars.append("\n" if char == "\r" else char)
        indexes.append(index)
    return "".join(chars), indexes


def _box_of(textpage, indexes: list[int], height: float) -> Box | None:
    left, bottom, right, top = (ctypes.c_double() for _ in range(4))
    found = []
    for index in indexes:
        ok = pdfium.FPDFText_GetCharBox(
            textpage.raw, index, left, right, bottom, top
        )  # PDFium's order: left, right, bottom, top
        if ok and (right.value > left.value or top.value > bottom.value):
            found.append((left.value, bottom.value, right.value, top.value))
    if not found:
        return None
    x0 = min(f[0] for f in found)
    y0 = min(f[1] for f in found)
    x1 = max(f[2] for f in found)
    y1 = max(f[3] for f in found)
    return Box(math.floor(x0), math.floor(height - y1), math.ceil(x1), math.ceil(height - y0))


def passage_boxes(data: bytes, passages: list[tuple[int, int, int, str]]) -> list[Box]:
    """The rectangle of each (page index, start, end, exact) passage, start and end counted in
    that page's text (where the words are not there, they are looked for on the page, nearest
    their offset first)."""
    pdf = pypdfium2.PdfDocument(data)
    boxes: list[Box] = []
    try:
        for page_index, start, end, exact in passages:
            page = pdf[min(max(page_index, 0), len(pdf) - 1)]
            width, height = page.get_size()
            whole_page = Box(0, 0, round(width), round(height))
            textpage = page.get_textpage()
            try:
                text, indexes = _page_characters(textpage)
                if text[start:end] != exact:
                    found = nearest_occurrence(text, exact, start)
                    if found is None:
                        boxes.append(whole_page)
                        continue
                    start, end = found, found + len(exact)
                box = _box_of(textpage, indexes[start:end], height)
                boxes.append(box or whole_page)
            finally:
                textpage.close()
                page.close()
    finally:
        pdf.close()
    return boxes
