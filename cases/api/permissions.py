"""One permission class for every project-scoped endpoint: it asks the one access helper.

A view names what each action needs (the rows of DESIGN.md's permission table, as
``cases.access.NEEDS``): ``read_need`` for safe methods, ``write_need`` for the others, and
``action_needs`` for named actions (submit, reopen). The helper answers 404 to outsiders and
403 to members whose role lacks the right; signed-out requests get 401 before it is asked.
The project and membership it returns are kept on the view for the querysets.
"""

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from cases.access import get_project_for


class ProjectAccess(BasePermission):
    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if getattr(view, "swagger_fake_view", False):
            return True
        view.project, view.membership = get_project_for(
            request.user, view.kwargs["slug"], need=need_of(view, request)
        )
        return True


def need_of(view, request) -> str:
    action_needs = getattr(view, "action_needs", {})
    action = getattr(view, "action", None)  # plain APIViews have none
    if action in action_needs:
        return action_needs[action]
    if request.method in SAFE_METHODS:
        return getattr(view, "read_need", "read")
    return view.write_need


def raw_coding_scope(membership) -> str:
    """Whose raw codings and stage judgments a member sees: "all", "own", or an error.

    Blind coding: a coder sees only their own; observers see none (DESIGN.md).
    """
    if membership.can_read_all_codings:
        return "all"
    if membership.can_code:
        return "own"
    raise PermissionDenied(f"Your role ({membership.role}) does not see raw codings.")
