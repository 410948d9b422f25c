"""A document's whole text and the W3C selectors of a passage in it.

Pure: no Django. Pages are joined with a form feed between them, so a TextPositionSelector's
offsets count the same characters wherever they are read (reader, exports, the quote check),
and a passage's page is the page its start falls on.
"""

from dataclasses import dataclass

PAGE_BREAK = "\f"
CONTEXT = 32  # characters of prefix and suffix kept with a TextQuoteSelector


@dataclass(frozen=True)
class Selection:
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int
    page_index: int
    page_label: str


def document_text(page_texts: list[str]) -> str:
    return PAGE_BREAK.join(page_texts)


def page_starts(page_texts: list[str]) -> list[int]:
    """The offset in the whole text where each page begins."""
    starts, offset = [], 0
    for text in page_texts:
        starts.append(offset)
        offset += len(text) + len(PAGE_BREAK)
    return starts


def page_of(offset: int, starts: list[int]) -> int:
    index = 0
    for i, begin in enumerate(starts):
        if begin <= offset:
            index = i
    return index


def selection_at(pages: list[tuple[str, str]], start: int, end: int) -> Selection:
    """The selectors of the characters start..end of the whole text of (label, text) pages."""
    texts = [text for _, text in pages]
    whole = document_text(texts)
    if not 0 <= start < end <= len(whole):
        raise ValueError(f"the selection {start}–{end} is outside the document (0–{len(whole)})")
    index = page_of(start, page_starts(texts))
    return Selection(
        exact=whole[start:end],
        prefix=whole[max(0, start - CONTEXT) : start],
        suffix=whole[end : end + CONTEXT],
        start=start,
        end=end,
        page_index=index,
        page_label=pages[index][0] if pages else "",
    )


def nearest_occurrence(text: str, exact: str, offset: int) -> int | None:
    """Where ``exact`` occurs in ``text`` closest to ``offset`` (a stored position that the
    text may have drifted from), or None when it does not occur."""
    if not exact:
        return None
    best, at = None, text.find(exact)
    while at >= 0:
        if best is None or abs(at - offset) < abs(best - offset):
            best = at
        at = text.find(exact, at + 1)
    return best
