"""The consensus of each evidence item: what the report and the classification read.

Per criterion of an item: a recorded decision (Consensus row) wins; otherwise the submitted
coders' codes count when they agree exactly (every one gave the same value, or none coded it);
otherwise the criterion, and so the item, awaits adjudication. Drafts (items a coder has not
submitted) never count. See DESIGN.md, bundle rules.

Coders' codes count only once every coder assigned to the item has submitted it. Before that, a
consensus shown to everyone would show a coder who has not yet submitted what a colleague coded
(blind coding is the point of the tool); such an item is simply not coded yet. A reviewer may
still decide it, and that decision is hidden from the coders who have not submitted it
(``hidden``, from ``cases.visibility``): for them the item carries no consensus at all.
"""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db.models import QuerySet

from cases.models import Assignment, Coding, Consensus


@dataclass(frozen=True)
class ItemConsensus:
    values: dict[str, int]  # criterion code -> value; criteria not coded are absent
    pending: frozenset[str] = field(default_factory=frozenset)  # codes awaiting adjudication
    decided: bool = False  # some value here comes from a recorded decision
    submitted_coders: int = 0
    awaiting_coders: int = 0  # assigned coders who have not submitted yet
    hidden: bool = False  # the reader must code it first: nothing of its consensus is shown

    @property
    def awaits_adjudication(self) -> bool:
        return bool(self.pending)

    @property
    def is_coded(self) -> bool:
        return bool(self.values) or self.decided or self.submitted_coders > 0


def derive_item_consensus(
    submitted: dict[str, dict[str, int]],
    decisions: dict[str, int | None],
    *,
    awaiting: int = 0,
) -> ItemConsensus:
    """Pure: ``submitted`` maps each submitted coder to their codes; ``decisions`` maps criterion
    codes to a recorded consensus value (None = decided not coded); ``awaiting`` counts the
    assigned coders who have not submitted (their colleagues' codes do not count until then)."""
    if not decisions and not awaiting and _all_the_same(submitted):
        # The common case, taken first because large projects have tens of thousands of items:
        # every submitted coder gave exactly the same codes.
        (first, *_) = submitted.values()
        return ItemConsensus(values=dict(first), submitted_coders=len(submitted))
    values: dict[str, int] = {}
    pending = set()
    codes = set(decisions)
    if not awaiting:
        for codes_of_coder in submitted.values():
            codes.update(codes_of_coder)
    for code in codes:
        if code in decisions:
            if decisions[code] is not None:
                values[code] = decisions[code]
            continue
        given = {coder_codes.get(code) for coder_codes in submitted.values()}
        if len(given) == 1:
            (value,) = given
            if value is not None:
                values[code] = value
        else:
            pending.add(code)
    return ItemConsensus(
        values=values,
        pending=frozenset(pending),
        decided=bool(decisions),
        submitted_coders=len(submitted),
        awaiting_coders=awaiting,
    )


def _all_the_same(submitted: dict) -> bool:
    code_sets = iter(submitted.values())
    first = next(code_sets, None)
    return first is not None and all(codes == first for codes in code_sets)


HIDDEN = ItemConsensus(values={}, hidden=True)


def consensus_for(
    evidence_ids, *, among: QuerySet | None = None, hidden: Collection[int] = frozenset()
) -> dict[int, ItemConsensus]:
    """The consensus of many items in three queries, whatever their number.

    ``among``: optionally a flat ``values_list`` queryset selecting exactly these ids; the SQL
    then uses it as a subquery, which keeps tens of thousands of ids out of the SQL text
    (seconds on large projects). ``hidden``: items the reader may not see the consensus of
    (``Visibility.hidden``); they come back as ``HIDDEN``, values and decisions withheld."""
    evidence_ids = list(evidence_ids)
    selection = among if among is not None else evidence_ids
    codes_of_pair: dict[tuple[int, int], dict[str, int]] = {}  # submitted (item, coder) pairs
    awaiting: dict[int, int] = defaultdict(int)
    # .order_by(): the models' default orderings would sort (and join) for nothing here.
    for item_id, coder_id, status in (
        Assignment.objects.filter(evidence_id__in=selection)
        .order_by()
        .values_list("evidence_id", "coder_id", "status")
    ):
        if status == Assignment.Status.SUBMITTED:
            codes_of_pair[(item_id, coder_id)] = {}
        else:
            awaiting[item_id] += 1
    submitted: dict[int, dict[int, dict[str, int]]] = defaultdict(dict)
    for (item_id, coder_id), codes in codes_of_pair.items():
        submitted[item_id][coder_id] = codes
    for item_id, coder_id, code, value in (
        Coding.objects.filter(evidence_id__in=selection)
        .order_by()
        .values_list("evidence_id", "coder_id", "criterion__code", "value")
    ):
        codes = codes_of_pair.get((item_id, coder_id))
        if codes is not None:  # drafts never count
            codes[code] = value
    decisions: dict[int, dict[str, int | None]] = defaultdict(dict)
    for item_id, code, value in (
        Consensus.objects.filter(evidence_id__in=selection)
        .order_by()
        .values_list("evidence_id", "criterion__code", "value")
    ):
        decisions[item_id][code] = value
    return {
        item_id: HIDDEN
        if item_id in hidden
        else derive_item_consensus(
            submitted.get(item_id, {}), decisions.get(item_id, {}), awaiting=awaiting[item_id]
        )
        for item_id in evidence_ids
    }
