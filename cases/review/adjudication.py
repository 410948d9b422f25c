"""Consensus decisions: unanimous items, the disagreement queue, adjudication, period overrides.

An item's consensus per criterion is a Consensus row when one exists, otherwise the submitted
coders' codes when they agree (``cases.review.consensus``). Rows come in two kinds:

- **unanimous** rows are written by the system when every assigned coder (two or more) has
  submitted the item and their code sets agree exactly. They record the agreement, so they go
  away again when a coder reopens the item or a later submission disagrees;
- **adjudicated** rows are a reviewer's decisions, with who, when and a rationale. Once one
  exists, review has started: coders can no longer reopen the item. A decision can be revised;
  every earlier state stays in the history (django-simple-history).

Every write that can race is a compare-and-set on ``version`` (``cases.lib.versioning``): a
decision taken on a page that is no longer current raises StaleWrite and writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q

from cases.lib.versioning import STALE, StaleWrite, claim_version
from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Criterion,
    Dyad,
    Evidence,
    Period,
    PeriodOverride,
    Project,
)

ADJUDICATED = Consensus.Method.ADJUDICATED
UNANIMOUS = Consensus.Method.UNANIMOUS


class AdjudicationRefused(Exception):
    """The decision cannot be recorded as posted; the message says what to fix."""


# --- unanimous consensus -------------------------------------------------------------------


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


# --- adjudication --------------------------------------------------------------------------


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
        .order_by("order", "code")
        .values_list("code", flat=True)
    )


def _check_decision(project: Project, codes: list[str], values: dict, rationale: str) -> None:
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
    scale = project.codebook.scale_values()
    for code in codes:
        value = values[code]
        if value is not None and value not in scale:
            raise AdjudicationRefused(
                f"{code}: {value} is not on the scale ({', '.join(map(str, scale))})."
            )
    if not rationale.strip():
        raise AdjudicationRefused("rationale: say why you decided so; it is required.")


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
    All or nothing: any stale version raises StaleWrite and writes no row.
    """
    codes = decision_codes(evidence)
    _check_decision(evidence.project, codes, values, rationale)
    criteria = {
        c.code: c
        for c in Criterion.objects.filter(codebook_id=evidence.project.codebook_id, code__in=codes)
    }
    with transaction.atomic():
        current = {
            row.criterion.code: row
            for row in Consensus.objects.filter(evidence=evidence).select_related("criterion")
        }
        for code in codes:
            shown = int(versions.get(code, 0))
            if shown != (current[code].version if code in current else 0):
                raise StaleWrite(STALE)
        decided = []
        for code in codes:
            decided.append(
                _write_decision(
                    evidence, criteria[code], current.get(code), values[code], reviewer, rationale
                )
            )
        return decided


def _write_decision(evidence, criterion, row, value, reviewer, rationale) -> Consensus:
    """Create or compare-and-set one row; a concurrent writer makes it raise StaleWrite."""
    if row is None:
        try:
            with transaction.atomic():
                return Consensus.objects.create(
                    evidence=evidence,
                    criterion=criterion,
                    value=value,
                    method=ADJUDICATED,
                    decided_by=reviewer,
                    rationale=rationale.strip(),
                )
        except IntegrityError:  # another reviewer created it a moment ago
            raise StaleWrite(STALE) from None
    claim_version(Consensus, row.pk, row.version)
    row.refresh_from_db()
    row.value, row.method, row.decided_by = value, ADJUDICATED, reviewer
    row.rationale = rationale.strip()
    row.save(update_fields=["value", "method", "decided_by", "rationale", "decided_at"])
    return row


def revise_decision(
    *, row: Consensus, reviewer, value: int | None, rationale: str, version: int
) -> Consensus:
    """Change one criterion's consensus on its own (the site admin's edit of a row): a
    reviewer's decision from then on, with its rationale. ``version`` is the one the editor
    was shown; a stale one raises StaleWrite and writes nothing."""
    scale = row.evidence.project.codebook.scale_values()
    if value is not None and value not in scale:
        raise AdjudicationRefused(
            f"value: {value} is not on the scale ({', '.join(map(str, scale))})."
        )
    if not rationale.strip():
        raise AdjudicationRefused("rationale: say why you decided so; it is required.")
    with transaction.atomic():
        claim_version(Consensus, row.pk, version)
        row.refresh_from_db()
        row.value, row.method, row.decided_by = value, ADJUDICATED, reviewer
        row.rationale = rationale.strip()
        row.save(update_fields=["value", "method", "decided_by", "rationale", "decided_at"])
    return row


# --- the disagreement queue ----------------------------------------------------------------


@dataclass
class QueueItem:
    """One item with two or more submitted coders, and where they disagree."""

    pk: int
    key: str
    dyad: str
    period: str
    period_id: int
    date: str
    quote: str
    coders: list[str]
    disputed: list[str]  # codes on which the submitted code sets differ
    decided: list[str] = field(default_factory=list)  # codes with an adjudicated decision

    @property
    def pending(self) -> list[str]:
        return [code for code in self.disputed if code not in self.decided]

    @property
    def awaits_adjudication(self) -> bool:
        return bool(self.pending)


def disputed_codes(code_sets: dict[str, dict[str, int]], order: dict[str, int]) -> list[str]:
    """Pure: the codes on which the coders' submitted code sets differ ("not coded" included)."""
    codes = {code for codes in code_sets.values() for code in codes}
    return sorted(
        (c for c in codes if len({s.get(c) for s in code_sets.values()}) > 1),
        key=lambda c: order.get(c, 0),
    )


