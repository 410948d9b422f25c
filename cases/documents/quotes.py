"""Does an evidence item's quote stand on the page it cites? A comparison of the quote with the
text of a document's pages, forgiving what a PDF's text or a typist changes without changing
the words: runs of whitespace and line breaks, words hyphenated at a line's end, typographic
quotes and apostrophes, ligatures (NFKC).

Pure: no Django. The pages are (label, text) pairs in the document's order; a document without
pages (HTML, text) is one page without a label, and every locator is searched in all of it.
"""

import re
import unicodedata

from cases.lib.locators import is_valid_locator

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
    }
)  # fmt: skip
# A word broken at a line's end: "neigh-\nbour", or PDFium's soft hyphen markers (U+0002,
# U+00AD, U+FFFE) before the break.
_LINE_END_HYPHEN = re.compile(r"(\w)(?:-|\u00ad|\u0002|\ufffe)[ \t]*\r?\n\s*(\w)")
_SOFT_HYPHENS = re.compile(r"[\u00ad\u0002\ufffe]")
_WHITESPACE = re.compile(r"\s+")
_RANGE = re.compile(r"^\s*([^\s–-]+)\s*[–-]\s*([^\s–-]+)\s*$")


def normalised(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _LINE_END_HYPHEN.sub(r"\1\2", text)
    text = _SOFT_HYPHENS.sub("", text)
    return _WHITESPACE.sub(" ", text).strip().casefold()


def gettext_noop(message: str) -> str:
    """Marks a message for the interface's catalogue (``makemessages`` reads this name) without
    importing Django here: the pages translate it when they show it (``Problem.translated``)."""
    return message


class Problem(str):
    """What is wrong with a quote: a plain English sentence for reports and the command line,
    which keeps its message and values so that a page can show it in its reader's language."""

    def __new__(cls, message: str, **values):
        problem = super().__new__(cls, message % values if values else message)
        problem.message = message
        problem.values = values
        return problem

    def __reduce__(self):
        return (str, (str(self),))

    def translated(self, gettext) -> str:
        values = {
            name: value.translated(gettext) if isinstance(value, Problem) else value
            for name, value in self.values.items()
        }
        return gettext(self.message) % values if values else gettext(self.message)


def check_quote(
    quote: str, locator: str, pages: list[tuple[str, str]], memo: dict | None = None
) -> Problem | None:
    """None when the quote is on the cited pages (a range or list of them, read as one text so
    that a quote may run across a page break), else what is wrong, for one line of a report.

    ``memo``, a dict kept for one document's ``pages``, holds their normalised texts between
    calls: a project's hundreds of quotes from one book normalise the book once, not each time.
    """
    memo = {} if memo is None else memo

    def joined(first: int, last: int) -> str:
        if (first, last) not in memo:
            memo[first, last] = normalised("\n".join(text for _, text in pages[first : last + 1]))
        return memo[first, last]

    wanted = normalised(quote)
    if not wanted:
        return Problem(gettext_noop("the quote is empty"))
    whole = joined(0, len(pages) - 1)
    paged = any(label for label, _ in pages)
    if not paged or not locator.strip():
        return (
            None if wanted in whole else Problem(gettext_noop("the quote is not in the document"))
        )
    if not is_valid_locator(locator):
        return Problem(
            gettext_noop('the page "%(locator)s" is not a page, a range or a list of them'),
            locator=locator,
        )
    spans = []
    for item in locator.split(","):
        span = _span(item.strip(), pages)
        if isinstance(span, str):
            return span
        spans.append(span)
    for first, last in spans:
        if wanted in joined(first, last):
            return None
    found = [label for i, (label, _) in enumerate(pages) if wanted in joined(i, i)]
    if found:
        return Problem(
            gettext_noop("the quote is on page %(found)s, not on %(locator)s"),
            found=", ".join(found),
            locator=locator,
        )
    if wanted in whole:
        return Problem(
            gettext_noop("the quote runs across pages other than %(locator)s"), locator=locator
        )
    return Problem(
        gettext_noop("the quote is not on page %(locator)s, nor anywhere else in the document"),
        locator=locator,
    )


def _span(item: str, pages: list[tuple[str, str]]) -> tuple[int, int] | str:
    """The indexes of the first and last page of "386" or "380–381", or what is missing."""
    match = _RANGE.match(item)
    first, last = match.groups() if match else (item, item)
    if match and last.isdigit() and first.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last  # "379–94" as Chicago prints it
    indexes = []
    for label in (first, last):
        index = _index_of(label, pages)
        if index is None:
            return Problem(
                gettext_noop("the document has no page %(label)s (%(pages)s)"),
                label=label,
                pages=_labels_shown(pages),
            )
        indexes.append(index)
    return (indexes[0], indexes[1]) if indexes[0] <= indexes[1] else (indexes[1], indexes[0])


def _index_of(label: str, pages: list[tuple[str, str]]) -> int | None:
    for index, (page_label, _) in enumerate(pages):
        if page_label.casefold() == label.casefold():
            return index
    return None


def _labels_shown(pages: list[tuple[str, str]]) -> Problem:
    labels = [label for label, _ in pages]
    if len(labels) <= 3:
        return Problem(gettext_noop("its pages are %(labels)s"), labels=", ".join(labels))
    return Problem(
        gettext_noop("its pages run from %(first)s to %(last)s"),
        first=labels[0],
        last=labels[-1],
    )
