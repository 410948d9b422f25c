"""Every evidence quote of a project checked against its source's document (the pure
comparison is ``cases.documents.quotes``), in three queries whatever the project's size.

A quote taken from another work than the one it rests on (``via_source``) is checked against
that work's document at ``via_locator``: that is where the words were read.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from cases.documents.quotes import check_quote
from cases.models import Document, DocumentPage, Evidence, Project


@dataclass
class QuoteReport:
    matched: int = 0
    without_document: int = 0
    mismatches: list[str] = field(default_factory=list)  # "E7 (doe2020, p. 386): …"

    @property
    def checked(self) -> int:
        return self.matched + len(self.mismatches)


def check_project_quotes(project: Project) -> QuoteReport:
    items = list(
        Evidence.objects.filter(project=project)
        .select_related("source", "via_source")
        .only("key", "quote", "locator", "via_locator", "source__key", "via_source__key")
        .order_by("key")
    )
    works = {item.via_source_id or item.source_id for item in items}
    documents = {
        document.source_id: document.pk
        for document in Document.objects.filter(source_id__in=works).only("pk", "source_id")
    }
    pages = defaultdict(list)
    rows = (
        DocumentPage.objects.filter(document_id__in=documents.values())
        .order_by("document_id", "index")
        .values_list("document_id", "label", "text")
    )
    for document_id, label, text in rows.iterator(chunk_size=200):
        pages[document_id].append((label, text))
    report = QuoteReport()
    for item in items:
        work, locator = item.source, item.locator
        if item.via_source_id:
            work, locator = item.via_source, item.via_locator
        document_id = documents.get(work.pk)
        if document_id is None:
            report.without_document += 1
            continue
        problem = check_quote(item.quote, locator, pages[document_id])
        if problem is None:
            report.matched += 1
        else:
            where = f"{work.key}, p. {locator}" if locator else work.key
            report.mismatches.append(f"{item.key} ({where}): {problem}")
    return report
