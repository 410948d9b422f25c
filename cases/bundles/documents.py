"""Documents and passages in a bundle (optional extensions of format v1, docs/bundle-format.md):
checked with the rest of the bundle, read before anything is written, and written with the
project in its transaction.

A JSON bundle names each source's document (its SHA-256, media type, name and page labels) but
carries no file: its sources are imported without documents, and their passages are kept, to
be found again when the same file is attached. A zip bundle carries the files: each is read as
an upload is (kind by content, text per page) before the import writes anything.
"""

from __future__ import annotations

from cases.bundles.fields import entries
from cases.bundles.format import BundleError
from cases.bundles.problems import Problems, label
from cases.documents.actions import (
    DocumentRefused,
    PreparedDocument,
    delete_file_if_unused,
    prepare_document,
    store_file,
    write_document_rows,
)
from cases.models import Evidence, EvidencePassage, Source


def check_passages(problems: Problems, doc: dict) -> None:
    """What the schema cannot say of a passage: that it ends after it starts."""
    for path, entry in entries(doc.get("evidence"), "evidence"):
        passage = entry.get("passage")
        if not isinstance(passage, dict) or not all(
            problems.accepted((*path, "passage"), name) for name in ("start", "end")
        ):
            continue
        start, end = passage.get("start"), passage.get("end")
        if isinstance(start, int) and isinstance(end, int) and end <= start:
            problems.add(
                path,
                f'"passage.end" ({end}) must come after "passage.start" ({start})',
            )


def prepare_documents(doc: dict, files: dict[str, bytes]) -> dict[str, PreparedDocument]:
    """The source's key → its document read from ``files``; BundleError naming every source
    whose file cannot be attached. Writes nothing."""
    prepared, problems = {}, []
    for index, entry in enumerate(doc.get("sources") or []):
        document = entry.get("document")
        if not document:
            continue
        data = files.get(document["sha256"])
        if data is None:
            problems.append(
                f"{label('sources', index, entry)}: the document {document['sha256']} is not in "
                "the archive"
            )
            continue
        try:
            prepared[entry["key"]] = prepare_document(data, document["filename"])
        except DocumentRefused as refused:
            problems.append(
                f"{label('sources', index, entry)}: the document {document['filename']!r} "
                f"cannot be attached: {refused}"
            )
    if problems:
        raise BundleError(problems)
    return prepared


def write_passages(data: list[dict], evidence: dict[str, Evidence]) -> None:
    EvidencePassage.objects.bulk_create(
        EvidencePassage(
            evidence=evidence[entry["key"]],
            document_sha256=p["document"],
            page_index=p["page_index"],
            page_label=p.get("page_label") or "",
            exact=p["exact"],
            prefix=p.get("prefix") or "",
            suffix=p.get("suffix") or "",
            start=p["start"],
            end=p["end"],
        )
        for entry in data
        if (p := entry.get("passage"))
    )


def write_documents(
    sources: dict[str, Source], prepared: dict[str, PreparedDocument], stored: list[str]
) -> None:
    """Each prepared document's rows, and its file stored (its hash appended to ``stored`` when
    stored now, so that the caller removes it if the import's transaction does not commit)."""
    for key, document in prepared.items():
        if store_file(document):
            stored.append(document.sha256)
        write_document_rows(sources[key], document, None)


def forget_files(stored: list[str]) -> None:
    for sha256 in stored:
        delete_file_if_unused(sha256)
