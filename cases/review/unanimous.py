"""Unanimous consensus: the rows sccoder writes itself when an item's coders agree exactly.

When every assigned coder (two or more) has submitted the item and their code sets agree
exactly, the agreement is recorded as "unanimous" Consensus rows, without a reviewer or a
rationale. They record the agreement only, so they go away again when a coder reopens the item
or a later submission disagrees; a reviewer's decision (``cases.review.adjudication``) always
wins over them. The coding actions call these on every submission and reopening.
"""

from django.db import transaction

from cases.lib.versioning import StaleWrite, claim_version
from cases.models import Assignment, Coding, Consensus, Evidence

ADJUDICATED = Consensus.Method.ADJUDICATED
UNANIMOUS = Consensus.Method.UNANIMOUS


def _code_sets(evidence: Evidence, coder_ids) -> dict[int, dict[int, int]]:
    sets: dict[int, dict[int, int]] = {coder_id: {} for coder_id in coder_ids}
    rows = Coding.objects.filter(evidence=evidence, coder_id__in=list(coder_ids)).values_list(
        "coder_id", "criterion_id", "value"
    )
    for coder_id, criterion_id, value in rows:
        sets[coder_id][criterion_id] = value
    return sets


def record_unanimous_consensus(evidence: Evidence) -> list[Consensus]:
    """Record the agreement of the item's coders as "unanimous" consensus rows, when there is one.

    Only when two or more coders are assigned, all have submitted, their code sets agree
    exactly, and no reviewer has decided on the item. A code set that no longer agrees (a new
    coder submitted something else) removes the unanimous rows, which would otherwise hide the
    disagreement. Returns the rows now recorded.
    """
    with transaction.atomic():
        if Consensus.objects.filter(evidence=evidence, method=ADJUDICATED).exists():
            return []
        statuses = dict(
            Assignment.objects.filter(evidence=evidence).values_list("coder_id", "status")
        )
        if len(statuses) < 2 or any(s != Assignment.Status.SUBMITTED for s in statuses.values()):
            return []
        sets = list(_code_sets(evidence, statuses).values())
        stale = Consensus.objects.filter(evidence=evidence, method=UNANIMOUS)
        if any(codes != sets[0] for codes in sets[1:]):
            for row in stale:
                row.delete()
            return []
        current = {row.criterion_id: row for row in stale}
        recorded = []
        for criterion_id, value in sorted(sets[0].items()):
            row = current.pop(criterion_id, None)
            if row is None:
                row = Consensus.objects.create(
                    evidence=evidence, criterion_id=criterion_id, value=value, method=UNANIMOUS
                )
            elif row.value != value:
                try:
                    row.version = claim_version(Consensus, row.pk, row.version)
                except StaleWrite:  # a reviewer decided it a moment ago: the decision stands
                    continue
                row.value = value
                row.save(update_fields=["value", "decided_at"])
            recorded.append(row)
        for row in current.values():
            row.delete()
        return recorded


def forget_unanimous_consensus(evidence: Evidence) -> None:
    """A coder reopened the item: the agreement it recorded no longer holds."""
    for row in Consensus.objects.filter(evidence=evidence, method=UNANIMOUS):
        row.delete()
