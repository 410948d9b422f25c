"""The documents of a project and the passages taken from them, as the exports carry them
(REFI-QDA, the zip bundle, Web Annotations): each document's whole text, and each passage's
place in it.

A passage is placed in the document its item's words were read in (the ``via_source``'s when
the quote was taken from another work, as the quote check does). Its offsets stand when the
document is still the file they were taken from and the words are still there; otherwise the
passage is looked for by its words, nearest its old place first, and left out where the words
are gone (the item is then exported as an item without a passage).
"""

from dataclasses import dataclass

from django.core.files.storage import default_storage

from cases.documents.passages import (
    document_text,
    nearest_occurrence,
    page_starts,
    selection_at,
)
from cases.models import Document, DocumentPage, EvidencePassage, Project
from cases.models.document import storage_name_of


@dataclass
class CarriedDocument:
    source_id: int
    source_key: str
    sha256: str
    kind: str
    filename: str
    labels_from_document: bool
    pages: list[tuple[str, str]]  # (label, text)

    @property
    def text(self) -> str:
        return document_text([text for _, text in self.pages])

    def read(self) -> bytes:
        with default_storage.open(storage_name_of(self.sha256), "rb") as stored:
            return stored.read()


def read_stored(sha256: str) -> bytes | None:
    """The stored file of that SHA-256, or None when the storage does not hold it."""
    try:
        with default_storage.open(storage_name_of(sha256), "rb") as stored:
            return stored.read()
    except OSError:
        return None


@dataclass
class PlacedPassage:
    evidence_id: int
    evidence_key: str
    document: CarriedDocument
    start: int
    end: int
    page_index: int
    page_label: str
    exact: str
    prefix: str
    suffix: str

    @property
    def page_start(self) -> int:
        """Where the passage's page begins in the document's whole text."""
        return self.start - page_starts([t for _, t in self.document.pages])[self.page_index]


def project_documents(project: Project) -> dict[int, CarriedDocument]:
    """The source's id → its document, for every source of the project that has one (two
    queries)."""
    documents = {
        row["pk"]: CarriedDocument(
            source_id=row["source_id"],
            source_key=row["source__key"],
            sha256=row["sha256"],
            kind=row["kind"],
            filename=row["filename"],
            labels_from_document=row["labels_from_document"],
            pages=[],
        )
        for row in Document.objects.readable()
        .filter(source__project=project)
        .order_by("source__key")
        .values(
            "pk", "source_id", "source__key", "sha256", "kind", "filename", "labels_from_document"
        )
    }
    rows = (
        DocumentPage.objects.filter(document_id__in=documents)
        .order_by("document_id", "index")
        .values_list("document_id", "label", "text")
    )
    for document_id, label, text in rows.iterator(chunk_size=200):
        documents[document_id].pages.append((label, text))
    return {d.source_id: d for d in documents.values()}


def placed_passages(
    project: Project, documents: dict[int, CarriedDocument]
) -> dict[int, PlacedPassage]:
    """The evidence item's id → its passage, placed in its work's document (one query)."""
    rows = (
        EvidencePassage.objects.filter(evidence__project=project)
        .order_by("evidence__key")
        .values_list(
            "evidence_id",
            "evidence__key",
            "evidence__source_id",
            "evidence__via_source_id",
            "document_sha256",
            "start",
            "end",
            "exact",
        )
    )
    texts: dict[int, str] = {}
    placed = {}
    for item_id, key, source_id, via_id, sha256, start, end, exact in rows:
        document = documents.get(via_id or source_id)
        if document is None:
            continue
        if document.source_id not in texts:
            texts[document.source_id] = document.text
        whole = texts[document.source_id]
        if not (sha256 == document.sha256 and whole[start:end] == exact):
            found = nearest_occurrence(whole, exact, start)
            if found is None:
                continue
            start, end = found, found + len(exact)
        selection = selection_at(document.pages, start, end)
        placed[item_id] = PlacedPassage(
            evidence_id=item_id,
            evidence_key=key,
            document=document,
            start=start,
            end=end,
            page_index=selection.page_index,
            page_label=selection.page_label,
            exact=selection.exact,
            prefix=selection.prefix,
            suffix=selection.suffix,
        )
    return placed
