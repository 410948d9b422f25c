"""Passages taken from a source's document in tests, as the evidence form stores them: the
selectors of the first place the words stand in the document's whole text."""

from cases.documents.passages import document_text, selection_at
from cases.models import Document, Evidence, EvidencePassage


def take_passage(item_key: str, words: str) -> EvidencePassage:
    item = Evidence.objects.get(key=item_key)
    document = Document.objects.get(source_id=item.via_source_id or item.source_id)
    pages = list(document.pages.order_by("index").values_list("label", "text"))
    start = document_text([text for _, text in pages]).index(words)
    selection = selection_at(pages, start, start + len(words))
    return EvidencePassage.objects.create(
        evidence=item,
        document_sha256=document.sha256,
        page_index=selection.page_index,
        page_label=selection.page_label,
        exact=selection.exact,
        prefix=selection.prefix,
        suffix=selection.suffix,
        start=selection.start,
        end=selection.end,
    )
