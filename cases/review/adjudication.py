"""Reviewers' decisions: an item's consensus, criterion by criterion, with who, when and why.

An item's consensus per criterion is a Consensus row when one exists, otherwise the submitted
coders' codes when they agree (``cases.review.consensus``). Rows come in two kinds: "unanimous"
rows, written by sccoder when the coders agree exactly (``cases.review.unanimous``), and the
"adjudicated" rows written here: a reviewer's decisions, with who, when and a rationale; a
criterion the coders agreed on and the reviewer kept stays unanimous. Once an adjudicated row
exists, review has started: coders can no longer reopen the item. A decision can be revised;
every earlier state stays in the history (django-simple-history).

Three writes, one per entry point's shape, sharing their checks and their write:
``adjudicate_item`` decides every criterion of an item at once (the item page);
``add_decision`` and ``revise_decision`` decide one criterion (the API; the admin revises).
Every write is a compare-and-set on ``version`` (``cases.lib.versioning``): a decision taken on
a page that is no longer current raises StaleWrite and writes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from cases.discussion.notifications import notify_decision
from cases.lib.versioning import STALE, StaleWrite, write_versioned
from cases.models import Assignment, Coding, Consensus, Criterion, Evidence, Project

ADJUDICATED = Consensus.Method.ADJUDICATED
UNANIMOUS = Consensus.Method.UNANIMOUS
NOTHING_TO_DECIDE = (
    "The coders agree on every criterion of this item and your decision keeps their codes: "
    "there is nothing to decide."
)
WHY_REQUIRED = "rationale: say why you decided so; it is required."


class AdjudicationRefused(Exception):
    """The decision cannot be recorded as posted; the message says what to fix."""


def decision_codes(evidence: Evidence) -> list[str]:
    """The criteria a decision on the item covers: every one a submitted coder coded, and every
    one already decided, in codebook order."""
    submitted = Assignment.objects.filter(
        evidence=evidence, status=Assignment.Status.SUBMITTED
    ).values("coder_id")
    coded = Coding.objects.filter(evidence=evidence, coder_id__in=submitted).values("criterion_id")
    decided = Consensus.objects.filter(evidence=evidence).values("criterion_id")
    return list(
        Criterion.objects.filter(Q(pk__in=coded) | Q(pk__in=decided))
        .in_codebook_order()
        .values_list("code", flat=True)
    )


def coders_agreement(evidence: Evidence, codes: list[str]) -> dict[str, int]:
    """The criteria among ``codes`` on which the item's coders agree, with their common value:
    two or more coders assigned, every one submitted, and all gave the same value."""
    statuses = dict(Assignment.objects.filter(evidence=evidence).values_list("coder_id", "status"))
    if len(statuses) < 2 or any(s != Assignment.Status.SUBMITTED for s in statuses.values()):
        return {}
    given: dict[str, dict[int, int]] = {code: {} for code in codes}
    for coder_id, code, value in Coding.objects.filter(
        evidence=evidence, coder_id__in=list(statuses), criterion__code__in=codes
    ).values_list("coder_id", "criterion__code", "value"):
        given[code][coder_id] = value
    return {
        code: next(iter(by_coder.values()))
        for code, by_coder in given.items()
        if len(by_coder) == len(statuses) and len(set(by_coder.values())) == 1
    }


def scale_problem(project: Project, value: int | None) -> str:
    """What is wrong with a decided value ("" if nothing): None ("not coded") or a scale point."""
    scale = project.codebook.scale_values()
    if value is not None and value not in scale:
        return f"{value} is not on the scale ({', '.join(map(str, scale))})."
    return ""


# --- every criterion of an item at once: the item page -----------------------------------


def _check_item_decision(project: Project, codes: list[str], values: dict, rationale: str) -> None:
    if not codes:
        raise AdjudicationRefused("No submitted coder has coded this item: nothing to decide.")
    unknown = sorted(set(values) - set(codes))
    if unknown:
        raise AdjudicationRefused(
            f"{', '.join(unknown)}: no submitted coder coded this criterion on the item."
        )
    missing = [code for code in codes if code not in values]
    if missing:
        raise AdjudicationRefused(
            f"{', '.join(missing)}: choose a value or “not coded” for every criterion."
        )
    for code in codes:
        problem = scale_problem(project, values[code])
        if problem:
            raise AdjudicationRefused(f"{code}: {problem}")
    if not rationale.strip():
        raise AdjudicationRefused(WHY_REQUIRED)


def adjudicate_item(
    *,
    evidence: Evidence,
    reviewer,
    values: dict[str, int | None],
    rationale: str,
    versions: dict[str, int],
) -> list[Consensus]:
    """Record the reviewer's consensus for every criterion of ``decision_codes(evidence)``.

    ``values`` maps each of those codes to a value on the scale, or None for "decided not
    coded"; ``versions`` the consensus version the reviewer's page showed for each (0: none).
    A criterion every coder agreed on, kept at their value, stays (or becomes) a unanimous row,
    without the reviewer's name or rationale: the reviewer decided the rest of the item, not
    that. All or nothing: any stale version raises StaleWrite and writes no row.
    """
    codes = decision_codes(evidence)
    _check_item_decision(evidence.project, codes, values, rationale)
    criteria = {
        c.code: c
        for c in Criterion.objects.filter(codebook_id=evidence.project.codebook_id, code__in=codes)
    }
    with transaction.atomic():
        current = {
            row.criterion.code: row
            for row in Consensus.objects.filter(evidence=evidence).select_related("criterion")
        }
        seen = {code: int(versions.get(code, 0)) for code in codes}
        for code in codes:
            if seen[code] != (current[code].version if code in current else 0):
                raise StaleWrite(STALE)
        agreed = coders_agreement(evidence, codes)
        kept = {
            code
            for code in codes
            if code in agreed
            and values[code] == agreed[code]
            and (code not in current or current[code].method == UNANIMOUS)
        }
        if kept == set(codes):
            raise AdjudicationRefused(NOTHING_TO_DECIDE)
        rows = [
            _keep_unanimous(evidence, criteria[code], current.get(code), seen[code], values[code])
            if code in kept
            else _write_decision(
                evidence,
                criteria[code],
                current.get(code),
                seen[code],
                value=values[code],
                reviewer=reviewer,
                rationale=rationale,
            )
            for code in codes
        ]
        notify_decision(evidence=evidence, reviewer=reviewer)
        return rows


def _keep_unanimous(
    evidence: Evidence, criterion: Criterion, row: Consensus | None, seen_version: int, value: int
) -> Consensus:
    """The coders' agreement on one criterion, recorded as the unanimous row it is (a
    concurrent decision is a conflict)."""
    return write_versioned(
        Consensus,
        row,
        seen_version,
        create={"evidence": evidence, "criterion": criterion, "value": value, "method": UNANIMOUS},
        change={},
    )


# --- one criterion: the API, the admin ----------------------------------------------------


def _check_one_decision(project: Project, value: int | None, rationale: str) -> None:
    problem = scale_problem(project, value)
    if problem:
        raise AdjudicationRefused(f"value: {problem}")
    if not rationale.strip():
        raise AdjudicationRefused(WHY_REQUIRED)


def add_decision(
    *, evidence: Evidence, criterion: Criterion, reviewer, value: int | None, rationale: str
) -> Consensus:
    """A reviewer's decision on one criterion of the item that has no consensus row yet (the
    API's create). As on the item page, only a criterion a submitted coder coded can be decided;
    a row recorded meanwhile (by a reviewer, or a unanimous one) raises StaleWrite."""
    _check_one_decision(evidence.project, value, rationale)
    if criterion.code not in decision_codes(evidence):
        raise AdjudicationRefused(
            f"criterion: No submitted coder coded {criterion.code} on {evidence.key}; "
            "there is nothing to decide."
        )
    with transaction.atomic():
        row = Consensus.objects.filter(evidence=evidence, criterion=criterion).first()
        written = _write_decision(
            evidence, criterion, row, 0, value=value, reviewer=reviewer, rationale=rationale
        )
        notify_decision(evidence=evidence, reviewer=reviewer)
        return written


def revise_decision(
    *, row: Consensus, reviewer, value: int | None, rationale: str, version: int
) -> Consensus:
    """Change one criterion's consensus on its own (the API's update, the site admin's edit of a
    row): a reviewer's decision from then on, with its rationale. ``version`` is the one the
    editor was shown; a stale one raises StaleWrite and writes nothing."""
    _check_one_decision(row.evidence.project, value, rationale)
    with transaction.atomic():
        written = _write_decision(
            row.evidence,
            row.criterion,
            row,
            version,
            value=value,
            reviewer=reviewer,
            rationale=rationale,
        )
        notify_decision(evidence=row.evidence, reviewer=reviewer)
        return written


def _write_decision(
    evidence: Evidence,
    criterion: Criterion,
    row: Consensus | None,
    seen_version: int,
    *,
    value: int | None,
    reviewer,
    rationale: str,
) -> Consensus:
    """Create the row (``seen_version`` 0: the writer saw none) or compare-and-set it at
    ``seen_version``; a concurrent writer makes it raise StaleWrite. Runs inside the caller's
    transaction, so the history row is written with the decision or not at all."""
    return write_versioned(
        Consensus,
        row,
        seen_version,
        create={"evidence": evidence, "criterion": criterion},
        change={
            "value": value,
            "method": ADJUDICATED,
            "decided_by": reviewer,
            "rationale": rationale.strip(),
        },
        touched=("decided_at",),
    )