def _pair_differs(item_sets: dict[str, dict[str, int]], pair, criterion: str | None) -> bool:
    a, b = (item_sets.get(coder) for coder in pair)
    if a is None or b is None:
        return False
    if criterion:
        return a.get(criterion) != b.get(criterion)
    return a != b


def disagreement_queue(
    project: Project,
    *,
    dyad: Dyad | None = None,
    period: Period | None = None,
    criterion: str | None = None,
    pair: tuple[str, str] | None = None,
    decided: bool = False,
) -> list[QueueItem]:
    """Items awaiting adjudication (``decided=False``) or already adjudicated (``decided=True``).

    Awaiting: the submitted code sets differ and some disputed criterion has no adjudicated
    decision. ``criterion`` keeps the items disputed (decided: adjudicated) on that code;
    ``pair`` the items both coders submitted with different codes (on ``criterion`` if given).
    """
    queues = disagreement_queues(project, dyad=dyad, period=period, criterion=criterion, pair=pair)
    return queues["decided" if decided else "awaiting"]


def disagreement_queues(
    project: Project,
    *,
    dyad: Dyad | None = None,
    period: Period | None = None,
    criterion: str | None = None,
    pair: tuple[str, str] | None = None,
) -> dict[str, list[QueueItem]]:
    """Both lists of ``disagreement_queue`` ("awaiting", "decided"), in dyad, date and key
    order, read in five queries whatever the project's size."""
    evidence = Evidence.objects.filter(project=project)
    if dyad is not None:
        evidence = evidence.filter(dyad=dyad)
    if period is not None:
        evidence = evidence.filter(period=period)
    rows = list(
        evidence.order_by("dyad__code", "date_start", "key").values_list(
            "pk", "key", "dyad__code", "period__code", "period_id", "date", "quote"
        )
    )
    ids = [row[0] for row in rows]
    sets = _submitted_sets(ids)
    adjudicated: dict[int, set[str]] = defaultdict(set)
    for item_id, code in Consensus.objects.filter(
        evidence_id__in=ids, method=ADJUDICATED
    ).values_list("evidence_id", "criterion__code"):
        adjudicated[item_id].add(code)
    order = dict(
        Criterion.objects.filter(codebook_id=project.codebook_id).values_list("code", "order")
    )
    queues: dict[str, list[QueueItem]] = {"awaiting": [], "decided": []}
    for pk, key, dyad_code, period_code, period_id, date, quote in rows:
        item_sets = sets.get(pk, {})
        item = QueueItem(
            pk=pk,
            key=key,
            dyad=dyad_code,
            period=period_code,
            period_id=period_id,
            date=date,
            quote=quote,
            coders=sorted(item_sets),
            disputed=disputed_codes(item_sets, order),
            decided=sorted(adjudicated[pk], key=lambda c: order.get(c, 0)),
        )
        if pair and not _pair_differs(item_sets, pair, criterion):
            continue
        if item.awaits_adjudication and (not criterion or criterion in item.pending):
            queues["awaiting"].append(item)
        if item.decided and (not criterion or criterion in item.decided):
            queues["decided"].append(item)
    return queues


def _submitted_sets(ids: list[int]) -> dict[int, dict[str, dict[str, int]]]:
    """item id -> submitted coder -> {criterion code: value}; drafts left out."""
    submitted = Assignment.objects.filter(
        evidence_id__in=ids, status=Assignment.Status.SUBMITTED
    ).values_list("evidence_id", "coder_id", "coder__username")
    names = {}
    sets: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    for item_id, coder_id, username in submitted:
        names[(item_id, coder_id)] = username
        sets[item_id][username] = {}
    for item_id, coder_id, code, value in Coding.objects.filter(evidence_id__in=ids).values_list(
        "evidence_id", "coder_id", "criterion__code", "value"
    ):
        username = names.get((item_id, coder_id))
        if username is not None:
            sets[item_id][username][code] = value
    return sets


def next_in_queue(queue: list[QueueItem], after_pk: int) -> QueueItem | None:
    """The item after ``after_pk`` in queue order, else the first other one (the queue wraps)."""
    others = [item for item in queue if item.pk != after_pk]
    pks = [item.pk for item in queue]
    if after_pk in pks:
        later = queue[pks.index(after_pk) + 1 :]
        if later:
            return later[0]
    return others[0] if others else None


# --- period overrides ----------------------------------------------------------------------


def set_period_override(
    *,
    period: Period,
    criterion: Criterion,
    reviewer,
    value: int,
    rationale: str,
    version: int,
) -> PeriodOverride:
    """Create (``version`` 0) or update a reviewer's value for one period and criterion."""
    project = period.dyad.project
    scale = project.codebook.scale_values()
    if criterion.codebook_id != project.codebook_id:
        raise AdjudicationRefused(f"criterion: {criterion.code} is not in this project's codebook.")
    if value not in scale:
        raise AdjudicationRefused(
            f"value: {value} is not on the scale ({', '.join(map(str, scale))})."
        )
    if not rationale.strip():
        raise AdjudicationRefused(
            "rationale: say why the period value is overridden; it is required."
        )
    with transaction.atomic():
        row = PeriodOverride.objects.filter(period=period, criterion=criterion).first()
        if row is None:
            if version != 0:
                raise StaleWrite(STALE)
            try:
                with transaction.atomic():
                    return PeriodOverride.objects.create(
                        period=period,
                        criterion=criterion,
                        value=value,
                        decided_by=reviewer,
                        rationale=rationale.strip(),
                    )
            except IntegrityError:
                raise StaleWrite(STALE) from None
        claim_version(PeriodOverride, row.pk, version)
        row.refresh_from_db()
        row.value, row.decided_by, row.rationale = value, reviewer, rationale.strip()
        row.save(update_fields=["value", "decided_by", "rationale", "decided_at"])
        return row
