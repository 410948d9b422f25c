"""Writes a coder makes: save or clear one coding, submit and reopen an item; and the
reviewer's return of a submitted item to its coder.

Every write that can race is a compare-and-set on a version number (``cases.lib.versioning``): the
caller says which version it last saw, and a mismatch raises StaleWrite instead of overwriting
someone's change (another tab, another window).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.codebooks.marks import open_marks
from cases.discussion.notifications import notify
from cases.lib import limits
from cases.lib.versioning import STALE, StaleWrite, claim_version
from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Criterion,
    Evidence,
    Notification,
    RecodingMark,
    Round,
)
from cases.review.unanimous import forget_unanimous_consensus, record_unanimous_consensus


class CodingRefused(Exception):
    """The write is not allowed in the item's current state; the message says why."""


def assignment_for(*, evidence: Evidence, coder) -> Assignment | None:
    return Assignment.objects.filter(evidence=evidence, coder=coder).first()


def save_coding(
    *, evidence: Evidence, criterion: Criterion, coder, value: int | None, note: str, version: int
) -> Coding | None:
    """Set (or, with value None, clear) the coder's value for one criterion on one item.

    ``version`` is the version the coder's page showed: 0 when it showed "not coded".
    Returns the saved coding, or None when it was cleared.
    """
    assignment = assignment_for(evidence=evidence, coder=coder)
    if assignment is None:
        raise CodingRefused("This item is not assigned to you.")
    if assignment.status == Assignment.Status.SUBMITTED and not recoding_asked(
        evidence=evidence, coder=coder, code=criterion.code
    ):
        raise CodingRefused("You have submitted this item; reopen it to change your codes.")
    if value is None and note.strip():
        raise CodingRefused("Choose a value before writing a note: a note explains a code.")
    if criterion.retired_in is not None:
        raise CodingRefused(
            f"{criterion.code} was retired in codebook version {criterion.retired_in}: "
            "it is kept in history and takes no new codes."
        )
    with transaction.atomic():
        current = Coding.objects.filter(evidence=evidence, criterion=criterion, coder=coder).first()
        if current is None:
            if version != 0:
                raise StaleWrite(STALE)
            if value is None:
                return None
            try:
                with transaction.atomic():
                    return Coding.objects.create(
                        evidence=evidence, criterion=criterion, coder=coder, value=value, note=note
                    )
            except IntegrityError:  # another tab created it a moment ago
                raise StaleWrite(STALE, current=_current(evidence, criterion, coder)) from None
        try:
            claim_version(Coding, current.pk, version)
        except StaleWrite as stale:
            stale.current = current
            raise
        current.refresh_from_db()
        if value is None:
            current.delete()
            return None
        current.value, current.note = value, note
        current.save(update_fields=["value", "note", "updated_at"])
        return current


def recoding_asked(*, evidence: Evidence, coder, code: str) -> bool:
    """Whether a new codebook version asks the coder to code this criterion on this item again
    (an open re-coding mark): that one criterion may then be coded on a submitted item too,
    even one a reviewer has decided, without reopening the rest of it."""
    marks = RecodingMark.objects.filter(evidence=evidence, coder=coder)
    return any(code in mark.targets for mark in open_marks(marks))


def _current(evidence, criterion, coder) -> Coding | None:
    return Coding.objects.filter(evidence=evidence, criterion=criterion, coder=coder).first()


def review_started(evidence: Evidence) -> bool:
    """Review has started on an item once a reviewer has acted on it: decided (adjudicated) any
    of its criteria. Until then a coder may reopen it, even when every coder has submitted:
    reopening draws the veil again (``cases.visibility``) and forgets the unanimous rows
    sccoder wrote itself, which record the coders' agreement and no reviewer's act."""
    return Consensus.objects.filter(evidence=evidence, method=Consensus.Method.ADJUDICATED).exists()


def closed_calibration_round(evidence: Evidence, coder) -> Round | None:
    """A closed calibration round that scored the coder on the item: they have seen its
    reference since, so reopening the item would let them copy it into their score."""
    return (
        Round.objects.filter(
            items=evidence,
            coders=coder,
            kind=Round.Kind.CALIBRATION,
            status=Round.Status.CLOSED,
        )
        .order_by("closed_at")
        .first()
    )


