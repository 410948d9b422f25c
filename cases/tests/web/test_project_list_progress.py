"""The project list shows each project's progress at a glance, as far as the viewer's role there
may know it: a coder sees the item count and their own work, never a figure built from their
colleagues' codes; admins and reviewers see every coder's work and the open disagreements."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cases.bundles import import_bundle
from cases.models import Membership
from cases.projects.progress import project_progress
from cases.tests.bundle_factory import small_bundle

pytestmark = pytest.mark.django_db


def figures(username: str) -> dict[str, dict[str, str]]:
    """Project name -> {figure: the cell's text, tags and extra spaces removed}."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page = client.get("/").content.decode()
    rows = {}
    for row in re.findall(r"<tr>\s*<td><a [^>]*>([^<]+)</a>(.*?)</tr>", page, re.S):
        name, cells = row
        rows[name] = {
            figure: " ".join(re.sub(r"<[^>]+>", " ", text).split())
            for figure, text in re.findall(r'data-figure="(\w+)">(.*?)</td>', cells, re.S)
        }
    return rows


def test_a_reviewer_sees_every_coders_work_and_the_open_disagreements(small_project):
    # E1 submitted by carl and cleo, E2 assigned to cleo, E3 a draft of carl's: 2 of 4.
    row = figures("rita")["Small project"]
    assert row["items"] == "3"
    assert row["submitted"] == "50% (2 / 4 of the assignments)"
    home = project_progress(small_project, Membership.objects.get(user__username="rita"))
    # E1 is decided; E2 and E3 still wait for their coders.
    assert row["disagreements"] == str(home.awaiting_adjudication) == "0"
    assert row["consensus"] == f"33% ({home.agreed} / 3)" == "33% (1 / 3)"


def test_a_coder_sees_only_their_own_work(small_project):
    row = figures("carl")["Small project"]
    assert row["items"] == "3"
    assert row["submitted"] == "50% (1 / 2 of your items) Open my queue"
    # Nothing derived from other coders' codes: no consensus share, no disagreements.
    assert row["consensus"] == "–"
    assert row["disagreements"] == "–"
    row = figures("cleo")["Small project"]
    assert row["submitted"].startswith("50% (1 / 2 of your items)")


def test_an_observer_sees_the_consensus_share_but_no_coders_work(small_project):
    row = figures("otto")["Small project"]
    assert row["items"] == "3"
    assert row["submitted"] == "–"
    assert row["consensus"] == "33% (1 / 3)"
    assert row["disagreements"] == "–"


def test_an_undecided_disagreement_is_open_for_reviewers_only(small_project):
    bundle = small_bundle()
    bundle["project"].update(slug="undecided", name="Undecided project")
    bundle["consensus"] = []  # carl and cleo disagree on E1
    import_bundle(bundle)
    reviewer = figures("rita")["Undecided project"]
    assert reviewer["disagreements"] == "1"
    assert reviewer["consensus"] == "0% (0 / 3)"
    assert figures("otto")["Undecided project"]["disagreements"] == "–"
    assert figures("carl")["Undecided project"]["disagreements"] == "–"
    assert figures("carl")["Undecided project"]["consensus"] == "–"


def _more_projects(count: int) -> None:
    for n in range(count):
        bundle = small_bundle()
        bundle["project"].update(slug=f"more-{n}", name=f"More {n}")
        # rita reviews some, codes others, observes the rest: every kind of line.
        role = ("reviewer", "coder", "observer", "admin")[n % 4]
        bundle["members"] = [m for m in bundle["members"] if m["username"] != "rita"] + [
            {"username": "rita", "role": role}
        ]
        if role == "coder":
            for coding in bundle["codings"]:
                if coding["coder"] == "carl":
                    coding["coder"] = "rita"
        import_bundle(bundle)


@pytest.mark.parametrize("extra_projects", [0, 8])
def test_the_list_takes_a_bounded_number_of_queries(
    small_project, django_assert_max_num_queries, extra_projects
):
    _more_projects(extra_projects)
    client = Client()
    client.force_login(get_user_model().objects.get(username="rita"))
    with django_assert_max_num_queries(10):
        page = client.get("/").content.decode()
    assert page.count('data-figure="items"') == 1 + extra_projects
