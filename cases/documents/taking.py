"""A passage of a source's document taken as an evidence item's quote: found and checked on the
server, whatever the browser or an API client says about it.

The evidence form and the API call the same three steps: ``find_passage`` (a reader's selection:
its words, context and page, offsets only a hint) or ``passage_at`` (offsets this server gave
out, read again in the document's text), then ``check_quote`` (the quote must still say what the
passage says), then ``store_passage`` in the same transaction as the item.
"""

from dataclasses import dataclass

from django.utils.translation import gettext

from cases.documents.locate import locate, same_words, tidy_quote
from cases.documents.passages import Selection, selection_at
from cases.models import Document, EvidencePassage, Source


class PassageRefused(ValueError):
    """What is wrong with a passage, and the field it concerns ("quote", "source", "passage")."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Taken:
    """A passage found in a document: its selectors and the file they count in."""

    selection: Selection
    document_sha256: str

    @property
    def page(self) -> str:
        """The page to cite: the label as printed; "" for a document without pages."""
        return self.selection.page_label


def document_of(source: Source) -> Document:
    document = Document.objects.filter(source=source).first()
    if document is None:
        raise PassageRefused(
            "source",
            gettext("%(key)s has no document: a passage can only be taken from one.")
            % {"key": source.key},
        )
    if not document.is_ready:
        raise PassageRefused(
            "source",
            f"the text of {source.key}'s document is not read yet: take the passage once "
            "its document page says it is read.",
        )
    return document


def document_pages(document: Document) -> list[tuple[str, str]]:
    return list(document.pages.order_by("index").values_list("label", "text"))


def find_passage(
    source: Source,
    *,
    exact: str,
    prefix: str = "",
    suffix: str = "",
    page_index: int | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Taken:
    """A selection from the reader, found in the document's text by its words."""
    document = document_of(source)
    hint = (start, end) if start is not None and end is not None else None
    selection = locate(document_pages(document), exact, prefix, suffix, page_index, hint)
    if selection is None:
        shown = exact if len(exact) <= 60 else exact[:59] + "…"
        raise PassageRefused(
            "passage",
            gettext("The selected words “%(words)s” are not in the text of %(key)s's document.")
            % {"words": shown, "key": source.key},
        )
    return Taken(selection, document.sha256)


def passage_at(source: Source, start: int, end: int) -> Taken:
    """The passage at offsets this server computed (the form's hidden fields), read again."""
    document = document_of(source)
    try:
        selection = selection_at(document_pages(document), start, end)
    except ValueError as error:
        raise PassageRefused(
            "passage", gettext("The passage is not in the document: %(error)s.") % {"error": error}
        ) from None
    return Taken(selection, document.sha256)


def stored_passage(passage: EvidencePassage) -> Taken:
    return Taken(
        Selection(
            exact=passage.exact,
            prefix=passage.prefix,
            suffix=passage.suffix,
            start=passage.start,
            end=passage.end,
            page_index=passage.page_index,
            page_label=passage.page_label,
        ),
        passage.document_sha256,
    )


def check_quote(quote: str, taken: Taken) -> None:
    """The quote may differ from the passage only in what the quote check forgives (spacing,
    hyphens at a line's end, typographic quotes, case): never in its words."""
    if not same_words(quote, taken.selection.exact):
        if taken.page:
            message = gettext(
                "The quote no longer matches the passage taken from the document on page "
                "%(page)s: “%(passage)s”. Put its words back, or take the passage again in the "
                "reader."
            )
        else:
            message = gettext(
                "The quote no longer matches the passage taken from the document: “%(passage)s”. "
                "Put its words back, or take the passage again in the reader."
            )
        raise PassageRefused(
            "quote", message % {"page": taken.page, "passage": _shown(taken.selection.exact)}
        )


def _shown(exact: str) -> str:
    text = tidy_quote(exact)
    return text if len(text) <= 120 else text[:119] + "…"


def store_passage(evidence, taken: Taken) -> EvidencePassage:
    s = taken.selection
    passage, _ = EvidencePassage.objects.update_or_create(
        evidence=evidence,
        defaults={
            "document_sha256": taken.document_sha256,
            "page_index": s.page_index,
            "page_label": s.page_label,
            "exact": s.exact,
            "prefix": s.prefix,
            "suffix": s.suffix,
            "start": s.start,
            "end": s.end,
        },
    )
    return passage


def passage_json(passage: EvidencePassage) -> dict:
    """A passage as the API gives it: the W3C selectors and the file they count in."""
    return {
        "document_sha256": passage.document_sha256,
        "page": passage.page_index,
        "page_label": passage.page_label,
        "exact": passage.exact,
        "prefix": passage.prefix,
        "suffix": passage.suffix,
        "start": passage.start,
        "end": passage.end,
    }
