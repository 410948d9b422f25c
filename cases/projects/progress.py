"""Progress figures for the project home, shaped by what the viewer's role may know."""

from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, Q

from cases.lib.fresh_figures import figures_for
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
    # Reviewers and admins: their figures are background figures (``cases.lib.fresh_figures``),
    # possibly computed before the latest write, and then marked as such on the page.
    figures: Any = None


def project_progress(project: Project, membership: Membership) -> Progress:
    if membership.can_read_all_codings:
        # Every coder's work and every item's consensus: aggregates over every assignment and
        # submitted code of the project, kept as background figures. Reviewers and admins read
        # the same figures (neither codes); no coder ever reads them.
        fresh = figures_for("project-progress", project, {})
        return replace(fresh.value, figures=fresh)
    progress = Progress(items=Evidence.objects.filter(project=project).count())
    if membership.can_code:
        # A coder's own numbers, as they are now (they just submitted): their assignments only.
        mine = Assignment.objects.filter(evidence__project=project, coder_id=membership.user_id)
        progress.by_dyad = _rows(mine, "evidence__dyad__name")
        progress.mine = Row(
            "you",
            sum(row.assigned for row in progress.by_dyad),
            sum(row.submitted for row in progress.by_dyad),
        )
    return progress


def every_coders_progress(project: Project) -> Progress:
    """What reviewers and admins read on the project home: every coder's work by coder and by
    dyad, and the items awaiting adjudication and with a consensus."""
    assignments = Assignment.objects.filter(evidence__project=project)
    awaiting, agreed = _consensus_counts(project)
    return Progress(
        items=Evidence.objects.filter(project=project).count(),
        by_dyad=_rows(assignments, "evidence__dyad__name"),
        by_coder=_rows(assignments, "coder__username"),
        awaiting_adjudication=awaiting,
        agreed=agreed,
    )


def _rows(assignments, label: str) -> list[Row]:
    """Assigned and submitted counts of ``assignments`` per ``label``, in its order."""
    submitted = Q(status=Assignment.Status.SUBMITTED)
    return [
        Row(r[label], r["assigned"], r["submitted"])
        for r in assignments.values(label)
        .annotate(assigned=Count("id"), submitted=Count("id", filter=submitted))
        .order_by(label)
    ]


def _consensus_counts(project: Project) -> tuple[int, int]:
    """(items awaiting adjudication, items with a consensus): every item's consensus, derived
    from every submitted code."""
    items = Evidence.objects.filter(project=project).order_by()
    states = consensus_for(
        items.values_list("id", flat=True), among=items.values_list("id", flat=True)
    ).values()
    awaiting = sum(1 for s in states if s.awaits_adjudication)
    return awaiting, sum(1 for s in states if s.is_coded and not s.awaits_adjudication)


@dataclass
class Glance:
    """One project's line on the project list, shaped by the viewer's role there. A coder's line
    holds the item count and their own work only: how far colleagues got, and above all how
    often they disagreed, would say something about their codes."""

    items: int = 0
    mine: Row | None = None  # coders: their own assignments
    submitted: Row | None = None  # admins and reviewers: every coder's assignments
    with_consensus: int | None = None  # admins, reviewers and observers
    awaiting_adjudication: int | None = None  # admins and reviewers: open disagreements

    @property
    def consensus_percent(self) -> int:
        return round(100 * self.with_consensus / self.items) if self.items else 0


def projects_at_a_glance(memberships) -> dict[int, Glance]:
    """A Glance per membership's project, keyed by project id, in six queries whatever the
    number of projects (the project list shows every project of the user)."""
    memberships = list(memberships)
    glances = {m.project_id: Glance() for m in memberships}
    if not memberships:
        return glances
    for project_id, items in (
        Evidence.objects.filter(project_id__in=glances)
        .order_by()
        .values_list("project_id")
        .annotate(n=Count("id"))
    ):
        glances[project_id].items = items
    coding = {m.project_id for m in memberships if m.can_code}
    reading = {m.project_id for m in memberships if m.can_read_all_codings}
    user_ids = {m.user_id for m in memberships}
    submitted = Q(status=Assignment.Status.SUBMITTED)
    if coding or reading:
        rows = (
            Assignment.objects.filter(
                Q(evidence__project_id__in=reading)
                | Q(evidence__project_id__in=coding, coder_id__in=user_ids)
            )
            .order_by()
            .values_list("evidence__project_id")
            .annotate(assigned=Count("id"), submitted=Count("id", filter=submitted))
        )
        for project_id, assigned, done in rows:
            if project_id in coding:
                glances[project_id].mine = Row("you", assigned, done)
            else:
                glances[project_id].submitted = Row("all coders", assigned, done)
        for project_id in coding:
            glances[project_id].mine = glances[project_id].mine or Row("you")
        for project_id in reading:
            glances[project_id].submitted = glances[project_id].submitted or Row("all coders")
    # Observers read the consensus of every item (they are never assigned one); coders are not
    # shown it here: with their own veil it would be a different figure for each coder.
    consensus_readers = {m.project_id for m in memberships if not m.can_code}
    if consensus_readers:
        items = Evidence.objects.filter(project_id__in=consensus_readers).order_by()
        project_of = dict(items.values_list("id", "project_id"))
        for project_id in consensus_readers:
            glances[project_id].with_consensus = 0
        for project_id in reading:
            glances[project_id].awaiting_adjudication = 0
        states = consensus_for(project_of, among=items.values_list("id", flat=True))
        for item_id, state in states.items():
            glance = glances[project_of[item_id]]
            if state.awaits_adjudication:
                if glance.awaiting_adjudication is not None:
                    glance.awaiting_adjudication += 1
            elif state.is_coded:
                glance.with_consensus += 1
    return glances
