"""The start page: signed-in users see their own projects and role, nobody else's."""

import pytest

from cases.bundles import import_bundle
from cases.tests.bundle_factory import small_bundle


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_the_login_page_renders(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


@pytest.mark.django_db
def test_members_see_their_projects_with_their_role(client, people):
    other = small_bundle()
    other["project"].update(slug="other", name="Another project")
    other["members"] = [{"username": "olaf", "role": "admin"}] + [
        m for m in other["members"] if m["username"] == "rita"
    ]
    for section in ("codings", "consensus", "period_overrides", "stage_judgments"):
        other[section] = []
    import_bundle(other)

    client.force_login(people["carl"])
    page = client.get("/").content.decode()
    assert "Small project" in page and "Another project" not in page
    assert "<td>coder</td>" in page

    client.force_login(people["rita"])
    page = client.get("/").content.decode()
    assert "Small project" in page and "Another project" in page


@pytest.mark.django_db
def test_a_refusal_says_which_role_is_missing(client, people):
    client.force_login(people["otto"])
    response = client.get("/p/small/evidence/new/")
    assert response.status_code == 403
    assert "Your role (observer) does not allow this." in response.content.decode()


@pytest.mark.django_db
def test_a_missing_page_says_nothing_about_what_exists(client, people):
    client.force_login(people["olaf"])
    response = client.get("/p/small/")
    assert response.status_code == 404
    assert "Small project" not in response.content.decode()
