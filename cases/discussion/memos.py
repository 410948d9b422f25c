"""Memos: an evidence item's discussion thread and the project's notes.

Who reads and writes them (DESIGN.md's table, extended):

- the project's memos: every member reads them; admins, reviewers and coders write;
- an item's thread: admins and reviewers always; a coder only while they have *submitted* the
  item (a memo can quote or argue about codes, so before submitting it would un-blind them, and
  returning or reopening the item hides the thread again until they resubmit); observers never,
  as they never read raw codings either.
"""

from django.db.models import QuerySet

from cases.lib import limits
from cases.models import Assignment, Memo


class MemoRefused(Exception):
    """The memo cannot be written; the message says why."""


NOT_YET = (
    "An item's discussion opens to a coder once they have submitted the item: it may speak of "
    "codes, and coding is blind."
)


def can_read_item_memos(membership, evidence) -> bool:
    if membership.can_review:
        return True
    if not membership.can_code:
        return False
    return Assignment.objects.filter(
        evidence=evidence, coder_id=membership.user_id, status=Assignment.Status.SUBMITTED
    ).exists()


def can_write_project_memos(membership) -> bool:
    return membership.can_edit_evidence


def item_memos(evidence) -> QuerySet:
    return Memo.objects.filter(evidence=evidence).select_related("author")


def project_memos(project) -> QuerySet:
    return Memo.objects.filter(project=project, evidence__isnull=True).select_related("author")


def _checked_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise MemoRefused("Memo: write something first; an empty memo was not saved.")
    problem = limits.text_problem(body, limits.MEMO)
    if problem:
        raise MemoRefused(f"Memo: {problem}; nothing was saved.")
    return body


def post_memo(*, membership, body: str, evidence=None) -> Memo:
    """Add a memo to an item's thread (``evidence``) or to the project's notes."""
    if evidence is None:
        if not can_write_project_memos(membership):
            raise MemoRefused("Your role does not write the project's memos.")
    elif not can_read_item_memos(membership, evidence):
        raise MemoRefused(NOT_YET if membership.can_code else "Your role does not discuss items.")
    return Memo.objects.create(
        project_id=membership.project_id,
        evidence=evidence,
        author_id=membership.user_id,
        body=_checked_body(body),
    )
