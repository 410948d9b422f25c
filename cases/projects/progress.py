"""Progress figures for the project home, shaped by what the viewer's role may know."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from cases.models import Assignment, Evidence, Membership, Project
from cases.review.consensus import consensus_for


@dataclass
class Row:
    label: str
    assigned: int = 0
    submitted: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


@dataclass
class Progress:
    items: int = 0
    mine: Row | None = None  # coders: their own assignments
    by_coder: list[Row] = field(default_factory=list)  # reviewers and admins only
    by_dyad: list[Row] = field(default_factory=list)
    awaiting_adjudication: int | None = None  # reviewers and admins only
    agreed: int | None = None


def project_progress(project: Project, membership: Membership) -> Progress:
    progress = Progress(items=Evidence.objects.filter(project=project).count())
    assignments = Assignment.objects.filter(evidence__project=project)
    submitted = Q(status=Assignment.Status.SUBMITTED)
    if membership.can_code:
        assignments = assignments.filter(coder=membership.user)
        totals = assignments.aggregate(
            assigned=Count("id"), submitted=Count("id", filter=submitted)
        )
        progress.mine = Row("you", totals["assigned"], totals["submitted"])
    if membership.can_code or membership.can_read_all_codings:
        progress.by_dyad = [
            Row(r["evidence__dyad__name"], r["assigned"], r["submitted"])
            for r in assignments.values("evidence__dyad__name")
            .annotate(assigned=Count("id"), submitted=Count("id", filter=submitted))
            .order_by("evidence__dyad__name")
        ]
    if membership.can_read_all_codings:
        progress.by_coder = [
            Row(r["coder__username"], r["assigned"], r["submitted"])
            for r in assignments.values("coder__username")
            .annotate(assigned=Count("id"), submitted=Count("id", filter=submitted))
            .order_by("coder__username")
        ]
        states = consensus_for(
            Evidence.objects.filter(project=project).values_list("id", flat=True)
        ).values()
        progress.awaiting_adjudication = sum(1 for s in states if s.awaits_adjudication)
        progress.agreed = sum(1 for s in states if s.is_coded and not s.awaits_adjudication)
    return progress
