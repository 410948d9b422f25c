"""The passages the reader highlights in a source's document, and what each member may learn
from their colour.

Every member sees where evidence was taken. The colour tells a criterion only to members who may
read codes: admins and reviewers (the consensus, else the codes coders gave), observers (the
consensus only). A coder sees the passages in one neutral colour: a colour by criterion would
tell them what colleagues coded, or what the consensus holds (DESIGN.md's blindness rules).
"""

from collections import defaultdict

from django.db.models import Q

from cases.models import Coding, Consensus, Criterion, EvidencePassage, Membership, Source

PALETTE = 8  # colour slots in reader.css (.hl-0 … .hl-7); criteria beyond share them in turn


def reader_passages(source: Source, membership: Membership) -> tuple[list[dict], list[dict]]:
    """(passages, legend) for the reader's JSON: each passage with its selectors, its item's key
    and, where the member may know it, the criterion its colour stands for."""
    passages = list(
        EvidencePassage.objects.filter(
            Q(evidence__via_source=source)
            | Q(evidence__via_source__isnull=True, evidence__source=source),
            evidence__project=membership.project,
        )
        .select_related("evidence")
        .order_by("start", "pk")
    )
    strongest = _strongest_criteria(membership, [p.evidence_id for p in passages])
    criteria = list(
        Criterion.objects.filter(codebook=membership.project.codebook).in_codebook_order()
    )
    used = {strongest.get(passage.evidence_id) for passage in passages}
    # Colours go to the criteria this document shows, in the codebook's order, so that up to
    # PALETTE of them never share one (numbering the whole codebook gave two criteria of one
    # document neighbouring blues).
    slot = {c.pk: index % PALETTE for index, c in enumerate(c for c in criteria if c.pk in used)}
    rows = []
    for passage in passages:
        criterion_id = strongest.get(passage.evidence_id)
        rows.append(
            {
                "item": passage.evidence.key,
                "item_id": passage.evidence_id,
                "page": passage.page_index,
                "page_label": passage.page_label,
                "exact": passage.exact,
                "prefix": passage.prefix,
                "suffix": passage.suffix,
                "start": passage.start,
                "end": passage.end,
                "slot": slot.get(criterion_id),
                "criterion": next((c.code for c in criteria if c.pk == criterion_id), None),
            }
        )
    legend = [
        {"code": c.code, "name": c.name, "slot": slot[c.pk]} for c in criteria if c.pk in used
    ]
    return rows, legend


def _strongest_criteria(membership: Membership, item_ids: list[int]) -> dict[int, int]:
    """For each item, the criterion with the highest value this member may read (ties: the
    codebook's order decides, by the lowest order); nothing for a coder."""
    if membership.can_code or not item_ids:
        return {}
    values: dict[int, dict[int, int]] = defaultdict(dict)
    decided: set[tuple[int, int]] = set()
    for item_id, criterion_id, value in Consensus.objects.filter(
        evidence_id__in=item_ids
    ).values_list("evidence_id", "criterion_id", "value"):
        decided.add((item_id, criterion_id))
        if value:
            values[item_id][criterion_id] = value
    if membership.can_read_all_codings:
        for item_id, criterion_id, value in Coding.objects.filter(
            evidence_id__in=item_ids
        ).values_list("evidence_id", "criterion_id", "value"):
            if (item_id, criterion_id) not in decided and value:
                values[item_id][criterion_id] = max(value, values[item_id].get(criterion_id, 0))
    order = {
        pk: rank
        for rank, pk in enumerate(
            Criterion.objects.filter(codebook=membership.project.codebook)
            .in_codebook_order()
            .values_list("pk", flat=True)
        )
    }
    return {
        item_id: max(codes, key=lambda c: (codes[c], -order.get(c, 0)))
        for item_id, codes in values.items()
        if codes
    }
