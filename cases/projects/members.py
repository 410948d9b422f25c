"""Who belongs to a project: changing a role or removing a member keeps the project whole.

The API's members endpoint and the admin both come here, so they refuse the same things with
the same words.
"""

from django.db import transaction

from cases.models import Assignment, Coding, Membership, Role, StageJudgment


class MembershipRefused(Exception):
    """The change would leave the project without an admin, or orphan someone's work."""


def check_keeps_an_admin(membership: Membership, *, new_role: str | None = None) -> None:
    """Refuse to demote or remove the project's last admin (``new_role`` None: removal)."""
    stored_role = Membership.objects.filter(pk=membership.pk).values_list("role", flat=True).first()
    if stored_role != Role.ADMIN or new_role == Role.ADMIN:
        return
    admins = Membership.objects.filter(project_id=membership.project_id, role=Role.ADMIN)
    if not admins.exclude(pk=membership.pk).exists():
        raise MembershipRefused(
            f"{membership.user.username} is the project's only admin; "
            "make someone else admin first."
        )


def has_work(membership: Membership) -> bool:
    """Assignments, codes or stage verdicts of the member in the project: they count in the
    agreement, the consensus, the queue and the report."""
    project, user = membership.project_id, membership.user_id
    return (
        Assignment.objects.filter(evidence__project_id=project, coder_id=user).exists()
        or Coding.objects.filter(evidence__project_id=project, coder_id=user).exists()
        or StageJudgment.objects.filter(period__dyad__project_id=project, coder_id=user).exists()
    )


def check_removable(membership: Membership) -> None:
    check_keeps_an_admin(membership)
    if has_work(membership):
        raise MembershipRefused(
            f"{membership.user.username} has assignments, codes or stage verdicts in this "
            "project; a member whose work counts is not removed. Unassign the items they "
            "have not coded first."
        )


def change_role(*, membership: Membership, role: str) -> Membership:
    """Save the membership with its new role (and whatever else changed on it)."""
    with transaction.atomic():
        check_keeps_an_admin(membership, new_role=role)
        membership.role = role
        membership.save()
    return membership


def remove_member(*, membership: Membership) -> None:
    with transaction.atomic():
        check_removable(membership)
        membership.delete()
