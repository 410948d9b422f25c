"""A coder's own codes beside the item's consensus, once a reviewer has decided the item: where
they differ and the reviewer's rationale. Only for the coder's own codes, and only on an item they
have submitted, where ``cases.visibility`` lets them read the consensus and its rationale."""

from cases.coding.actions import assignment_for, review_started
from cases.models import Assignment, Coding, Consensus, Criterion


def comparison_for(evidence, coder) -> list[dict] | None:
    """One row per criterion the coder coded or the consensus holds, in codebook order; None
    while the coder has not submitted the item or no reviewer has decided it."""
    assignment = assignment_for(evidence=evidence, coder=coder)
    if assignment is None or assignment.status != Assignment.Status.SUBMITTED:
        return None
    if not review_started(evidence):
        return None
    mine = {c.criterion_id: c for c in Coding.objects.filter(evidence=evidence, coder=coder)}
    decided = {
        c.criterion_id: c
        for c in Consensus.objects.filter(evidence=evidence).select_related("decided_by")
    }
    criteria = Criterion.objects.filter(
        codebook_id=evidence.project.codebook_id, pk__in=set(mine) | set(decided)
    ).in_codebook_order()
    rows = []
    for criterion in criteria:
        own, final = mine.get(criterion.pk), decided.get(criterion.pk)
        own_value = own.value if own else None
        final_value = final.value if final else None
        rows.append(
            {
                "criterion": criterion,
                "mine": own_value,
                "note": own.note if own else "",
                "consensus": final_value,
                "decided": final is not None,
                "method": final.method if final else "",
                "decided_by": final.decided_by.username if final and final.decided_by else "",
                "rationale": final.rationale if final else "",
                "differs": final is not None and own_value != final_value,
            }
        )
    return rows
