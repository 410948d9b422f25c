"""What a viewer may export: DESIGN.md's permission table, read for the export files.

The access helper (``cases.access.get_project_for``) decides membership and role; this module
only maps a membership to the *contents* it may take away:

- consensus data and reports (consensus, period values and classification, codebook): every
  member;
- raw codings: admins and reviewers everyone's (of submitted items: drafts are the coder's own
  business), a coder only their own (drafts included), an observer none;
- reliability data and the replication package hold every coder's codes side by side and the
  agreement figures, which the table gives to admins and reviewers only, so coders and observers
  are refused them rather than handed a one-column table that no agreement measure can read.

Consensus data leave out the items the viewer still has to code (``cases.visibility``): a coder
never takes away a decision, its rationale or a figure derived from it before giving their own.

``viewer=None`` is the operator at the command line (``export_*`` commands, the Django admin's
superuser): the same contents as an admin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from cases.models import Membership
from cases.visibility import SEES_ALL, Visibility, visibility_for


class ExportRefused(PermissionError):
    """The viewer's role does not allow this export (a view turns it into a 403)."""


class Codings(Enum):
    ALL = "all"  # every coder's codings of submitted items
    OWN = "own"  # the viewer's own codings, drafts included
    NONE = "none"


@dataclass(frozen=True)
class ExportScope:
    codings: Codings
    user_id: int | None = None  # the viewer, when codings is OWN
    reliability: bool = False  # reliability CSVs and agreement tables
    replication: bool = False  # the replication package (complete data only)
    visibility: Visibility = field(default=SEES_ALL)  # items whose consensus is withheld

    @property
    def raw(self) -> bool:
        return self.codings is not Codings.NONE

    def check_raw(self) -> None:
        if not self.raw:
            raise ExportRefused("Your role does not allow exporting raw codings.")

    def check_reliability(self) -> None:
        if not self.reliability:
            raise ExportRefused(
                "Reliability data compares every coder's codes: admins and reviewers only."
            )

    def check_replication(self) -> None:
        if not self.replication:
            raise ExportRefused(
                "The replication package holds every coder's codings and the agreement "
                "figures: admins and reviewers only."
            )


OPERATOR = ExportScope(Codings.ALL, reliability=True, replication=True)


def export_scope(viewer: Membership | None) -> ExportScope:
    """The export contents a membership may take away (``None``: the operator, everything)."""
    if viewer is None:
        return OPERATOR
    if viewer.can_read_all_codings:
        return ExportScope(
            Codings.ALL, reliability=viewer.can_review, replication=viewer.can_review
        )
    visibility = visibility_for(viewer)
    if viewer.can_export_raw:  # a coder: their own codings only
        return ExportScope(Codings.OWN, user_id=viewer.user_id, visibility=visibility)
    return ExportScope(Codings.NONE, visibility=visibility)
