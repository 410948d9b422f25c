"""The one access helper, tried by each persona against each need (DESIGN.md's table)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.access import NEEDS, get_project_for

# need -> roles that have it; everyone else who is a member gets 403.
ALLOWED = {
    "read": {"admin", "reviewer", "coder", "observer"},
    "edit_evidence": {"admin", "reviewer", "coder"},
    "code": {"coder"},
    "read_all_codings": {"admin", "reviewer"},
    "review": {"admin", "reviewer"},
    "manage": {"admin"},
    "export_raw": {"admin", "reviewer", "coder"},
}
PERSONAS = {
    "ada": "admin",
    "rita": "reviewer",
    "carl": "coder",
    "cleo": "coder",
    "otto": "observer",
}


def test_every_need_has_an_expectation():
    assert set(ALLOWED) == set(NEEDS)


@pytest.mark.parametrize("need", sorted(ALLOWED))
@pytest.mark.parametrize("username", sorted(PERSONAS))
def test_members_get_exactly_their_role_s_rights(people, need, username):
    user = people[username]
    if PERSONAS[username] in ALLOWED[need]:
        project, membership = get_project_for(user, "small", need)
        assert (project.slug, membership.role) == ("small", PERSONAS[username])
    else:
        with pytest.raises(PermissionDenied):
            get_project_for(user, "small", need)


@pytest.mark.parametrize("need", sorted(ALLOWED))
def test_an_outsider_gets_404_for_every_need(people, need):
    with pytest.raises(Http404):
        get_project_for(people["olaf"], "small", need)


def test_anonymous_users_get_404(small_project):
    with pytest.raises(Http404):
        get_project_for(AnonymousUser(), "small")


def test_an_unknown_project_is_404_even_for_members_elsewhere(people):
    with pytest.raises(Http404):
        get_project_for(people["ada"], "no-such-project")


def test_an_unknown_need_is_a_programming_error(people):
    with pytest.raises(ValueError, match="unknown access need"):
        get_project_for(people["ada"], "small", "fly")
