"""The disagreement queue: the read side of review.

An item is in dispute when two or more coders submitted it and their code sets differ ("not
coded" included). It awaits adjudication while some disputed criterion has no reviewer decision;
items a reviewer has decided stay listed under "decided", for revision. The review pages and
their "next item" link read these lists; the decisions themselves are written by
``cases.review.adjudication``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from cases.lib.cache import cached_for_project
from cases.models import Assignment, Coding, Consensus, Criterion, Dyad, Evidence, Period, Project

ADJUDICATED = Consensus.Method.ADJUDICATED


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
    order, read in five queries whatever the project's size, and kept until the project's data
    change (reading every submitted code of a large project takes seconds)."""
    narrowing = [getattr(dyad, "pk", None), getattr(period, "pk", None), criterion, pair]
    return cached_for_project(
        "disagreements",
        project,
        narrowing,
        lambda: _disagreement_queues(project, dyad, period, criterion, pair),
    )


def _disagreement_queues(project, dyad, period, criterion, pair) -> dict[str, list[QueueItem]]:
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
