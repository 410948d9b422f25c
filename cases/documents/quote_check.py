"""Every evidence quote of a project checked against its source's document (the pure
comparison is ``cases.documents.quotes``), in three queries whatever the project's size, and
each document's text normalised once however many quotes it holds.

A quote taken from another work than the one it rests on (``via_source``) is checked against
that work's document at ``via_locator``: that is where the words were read.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext

from cases.documents.quotes import check_quote
from cases.lib.cache import cached_for_project
from cases.models import Document, DocumentPage, Evidence, Project

# Raise when the check's wording or rules change, so that no page shows an older verdict.
CHECK_VERSION = 2


@dataclass
class QuoteReport:
    matched: int = 0
    without_document: int = 0
    not_read: int = 0  # items whose document's text is not read yet (or was refused)
    mismatches: list[str] = field(default_factory=list)  # "E7 (doe2020, p. 386): …"
    # The evidence item's key → what is wrong with its quote, for the pages' marks.
    problems: dict[str, str] = field(default_factory=dict)

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
    documents, unread = {}, set()
    for source_id, pk, status in Document.objects.filter(source_id__in=works).values_list(
        "source_id", "pk", "status"
    ):
        if status == Document.Status.READY:
            documents[source_id] = pk
        else:
            unread.add(source_id)
    pages = defaultdict(list)
    rows = (
        DocumentPage.objects.filter(document_id__in=documents.values())
        .order_by("document_id", "index")
        .values_list("document_id", "label", "text")
    )
    for document_id, label, text in rows.iterator(chunk_size=200):
        pages[document_id].append((label, text))
    memos: dict[int, dict] = defaultdict(dict)
    report = QuoteReport()
    for item in items:
        work, locator = item.source, item.locator
        if item.via_source_id:
            work, locator = item.via_source, item.via_locator
        document_id = documents.get(work.pk)
        if work.pk in unread:
            report.not_read += 1
            continue
        if document_id is None:
            report.without_document += 1
            continue
        problem = check_quote(item.quote, locator, pages[document_id], memos[document_id])
        if problem is None:
            report.matched += 1
        else:
            where = f"{work.key}, p. {locator}" if locator else work.key
            report.mismatches.append(f"{item.key} ({where}): {problem}")
            report.problems[item.key] = problem.translated(gettext)
    return report


def documents_signature(project: Project) -> str:
    """Which file each of the project's sources carries: the project's fingerprint does not
    see documents, so what is kept from a check names them too (one small query)."""
    rows = (
        Document.objects.filter(source__project=project)
        .order_by("source_id")
        .values_list("source_id", "pk", "sha256", "status")
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()[:32]


def quote_problems(project: Project) -> dict[str, str]:
    """The evidence item's key → what is wrong with its quote, for every item of the project
    whose quote does not stand in its source's document; kept until the evidence or the
    documents change."""
    if not Document.objects.readable().filter(source__project=project).exists():
        return {}
    return cached_for_project(
        "quote-problems",
        project,
        [CHECK_VERSION, documents_signature(project)],
        lambda: check_project_quotes(project).problems,
    )
