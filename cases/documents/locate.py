"""Find a passage a reader selected in a document's own text.

The reader shows a PDF through PDF.js, whose text layer is not character for character the text
sccoder extracted with PDFium: spaces between runs of text, line breaks and hyphens at a line's
end, ligatures and typographic quotes differ. So a selection's offsets in the browser are only a
hint, and what counts is its words: the passage is found in the document's text by its quote,
forgiving exactly what ``cases.documents.quotes`` forgives, and when the words occur more than
once, the occurrence whose context (prefix, suffix) and page agree best with the selection wins.

Pure: no Django.
"""

import re
import unicodedata

from cases.documents.passages import (
    Selection,
    document_text,
    page_starts,
    selection_at,
)
from cases.documents.quotes import _QUOTES, normalised

_SKIPPED = frozenset("\u00ad\u0002\ufffe")  # soft hyphens, as PDFium and PDF.js mark them
_HYPHEN_AT_LINE_END = re.compile(r"-[ \t]*\r?\n")
_LINE_END_HYPHEN = re.compile(r"(\w)(?:-|\u00ad|\u0002|\ufffe)[ \t]*\r?\n\s*(\w)")
_WHITESPACE = re.compile(r"\s+")
MAX_QUOTE = 20_000  # characters; a selection longer than this is not a quote


def squeezed(text: str, base: int = 0) -> tuple[str, list[int]]:
    """The text folded as the quote check folds it, without any whitespace, and for each of its
    characters the offset (plus ``base``) of the character it came from."""
    out: list[str] = []
    where: list[int] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char.isspace() or char in _SKIPPED:
            index += 1
            continue
        if char == "-":
            hyphen = _HYPHEN_AT_LINE_END.match(text, index)
            if hyphen and index > 0 and text[index - 1].isalnum():
                index = hyphen.end()  # "neigh-\nbour" reads "neighbour"
                continue
        folded = unicodedata.normalize("NFKC", char).translate(_QUOTES).casefold()
        out.append(folded)
        where.extend([base + index] * len(folded))
        index += 1
    return "".join(out), where


def tidy_quote(exact: str) -> str:
    """The passage as a quote to print: words hyphenated at a line's end joined, every run of
    whitespace (line and page breaks included) one space. Case and quotes stay as printed, so
    ``normalised`` reads it the same as the passage."""
    joined = _LINE_END_HYPHEN.sub(r"\1\2", exact)
    joined = "".join(char for char in joined if char not in _SKIPPED)
    return _WHITESPACE.sub(" ", joined).strip()


def same_words(quote: str, exact: str) -> bool:
    """Does the quote say what the passage says, as the quote check compares them?"""
    return normalised(quote) == normalised(exact) != ""


def _common_tail(a: str, b: str) -> int:
    count = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        count += 1
    return count


def _common_head(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def locate(
    pages: list[tuple[str, str]],
    exact: str,
    prefix: str = "",
    suffix: str = "",
    page_index: int | None = None,
    hint: tuple[int, int] | None = None,
) -> Selection | None:
    """The selectors of the passage whose words are ``exact``, or None when the document does
    not hold them. ``hint``: offsets (start, end) in the whole text, taken as they are when the
    text there is the quote itself (the reader of a text document counts the same characters).
    ``page_index``: where the reader saw the selection start; pages next to it are searched
    first, then the whole document."""
    if not exact or len(exact) > MAX_QUOTE:
        return None
    texts = [text for _, text in pages]
    whole = document_text(texts)
    if hint is not None:
        start, end = hint
        if 0 <= start < end <= len(whole) and whole[start:end] == exact:
            return selection_at(pages, start, end)
    wanted, _ = squeezed(exact)
    if not wanted:
        return None
    starts = page_starts(texts)
    regions = []
    if page_index is not None and 0 <= page_index < len(pages):
        first, last = max(0, page_index - 1), min(len(pages) - 1, page_index + 1)
        regions.append((starts[first], starts[last] + len(texts[last])))
    regions.append((0, len(whole)))
    for begin, finish in regions:
        found = _best(whole, begin, finish, wanted, prefix, suffix, page_index, starts)
        if found is not None:
            return selection_at(pages, *found)
    return None


def _best(whole, begin, finish, wanted, prefix, suffix, page_index, starts):
    region, where = squeezed(whole[begin:finish], base=begin)
    want_before, _ = squeezed(prefix)
    want_after, _ = squeezed(suffix)
    best, best_score = None, None
    position = region.find(wanted)
    while position != -1:
        start, end = where[position], where[position + len(wanted) - 1] + 1
        before = region[max(0, position - len(want_before)) : position]
        after = region[position + len(wanted) : position + len(wanted) + len(want_after)]
        score = _common_tail(before, want_before) + _common_head(after, want_after)
        if page_index is not None:
            on_page = sum(1 for s in starts if s <= start) - 1
            score -= abs(on_page - page_index)  # a tie goes to the page the reader saw
        if best_score is None or score > best_score:
            best, best_score = (start, end), score
        position = region.find(wanted, position + 1)
    return best
