"""What a reader may see of the consensus: the one rule that keeps decisions blind.

A coder never sees a consensus value, a reviewer's decision or its rationale on an item they are
assigned and have not submitted yet: it would tell them the answer before they give their own.
Every page, htmx fragment, API resource and export that shows consensus or figures derived from
it (report verdicts, the stage chart, the comparison, the period table) asks ``visibility_for``
and computes without the hidden items, which it shows as "hidden until you submit". Submitting
(or never having been assigned the item) lifts the veil; reopening draws it again.

A reviewer's rationale may quote the coders' values, so a coder reads a decision's rationale
only on the items they have submitted themselves (``shows_rationale``): on an item they were
never assigned, they see its consensus values but not why they were decided.

Admins and reviewers read every coder's codes anyway, so nothing is hidden from them; the
operator at the command line (``None``) sees everything too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from cases.models import Assignment, Membership


@dataclass(frozen=True)
class Visibility:
    """The evidence ids whose consensus the reader may not see yet (empty: they see it all)."""

    hidden: frozenset[int] = field(default_factory=frozenset)
    # The items whose decisions' rationales the reader may read; None: every item's.
    rationales_for: frozenset[int] | None = None

    def hides(self, evidence_id: int) -> bool:
        return evidence_id in self.hidden

    def shows_rationale(self, evidence_id: int) -> bool:
        return self.rationales_for is None or evidence_id in self.rationales_for

    def hidden_among(self, evidence_ids: Iterable[int]) -> frozenset[int]:
        return self.hidden.intersection(evidence_ids)

    @property
    def cache_part(self) -> str:
        """What a cached figure must be keyed by: readers who may see different items must
        never be served each other's figures."""
        if not self.hidden:
            return "sees-all"
        digest = hashlib.sha256(",".join(map(str, sorted(self.hidden))).encode()).hexdigest()
        return f"hides-{len(self.hidden)}-{digest[:24]}"


SEES_ALL = Visibility()


def visibility_for(membership: Membership | None) -> Visibility:
    """The reader's veil in one query: their assigned, unsubmitted items of the project, and
    for a coder the submitted ones, the only items whose rationales they may read."""
    if membership is None or membership.can_read_all_codings:
        return SEES_ALL
    statuses = Assignment.objects.filter(
        coder_id=membership.user_id, evidence__project_id=membership.project_id
    ).values_list("evidence_id", "status")
    hidden, submitted = set(), set()
    for evidence_id, status in statuses:
        (submitted if status == Assignment.Status.SUBMITTED else hidden).add(evidence_id)
    return Visibility(frozenset(hidden), frozenset(submitted) if membership.can_code else None)


def still_to_code_by(user, evidence_field: str = "evidence") -> Exists:
    """An SQL condition on a queryset whose ``evidence_field`` points at an item: the item is
    one ``user`` still has to code (exclude rows matching it to apply the veil in SQL)."""
    return Exists(_still_to_code(user.pk).filter(evidence=OuterRef(evidence_field)))


def hide_from(queryset, membership: Membership | None, evidence_field: str = "evidence"):
    """``queryset`` without the rows about items the reader may not see the consensus of."""
    if membership is None or membership.can_read_all_codings:
        return queryset
    return queryset.exclude(still_to_code_by(membership.user, evidence_field))


def _still_to_code(user_id: int):
    return Assignment.objects.filter(coder_id=user_id, status=Assignment.Status.ASSIGNED)


__all__ = ["SEES_ALL", "Visibility", "hide_from", "still_to_code_by", "visibility_for"]
