"""The coder–reviewer loop: a reviewer returns a submitted item to its coder with a comment, the
coder recodes and resubmits, the reviewer decides, and the coder then sees how the consensus
differs from their codes and why. Every rule is probed by trying to break it, in pages and API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.coding.actions import (
    CodingRefused,
    reopen_assignment,
    return_assignment,
    save_coding,
    submit_assignment,
)
from cases.models import Assignment, Coding, Consensus, Criterion, Evidence, Notification
from cases.review.adjudication import adjudicate_item

pytestmark = pytest.mark.django_db

COMMENT = "RITA-ASKS: look again at the trust wording on page 88."
CLEO_NOTE = "CLEO-SECRET-NOTE"
RATIONALE = "RITA-WHY: the poll shows trust, but only moderately."


def url(name, *args):
    return reverse(f"cases:{name}", args=["small", *args])


@pytest.fixture
def e3(small_project, people):
    """E3 coded by carl (3) and cleo (1, with a note), both submitted, nobody has decided."""
    item = Evidence.objects.get(project=small_project, key="E3")
    trust = Criterion.objects.get(code="AB-T3-TRUST")
    Assignment.objects.create(evidence=item, coder=people["cleo"])
    Coding.objects.create(
        evidence=item, criterion=trust, coder=people["cleo"], value=1, note=CLEO_NOTE
    )
    submit_assignment(evidence=item, coder=people["carl"])
    submit_assignment(evidence=item, coder=people["cleo"])
    return item


def returned(e3, people, comment=COMMENT):
    return return_assignment(
        evidence=e3, coder=people["carl"], reviewer=people["rita"], comment=comment
    )


# -- the action ------------------------------------------------------------------------------


def test_returning_reopens_the_coders_assignment_keeps_codes_and_notifies(e3, people):
    assignment = returned(e3, people)
    assert assignment.status == Assignment.Status.ASSIGNED
    assert assignment.submitted_at is None
    assert assignment.returned_comment == COMMENT
    assert assignment.returned_by == people["rita"]
    assert Coding.objects.get(evidence=e3, coder=people["carl"]).value == 3  # kept
    cleo = Assignment.objects.get(evidence=e3, coder=people["cleo"])
    assert cleo.status == Assignment.Status.SUBMITTED  # only carl's is returned
    (note,) = Notification.objects.filter(user=people["carl"])
    assert note.kind == "returned" and note.evidence == e3
    assert "rita returned E3" in note.text
    assert not Notification.objects.filter(user=people["cleo"]).exists()
    # the history keeps the return
    assert assignment.history.filter(status="assigned").exists()


def test_a_returned_item_can_be_recoded_and_resubmitted(e3, people):
    returned(e3, people)
    trust = Criterion.objects.get(code="AB-T3-TRUST")
    mine = Coding.objects.get(evidence=e3, coder=people["carl"])
    save_coding(
        evidence=e3, criterion=trust, coder=people["carl"], value=2, note="", version=mine.version
    )
    assert submit_assignment(evidence=e3, coder=people["carl"]).status == "submitted"
    assert Coding.objects.get(evidence=e3, coder=people["carl"]).value == 2


def test_a_coders_own_reopening_is_not_shown_as_a_return(client, e3, people):
    returned(e3, people)
    submit_assignment(evidence=e3, coder=people["carl"])
    reopen_assignment(evidence=e3, coder=people["carl"])
    assignment = Assignment.objects.get(evidence=e3, coder=people["carl"])
    assert (assignment.returned_comment, assignment.returned_at) == ("", None)
    assert assignment.history.filter(returned_comment=COMMENT).exists()  # the history keeps it
    assert assignment.history.first().returned_comment == ""  # the reopening's row
    client.force_login(people["carl"])
    assert "Returned to you" not in client.get(url("code", e3.pk)).content.decode()


@pytest.mark.parametrize("comment", ["", "   "])
def test_no_return_without_a_comment(e3, people, comment):
    with pytest.raises(CodingRefused, match="Comment"):
        returned(e3, people, comment)
    assert Assignment.objects.get(evidence=e3, coder=people["carl"]).status == "submitted"
    assert not Notification.objects.exists()


def test_no_return_once_a_reviewer_has_decided(e3, people):
    adjudicate_item(
        evidence=e3,
        reviewer=people["rita"],
        values={"AB-T3-TRUST": 2},
        rationale=RATIONALE,
        versions={},
    )
    Notification.objects.all().delete()
    with pytest.raises(CodingRefused, match="decided"):
        returned(e3, people)
    assert Assignment.objects.get(evidence=e3, coder=people["carl"]).status == "submitted"
    assert not Notification.objects.exists()


def test_an_unsubmitted_item_is_not_returned(small_project, people):
    e2 = Evidence.objects.get(key="E2")  # cleo's, not submitted
    with pytest.raises(CodingRefused, match="not submitted"):
        return_assignment(evidence=e2, coder=people["cleo"], reviewer=people["rita"], comment="x")


def test_returning_forgets_the_unanimous_rows(small_project, people):
    """Both coders agreed, so sccoder wrote unanimous rows; a return voids the agreement."""
    item = Evidence.objects.get(key="E3")
    trust = Criterion.objects.get(code="AB-T3-TRUST")
    Assignment.objects.create(evidence=item, coder=people["cleo"])
    Coding.objects.create(evidence=item, criterion=trust, coder=people["cleo"], value=3)
    submit_assignment(evidence=item, coder=people["carl"])
    submit_assignment(evidence=item, coder=people["cleo"])
    assert Consensus.objects.filter(evidence=item, method="unanimous").exists()
    returned(item, people)
    assert not Consensus.objects.filter(evidence=item).exists()


# -- the pages -------------------------------------------------------------------------------


def test_the_reviewer_returns_from_the_item_page(client, e3, people):
    client.force_login(people["rita"])
    page = client.get(url("review_item", e3.pk)).content.decode()
    assert f'action="/p/small/review/item/{e3.pk}/return/"' in page
    response = client.post(url("return_item", e3.pk), {"coder": "carl", "comment": COMMENT})
    assert response.status_code == 302
    assert Assignment.objects.get(evidence=e3, coder=people["carl"]).returned_comment == COMMENT
    page = client.get(url("review_item", e3.pk)).content.decode()
    assert COMMENT in page  # reviewers read the returns


def test_the_return_form_is_gone_once_decided(client, small_project, people):
    e1 = Evidence.objects.get(key="E1")  # adjudicated in the bundle
    client.force_login(people["rita"])
    assert "Return to a coder" not in client.get(url("review_item", e1.pk)).content.decode()
    response = client.post(url("return_item", e1.pk), {"coder": "carl", "comment": COMMENT})
    assert response.status_code == 302
    assert Assignment.objects.get(evidence=e1, coder=people["carl"]).status == "submitted"


@pytest.mark.parametrize(("name", "status"), [("carl", 403), ("otto", 403), ("olaf", 404)])
def test_only_reviewers_and_admins_return(client, e3, people, name, status):
    client.force_login(people[name])
    response = client.post(url("return_item", e3.pk), {"coder": "cleo", "comment": COMMENT})
    assert response.status_code == status
    assert Assignment.objects.get(evidence=e3, coder=people["cleo"]).status == "submitted"


def test_an_admin_may_return_too(client, e3, people):
    client.force_login(people["ada"])
    client.post(url("return_item", e3.pk), {"coder": "cleo", "comment": COMMENT})
    assert Assignment.objects.get(evidence=e3, coder=people["cleo"]).status == "assigned"


def test_the_coder_sees_the_comment_but_never_the_other_coders_codes(client, e3, people):
    returned(e3, people)
    client.force_login(people["carl"])
    page = client.get(url("code", e3.pk)).content.decode()
    assert COMMENT in page
    assert "Returned to you" in page
    assert CLEO_NOTE not in page
    queue = client.get(url("queue") + "?show=returned").content.decode()
    assert "E3" in queue and "RITA-ASKS" in queue
    assert client.get(url("queue")).context["counts"]["returned"] == 1
    # nor on the evidence page, whose discussion is closed again until he resubmits
    detail = client.get(url("evidence_detail", e3.pk)).content.decode()
    assert CLEO_NOTE not in detail and COMMENT not in detail


def test_another_coder_never_reads_the_comment(client, e3, people):
    returned(e3, people)
    client.force_login(people["cleo"])
    for address in (
        url("code", e3.pk),
        url("queue") + "?show=all",
        url("evidence_detail", e3.pk),
        url("notifications"),
    ):
        assert "RITA-ASKS" not in client.get(address).content.decode(), address
    api = APIClient()
    api.force_login(people["cleo"])
    assert "RITA-ASKS" not in api.get("/api/projects/small/assignments/").content.decode()
    assert "RITA-ASKS" not in api.get("/api/projects/small/notifications/").content.decode()


def test_the_observer_never_reads_the_comment(client, e3, people):
    returned(e3, people)
    client.force_login(people["otto"])
    assert "RITA-ASKS" not in client.get(url("evidence_detail", e3.pk)).content.decode()
    api = APIClient()
    api.force_login(people["otto"])
    assert api.get("/api/projects/small/assignments/").status_code == 403


# -- your codes vs consensus -----------------------------------------------------------------


def decide(e3, people):
    adjudicate_item(
        evidence=e3,
        reviewer=people["rita"],
        values={"AB-T3-TRUST": 2},
        rationale=RATIONALE,
        versions={},
    )


def test_the_comparison_appears_only_once_decided(client, e3, people):
    client.force_login(people["carl"])
    assert client.get(url("code", e3.pk)).context["comparison"] is None
    assert RATIONALE not in client.get(url("code", e3.pk)).content.decode()
    decide(e3, people)
    response = client.get(url("code", e3.pk))
    (row,) = response.context["comparison"]
    assert (row["criterion"].code, row["mine"], row["consensus"]) == ("AB-T3-TRUST", 3, 2)
    assert row["differs"] and row["rationale"] == RATIONALE
    page = response.content.decode()
    assert "Your codes and the consensus" in page and RATIONALE in page
    assert CLEO_NOTE not in page


def test_the_decision_notifies_the_submitted_coders(e3, people):
    decide(e3, people)
    assert set(
        Notification.objects.filter(kind="decided").values_list("user__username", flat=True)
    ) == {"carl", "cleo"}


def test_a_coder_not_assigned_the_item_gets_no_comparison(client, e3, people):
    decide(e3, people)
    client.force_login(people["carl"])
    e2 = Evidence.objects.get(key="E2")
    assert client.get(url("code", e2.pk)).status_code == 404  # not his item


# -- the API ---------------------------------------------------------------------------------


def api_for(people, name):
    client = APIClient()
    if name:
        client.force_login(people[name])
    return client


def return_url(e3, people, coder="carl"):
    pk = Assignment.objects.get(evidence=e3, coder=people[coder]).pk
    return f"/api/projects/small/assignments/{pk}/return/"


def test_the_api_returns_an_item_like_the_page(e3, people):
    response = api_for(people, "rita").post(
        return_url(e3, people), {"comment": COMMENT}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "assigned"
    assert response.json()["returned_comment"] == COMMENT
    assert response.json()["returned_by"] == "rita"
    mine = api_for(people, "carl").get("/api/projects/small/assignments/?evidence=E3").json()
    assert [a["returned_comment"] for a in mine["results"]] == [COMMENT]


def test_the_api_refuses_what_the_page_refuses(e3, people):
    assert (
        api_for(people, "rita").post(return_url(e3, people), {}, format="json").status_code == 400
    )
    decide(e3, people)
    response = api_for(people, "rita").post(
        return_url(e3, people), {"comment": COMMENT}, format="json"
    )
    assert response.status_code == 409 and "decided" in response.json()["detail"]


@pytest.mark.parametrize(
    ("name", "status"),
    [("carl", 403), ("cleo", 403), ("otto", 403), ("olaf", 404), (None, 401)],
)
def test_only_reviewers_and_admins_return_over_the_api(e3, people, name, status):
    response = api_for(people, name).post(
        return_url(e3, people, "cleo"), {"comment": COMMENT}, format="json"
    )
    assert response.status_code == status
    assert Assignment.objects.get(evidence=e3, coder=people["cleo"]).status == "submitted"