def _refuse_after_a_closed_round(evidence: Evidence, coder, consequence: str) -> None:
    closed = closed_calibration_round(evidence, coder)
    if closed is not None:
        raise CodingRefused(
            f"This item was scored in the calibration round {closed.name}, which is "
            f"closed: {consequence}."
        )


def submit_assignment(*, evidence: Evidence, coder) -> Assignment:
    assignment = assignment_for(evidence=evidence, coder=coder)
    if assignment is None:
        raise CodingRefused("This item is not assigned to you.")
    with transaction.atomic():
        updated = Assignment.objects.filter(
            pk=assignment.pk, status=Assignment.Status.ASSIGNED
        ).update(status=Assignment.Status.SUBMITTED, submitted_at=timezone.now())
        if not updated:
            raise CodingRefused("This item was already submitted.")
        _record_history(assignment)
        # The last coder to submit turns an exact agreement into the item's consensus.
        record_unanimous_consensus(evidence)
    assignment.refresh_from_db()
    return assignment


def _record_history(assignment: Assignment) -> None:
    """The conditional UPDATE above decides the race; this save, in the same transaction,
    writes the history row of the new status."""
    assignment.refresh_from_db()
    assignment.save(update_fields=["status", "submitted_at"])


def reopen_assignment(*, evidence: Evidence, coder) -> Assignment:
    assignment = assignment_for(evidence=evidence, coder=coder)
    if assignment is None:
        raise CodingRefused("This item is not assigned to you.")
    with transaction.atomic():
        _refuse_after_a_closed_round(evidence, coder, "your codes on it no longer change")
        if review_started(evidence):
            raise CodingRefused(
                "Review has started on this item (a reviewer has decided it), so it can no "
                "longer be reopened. Ask a reviewer if a code needs to change."
            )
        # A coder's own reopening is not a return: the last return's comment no longer
        # describes why the item is open (the assignment's history keeps it).
        updated = Assignment.objects.filter(
            pk=assignment.pk, status=Assignment.Status.SUBMITTED
        ).update(
            status=Assignment.Status.ASSIGNED,
            submitted_at=None,
            returned_comment="",
            returned_by=None,
            returned_at=None,
        )
        if updated:  # the agreement the unanimous rows recorded no longer holds
            _record_history(assignment)
            forget_unanimous_consensus(evidence)
    if not updated:
        raise CodingRefused("This item is not submitted.")
    assignment.refresh_from_db()
    return assignment


NOT_RETURNABLE = (
    "A reviewer has decided this item, so it can no longer be returned to a coder: "
    "revise the decision instead."
)


def return_assignment(*, evidence: Evidence, coder, reviewer, comment: str) -> Assignment:
    """A reviewer (or admin) sends a submitted item back to its coder with a comment: the
    assignment is open again, the coder's codes are kept for them to change, and the coder is
    notified. The same guard as reopening: only until a reviewer has decided the item."""
    comment = (comment or "").strip()
    if not comment:
        raise CodingRefused("Comment: say what the coder should look at again.")
    problem = limits.text_problem(comment, limits.RETURN_COMMENT)
    if problem:
        raise CodingRefused(f"Comment: {problem}; the item was not returned.")
    assignment = assignment_for(evidence=evidence, coder=coder)
    if assignment is None:
        raise CodingRefused(f"{coder.username} is not assigned this item.")
    now = timezone.now()
    with transaction.atomic():
        # A coder has seen the reference of a closed calibration round: a second try at the
        # item would copy it into their score, whoever opens the item again.
        _refuse_after_a_closed_round(
            evidence, coder, f"{coder.username}'s codes on it no longer change"
        )
        if review_started(evidence):
            raise CodingRefused(NOT_RETURNABLE)
        updated = Assignment.objects.filter(
            pk=assignment.pk, status=Assignment.Status.SUBMITTED
        ).update(
            status=Assignment.Status.ASSIGNED,
            submitted_at=None,
            returned_comment=comment,
            returned_by=reviewer,
            returned_at=now,
        )
        if not updated:
            raise CodingRefused(f"{coder.username} has not submitted this item.")
        assignment.refresh_from_db()
        assignment.save(update_fields=["status", "submitted_at"])  # the history row
        forget_unanimous_consensus(evidence)
        notify(
            users=[coder],
            project=evidence.project,
            kind=Notification.Kind.RETURNED,
            text=f"{reviewer.username} returned {evidence.key} to you with a comment.",
            evidence=evidence,
        )
    return assignment
