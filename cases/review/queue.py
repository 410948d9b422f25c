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
    order, every item read: for small projects and tests. The review pages read the ids
    (``disagreement_ids``) and only the items of the page shown (``queue_items``)."""
    ids = disagreement_ids(project, dyad=dyad, period=period, criterion=criterion, pair=pair)
    return {name: queue_items(project, listed) for name, listed in ids.items()}


def disagreement_ids(
    project: Project,
    *,
    dyad: Dyad | None = None,
    period: Period | None = None,
    criterion: str | None = None,
    pair: tuple[str, str] | None = None,
) -> dict[str, list[int]]:
    """The ids of both lists ("awaiting", "decided"), in dyad, date and key order, read in four
    queries whatever the project's size. This reads every submitted code of the items (seconds
    on a large project): the pages keep it as background figures (``cases.lib.figure_recipes``)
    and keep ids only, so a page reads back a few kilobytes and then its own 25 items."""
    evidence = Evidence.objects.filter(project=project)
    if dyad is not None:
        evidence = evidence.filter(dyad=dyad)
    if period is not None:
        evidence = evidence.filter(period=period)
    ids = list(evidence.order_by("dyad__code", "date_start", "key").values_list("pk", flat=True))
    # The ids go to the database as a subquery: tens of thousands of them in the SQL text
    # would cost more than the lists.
    among = evidence.order_by().values("pk")
    sets = _submitted_sets(among)
    adjudicated = _adjudicated(among)
    order = _criterion_order(project)
    queues: dict[str, list[int]] = {"awaiting": [], "decided": []}
    for pk in ids:
        item_sets = sets.get(pk)
        if item_sets is None and pk not in adjudicated:
            continue  # nobody submitted it and nothing was decided: in neither list
        item = _queue_item(pk, item_sets or {}, adjudicated.get(pk, set()), order)
        if pair and not _pair_differs(item_sets or {}, pair, criterion):
            continue
        if item.awaits_adjudication and (not criterion or criterion in item.pending):
            queues["awaiting"].append(pk)
        if item.decided and (not criterion or criterion in item.decided):
            queues["decided"].append(pk)
    return queues


def queue_items(project: Project, ids: list[int]) -> list[QueueItem]:
    """The queue's items of ``ids`` (one page of them), in the order given, as they are now:
    four queries whatever the project's size. Ids of items deleted since are left out."""
    rows = {
        row[0]: row
        for row in Evidence.objects.filter(project=project, pk__in=ids).values_list(
            "pk", "key", "dyad__code", "period__code", "period_id", "date", "quote"
        )
    }
    sets = _submitted_sets(ids)
    adjudicated = _adjudicated(ids)
    order = _criterion_order(project)
    items = []
    for pk in ids:
        if pk not in rows:
            continue
        _, key, dyad_code, period_code, period_id, date, quote = rows[pk]
        item = _queue_item(pk, sets.get(pk, {}), adjudicated.get(pk, set()), order)
        item.key, item.dyad, item.period = key, dyad_code, period_code
        item.period_id, item.date, item.quote = period_id, date, quote
        items.append(item)
    return items


def _queue_item(pk: int, item_sets: dict, adjudicated: set[str], order: dict) -> QueueItem:
    """An item's coders, disputed and decided codes; what it shows (key, quote) left empty."""
    return QueueItem(
        pk=pk,
        key="",
        dyad="",
        period="",
        period_id=0,
        date="",
        quote="",
        coders=sorted(item_sets),
        disputed=disputed_codes(item_sets, order),
        decided=sorted(adjudicated, key=lambda c: order.get(c, 0)),
    )


def _adjudicated(among) -> dict[int, set[str]]:
    """item id -> the codes with an adjudicated decision."""
    found: dict[int, set[str]] = defaultdict(set)
    for item_id, code in (
        Consensus.objects.filter(evidence_id__in=among, method=ADJUDICATED)
        .order_by()
        .values_list("evidence_id", "criterion__code")
    ):
        found[item_id].add(code)
    return found


def _criterion_order(project: Project) -> dict[str, int]:
    return dict(
        Criterion.objects.filter(codebook_id=project.codebook_id).values_list("code", "order")
    )


def _submitted_sets(among) -> dict[int, dict[str, dict[str, int]]]:
    """item id -> submitted coder -> {criterion code: value}; drafts left out. ``among``: the
    item ids, or a query selecting them."""
    submitted = (
        Assignment.objects.filter(evidence_id__in=among, status=Assignment.Status.SUBMITTED)
        .order_by()
        .values_list("evidence_id", "coder_id", "coder__username")
    )
    names = {}
    sets: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    for item_id, coder_id, username in submitted:
        names[(item_id, coder_id)] = username
        sets[item_id][username] = {}
    for item_id, coder_id, code, value in (
        Coding.objects.filter(evidence_id__in=among)
        .order_by()
        .values_list("evidence_id", "coder_id", "criterion__code", "value")
    ):
        username = names.get((item_id, coder_id))
        if username is not None:
            sets[item_id][username][code] = value
    return sets


def next_in_queue(queue: list[QueueItem], after_pk: int) -> QueueItem | None:
    """The item after ``after_pk`` in queue order, else the first other one (the queue wraps)."""
    following = next_id([item.pk for item in queue], after_pk)
    return next((item for item in queue if item.pk == following), None)


def next_id(ids: list[int], after_pk: int) -> int | None:
    """The id after ``after_pk`` in ``ids``, else the first other one (the queue wraps)."""
    if after_pk in ids:
        later = ids[ids.index(after_pk) + 1 :]
        if later:
            return later[0]
    return next((pk for pk in ids if pk != after_pk), None)
