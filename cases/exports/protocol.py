"""The coding protocol as the project's data and sccoder's rules record it: who coded, how
items were assigned, what coders could see while coding, and how the consensus was reached.
The replication package's README prints it as its "Protocol" section.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from cases.models import (
    Assignment,
    Consensus,
    Evidence,
    Membership,
    PeriodOverride,
    Project,
    StageJudgment,
)
from cases.review.consensus import consensus_for


@dataclass(frozen=True)
class Protocol:
    roles: dict[str, int]  # role -> members
    coders: list[str]  # coders with a submitted item
    items: int
    assigned_per_item: dict[int, int]  # number of coders assigned -> items
    submissions: int  # (item, coder) pairs submitted
    adjudicated_items: int  # settled items with a reviewer's or admin's decision
    adjudicated_by: dict[str, int]  # who -> items they adjudicated
    agreed_items: int  # settled by the exact agreement of the submitted coders, no decision
    pending_items: int  # awaiting adjudication
    overrides_by: dict[str, int]
    judgments_by: dict[str, int]
    codebook: str
    rule: str


def gather_protocol(project: Project, coders: list[str]) -> Protocol:
    ids = list(Evidence.objects.filter(project=project).values_list("pk", flat=True))
    assigned = Counter(
        Assignment.objects.filter(evidence__project=project)
        .values("evidence")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    if len(ids) > sum(assigned.values()):
        assigned[0] = len(ids) - sum(assigned.values())
    consensus = consensus_for(ids)
    adjudicated = set(
        Consensus.objects.filter(
            evidence__project=project, method=Consensus.Method.ADJUDICATED
        ).values_list("evidence_id", flat=True)
    )
    settled = {pk: c for pk, c in consensus.items() if not c.awaits_adjudication}
    return Protocol(
        roles=dict(
            Membership.objects.filter(project=project)
            .values("role")
            .annotate(n=Count("pk"))
            .values_list("role", "n")
        ),
        coders=coders,
        items=len(ids),
        assigned_per_item=dict(sorted(assigned.items(), reverse=True)),
        submissions=Assignment.objects.filter(
            evidence__project=project, status=Assignment.Status.SUBMITTED
        ).count(),
        adjudicated_items=len(adjudicated & set(settled)),
        adjudicated_by=_counted(
            Consensus.objects.filter(
                evidence__project=project, method=Consensus.Method.ADJUDICATED
            ).distinct(),
            "decided_by__username",
            distinct="evidence",
        ),
        # Unanimous rows only record the coders' agreement (sccoder writes them itself).
        agreed_items=sum(
            pk not in adjudicated
            and (c.decided or (c.submitted_coders > 0 and not c.awaiting_coders))
            for pk, c in settled.items()
        ),
        pending_items=len(consensus) - len(settled),
        overrides_by=_counted(
            PeriodOverride.objects.filter(period__dyad__project=project), "decided_by__username"
        ),
        judgments_by=_counted(
            StageJudgment.objects.filter(period__dyad__project=project), "coder__username"
        ),
        codebook=f"{project.codebook.name}, version {project.codebook.version}",
        rule=project.rule.name,
    )


def _counted(queryset, field: str, distinct: str = "pk") -> dict[str, int]:
    """Rows (or distinct values of ``distinct``) per value of ``field``."""
    rows = (
        queryset.order_by()
        .values(field)
        .annotate(n=Count(distinct, distinct=True))
        .values_list(field, "n")
    )
    return dict(sorted((who or "(unknown)", n) for who, n in rows))


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def protocol_markdown(protocol: Protocol) -> str:
    """The README's "Protocol" section (without its heading)."""
    p = protocol
    roles = ", ".join(f"{n} {role}(s)" for role, n in sorted(p.roles.items())) or "no members"
    assigned = "; ".join(
        f"{_items(items)} assigned to {n} coder{'' if n == 1 else 's'}"
        if n
        else f"{_items(items)} not assigned"
        for n, items in p.assigned_per_item.items()
    )
    deciders = (
        "Adjudicated by: "
        + ", ".join(f"{who} ({_items(n)})" for who, n in p.adjudicated_by.items())
        + "."
        if p.adjudicated_by
        else "No item has been adjudicated."
    )
    overrides = (
        ", ".join(f"{who}: {n}" for who, n in p.overrides_by.items()) if p.overrides_by else "none"
    )
    judgments = (
        ", ".join(f"{who}: {n}" for who, n in p.judgments_by.items()) if p.judgments_by else "none"
    )
    return f"""**Training.** sccoder keeps no record of how the coders were trained. <TRAINING: say
who trained the coders, on which items, and with which codebook version; the codebook they coded
with is {p.codebook} (`codebook/`).>

**Coders and roles.** The project has {roles}; {len(p.coders)} coder(s) submitted codings
({", ".join(p.coders) or "none"}). Admins and reviewers adjudicate and may override period
values; they do not code.

**Assignment.** {p.items} evidence items: {assigned or "none assigned"}. {p.submissions}
(item, coder) codings submitted. A coder codes only the items assigned to them.

**Blinding.** Coders code blind: a coder sees their own codes and never another coder's codes,
notes or stage judgments, in any page, API response or export. A consensus decision on an item,
its rationale and every figure derived from it (period values, verdicts, reports) stay hidden
from a coder assigned to the item until they submit it; reopening an item hides them again.
Drafts count nowhere: an item's codes count once every coder assigned to it has submitted.

**Consensus and adjudication.** Per item and criterion, the consensus is a recorded decision
where there is one; otherwise the submitted coders' codes when every one of them gave exactly the
same code (not coding a criterion included); otherwise the item awaits adjudication and is left
out of the consensus and the classification. sccoder records the coders' exact agreement as
`unanimous`; a reviewer's or admin's decision is `adjudicated`, with its rationale
(`data/consensus.csv`). Items settled by adjudication: {p.adjudicated_items}; by the coders'
exact agreement: {p.agreed_items}; awaiting adjudication: {p.pending_items}. {deciders}
Period overrides (a reviewer's value for a whole period, with a rationale, in
`data/periods.csv`): {overrides}. Stage judgments (each coder's holistic verdict on a period,
`data/stage_judgments.csv`): {judgments}.

**Classification.** Rule {p.rule} (`classification/rule.md`), applied to the consensus; codebook
{p.codebook}.
"""
