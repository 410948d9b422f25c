"""The one access helper: every HTML view and API permission asks it who may do what.

Outsiders get 404, not 403, so that a project's existence does not leak to non-members.
Members who lack the right for an action get 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.models import Membership, Project

# What an action needs, named after the rows of DESIGN.md's permission table.
NEEDS = {
    "read": lambda m: True,
    "edit_evidence": lambda m: m.can_edit_evidence,
    "code": lambda m: m.can_code,
    "read_all_codings": lambda m: m.can_read_all_codings,
    "review": lambda m: m.can_review,
    "manage": lambda m: m.can_manage,
    "export_raw": lambda m: m.can_export_raw,
}


def get_project_for(user, slug: str, need: str = "read") -> tuple[Project, Membership]:
    """Return the project and the user's membership, or raise 404 (not a member) / 403 (role)."""
    if need not in NEEDS:
        raise ValueError(f"unknown access need {need!r}")
    if not user.is_authenticated:
        raise Http404("No such project.")
    membership = (
        Membership.objects.select_related("project", "project__codebook")
        .filter(project__slug=slug, user=user)
        .first()
    )
    if membership is None:
        raise Http404("No such project.")
    if not NEEDS[need](membership):
        raise PermissionDenied(f"Your role ({membership.role}) does not allow this.")
    return membership.project, membership


def memberships_of(user):
    """The user's memberships, for the project list."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("project").order_by("project__name")
