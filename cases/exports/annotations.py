"""The passages taken from the sources' documents as W3C Web Annotations (JSON-LD): what the
Qualitative Data Repository's Annotation for Transparent Inquiry (ATI) and other annotation
tools read (https://www.w3.org/TR/annotation-model/).

One ``AnnotationCollection`` with one ``AnnotationPage``; each evidence item taken from a
document as a passage is one ``Annotation``:

- ``body``: the item described (its key, citation and summary), and one ``tagging`` body per
  settled consensus code (``AB-T3-TRUST = 2 moderate``, as the REFI-QDA export names codes);
- ``target``: a ``SpecificResource`` whose ``source`` is the document, named by its SHA-256
  as an RFC 6920 ``ni:`` URI with its media type and file name, and whose ``selector`` holds
  a ``TextQuoteSelector`` (exact, prefix, suffix), a ``TextPositionSelector`` (start, end:
  characters into the document's whole text, pages joined by a form feed) and, for a PDF, a
  ``FragmentSelector`` of the page (``page=N``, counting from 1, in the PDF fragment syntax the
  model names, RFC 3778); the page's printed label is in the description.

Consensus codes follow the viewer's visibility: a coder's items still to code carry none. Ids
are UUID 5 URNs of the project and the item, so two exports of unchanged data are identical.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any, TextIO

from cases.documents.carried import placed_passages, project_documents
from cases.exports.csv_exports import scope_of
from cases.exports.tables import Citations
from cases.models import Document, Evidence, Project
from cases.review.consensus import consensus_for

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ROOT = uuid.uuid5(uuid.NAMESPACE_URL, "https://sccoder.invalid/web-annotation")
MEDIA_TYPES = {
    Document.Kind.PDF: "application/pdf",
    Document.Kind.HTML: "text/html",
    Document.Kind.TEXT: "text/plain",
    Document.Kind.MARKDOWN: "text/markdown",
}


def ni_uri(sha256: str) -> str:
    """RFC 6920's name of a file by its SHA-256: ``ni:///sha-256;<base64url, unpadded>``."""
    digest = base64.urlsafe_b64encode(bytes.fromhex(sha256)).rstrip(b"=").decode()
    return f"ni:///sha-256;{digest}"


def annotations_of(project: Project, *, viewer) -> dict[str, Any]:
    scope = scope_of(viewer)
    documents = project_documents(project)
    passages = placed_passages(project, documents) if documents else {}
    items = {
        item.pk: item
        for item in Evidence.objects.filter(pk__in=passages).select_related("source", "via_source")
    }
    consensus = consensus_for(list(passages), hidden=scope.visibility.hidden) if passages else {}
    scale = dict(project.codebook.scale.values_list("value", "label"))
    cited = Citations(project).for_items(
        (i.source.key, i.locator, i.via_source.key if i.via_source else "", i.via_locator)
        for i in items.values()
    )
    annotations = []
    for passage in sorted(passages.values(), key=lambda p: p.evidence_key):
        item = items[passage.evidence_id]
        via = item.via_source.key if item.via_source else ""
        citation = cited[(item.source.key, item.locator, via, item.via_locator)]
        agreed = consensus[item.pk]
        settled = {} if agreed.awaits_adjudication else agreed.values
        annotations.append(_annotation(project, passage, item, citation, settled, scale))
    collection = f"urn:uuid:{uuid.uuid5(ROOT, project.slug)}"
    return {
        "@context": CONTEXT,
        "id": collection,
        "type": "AnnotationCollection",
        "label": f"Evidence passages of {project.name}",
        "generator": {"type": "Software", "name": "sccoder"},
        "total": len(annotations),
        "first": {
            "id": f"{collection}#page-1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": annotations,
        },
    }


def _annotation(project, passage, item, citation: str, settled: dict, scale: dict) -> dict:
    document = passage.document
    page = f" (document page {passage.page_label})" if passage.page_label else ""
    description = f"{item.key}: {citation}{page}"
    if item.summary:
        description += f". {item.summary}"
    bodies: list[dict[str, Any]] = [
        {
            "type": "TextualBody",
            "purpose": "describing",
            "format": "text/plain",
            "value": description,
        }
    ]
    for code, value in sorted(settled.items()):
        label = scale.get(value, "")
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "tagging",
                "format": "text/plain",
                "value": f"{code} = {value} {label}".strip(),
            }
        )
    selectors: list[dict[str, Any]] = [
        {
            "type": "TextQuoteSelector",
            "exact": passage.exact,
            "prefix": passage.prefix,
            "suffix": passage.suffix,
        },
        {"type": "TextPositionSelector", "start": passage.start, "end": passage.end},
    ]
    if document.kind == Document.Kind.PDF:
        selectors.append(
            {
                "type": "FragmentSelector",
                "conformsTo": "http://tools.ietf.org/rfc/rfc3778",
                "value": f"page={passage.page_index + 1}",
            }
        )
    name = uuid.uuid5(ROOT, "\x1f".join((project.slug, item.key)))
    return {
        "id": f"urn:uuid:{name}",
        "type": "Annotation",
        "motivation": "classifying" if settled else "describing",
        "body": bodies,
        "target": {
            "type": "SpecificResource",
            "source": {
                "id": ni_uri(document.sha256),
                "type": "Text",
                "format": MEDIA_TYPES[document.kind],
                "label": f"{document.filename} ({document.source_key})",
            },
            "selector": selectors,
        },
    }


def write_annotations(out: TextIO, project: Project, *, viewer) -> None:
    json.dump(annotations_of(project, viewer=viewer), out, ensure_ascii=False, indent=2)
    out.write("\n")
