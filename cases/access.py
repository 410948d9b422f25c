"""The one access helper: every HTML view and API permission asks it who may do what.

Outsiders get 404, not 403, so that a project's existence does not leak to non-members.
Members who lack the right for an action get 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext

from cases.models import Membership, Notification, Project

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
        .annotate(unread_notifications=_unread_notifications())
        .first()
    )
    if membership is None:
        raise Http404("No such project.")
    if not NEEDS[need](membership):
        raise PermissionDenied(
            gettext("Your role (%(role)s) does not allow this.")
            % {"role": membership.get_role_display()}
        )
    return membership.project, membership


def _unread_notifications():
    """The member's unread notifications in the project, counted in the same query as the
    membership, so that the nav's count costs no query of its own."""
    unread = (
        Notification.objects.filter(
            user=OuterRef("user"), project=OuterRef("project"), read_at__isnull=True
        )
        .order_by()
        .values("user")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(unread), 0)


def memberships_of(user):
    """The user's memberships, for the project list."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("project").order_by("project__name")


def may_read_again(membership: Membership, document) -> bool:
    """Whether the member may queue a stalled document's reading again: an admin of its
    project, or its uploader while they may still edit evidence."""
    if membership.can_manage:
        return True
    return membership.can_edit_evidence and document.uploaded_by_id == membership.user_id
