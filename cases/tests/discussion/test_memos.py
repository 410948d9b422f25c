"""Memos: the project's notes (every member reads; admins, reviewers and coders write) and an
item's thread (admins and reviewers; a coder only once they have submitted the item; observers
never). Each rule is probed by trying to break it, on the pages and over the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.coding.actions import reopen_assignment
from cases.discussion.memos import MemoRefused, post_memo
from cases.models import Assignment, Evidence, Membership, Memo

pytestmark = pytest.mark.django_db

SECRET = "MEMO-SAYS-CLEO-CODED-3"
PROJECT_NOTE = "PROJECT-NOTE-ON-SOURCES"


def url(name, *args):
    return reverse(f"cases:{name}", args=["small", *args])


def membership(people, name):
    return Membership.objects.get(user=people[name], project__slug="small")


@pytest.fixture
def items(small_project):
    return {e.key: e for e in Evidence.objects.filter(project=small_project)}


@pytest.fixture
def thread(items, people):
    """A reviewer's memo on E3, which carl is assigned and has not submitted."""
    return post_memo(membership=membership(people, "rita"), evidence=items["E3"], body=SECRET)


def api_for(people, name):
    client = APIClient()
    if name:
        client.force_login(people[name])
    return client


def test_reviewers_and_admins_read_and_write_an_items_thread(client, thread, items, people):
    for name in ("rita", "ada"):
        client.force_login(people[name])
        page = client.get(url("evidence_detail", items["E3"].pk)).content.decode()
        assert SECRET in page, name
        client.post(url("item_memo", items["E3"].pk), {"body": f"reply by {name}"})
    assert list(Memo.objects.filter(evidence=items["E3"]).values_list("body", flat=True)) == [
        SECRET,
        "reply by rita",
        "reply by ada",
    ]


def test_a_coder_reads_an_items_thread_only_after_submitting_it(client, thread, items, people):
    client.force_login(people["carl"])
    e3 = items["E3"]
    page = client.get(url("evidence_detail", e3.pk)).content.decode()
    assert SECRET not in page
    assert "opens to you once you have submitted it" in page
    assert client.post(url("item_memo", e3.pk), {"body": "early"}).status_code == 403
    Assignment.objects.filter(evidence=e3, coder=people["carl"]).update(status="submitted")
    assert SECRET in client.get(url("evidence_detail", e3.pk)).content.decode()
    client.post(url("item_memo", e3.pk), {"body": "carl after submitting"})
    assert Memo.objects.filter(evidence=e3, author=people["carl"]).count() == 1
    # reopening closes the thread again
    reopen_assignment(evidence=e3, coder=people["carl"])
    assert SECRET not in client.get(url("evidence_detail", e3.pk)).content.decode()


def test_a_coder_never_assigned_the_item_does_not_read_its_thread(client, thread, items, people):
    client.force_login(people["cleo"])  # not assigned E3: it might be given to her later
    assert SECRET not in client.get(url("evidence_detail", items["E3"].pk)).content.decode()
    assert client.post(url("item_memo", items["E3"].pk), {"body": "x"}).status_code == 403
    assert not Memo.objects.filter(author=people["cleo"]).exists()


def test_the_observer_never_reads_or_writes_an_items_thread(client, thread, items, people):
    client.force_login(people["otto"])
    assert SECRET not in client.get(url("evidence_detail", items["E3"].pk)).content.decode()
    assert client.post(url("item_memo", items["E3"].pk), {"body": "x"}).status_code == 403
    with pytest.raises(MemoRefused):
        post_memo(membership=membership(people, "otto"), evidence=items["E3"], body="x")


def test_a_non_member_gets_404(client, thread, items, people):
    client.force_login(people["olaf"])
    assert client.get(url("memos")).status_code == 404
    assert client.post(url("item_memo", items["E3"].pk), {"body": "x"}).status_code == 404
    assert client.post(url("memos"), {"body": "x"}).status_code == 404


def test_an_empty_memo_is_refused_with_a_message(client, items, people):
    client.force_login(people["rita"])
    response = client.post(url("item_memo", items["E1"].pk), {"body": "   "}, follow=True)
    assert "Memo: write something first" in response.content.decode()
    assert not Memo.objects.exists()


def test_the_project_memo_page(client, people):
    client.force_login(people["carl"])
    client.post(url("memos"), {"body": PROJECT_NOTE})
    for name in ("ada", "rita", "carl", "cleo", "otto"):
        client.force_login(people[name])
        assert PROJECT_NOTE in client.get(url("memos")).content.decode(), name
    client.force_login(people["otto"])
    assert client.post(url("memos"), {"body": "observer note"}).status_code == 403
    assert "New memo" not in client.get(url("memos")).content.decode()
    assert list(Memo.objects.values_list("body", flat=True)) == [PROJECT_NOTE]


def test_the_project_memo_page_is_paginated_in_bounded_queries(
    client, people, small_project, django_assert_max_num_queries
):
    Memo.objects.bulk_create(
        Memo(project=small_project, author=people["rita"], body=f"memo {n}") for n in range(120)
    )
    client.force_login(people["otto"])
    with django_assert_max_num_queries(6):
        response = client.get(url("memos"))
    assert len(response.context["page"].object_list) == 50
    assert "memo 119" in response.content.decode()  # newest first


# -- the API ---------------------------------------------------------------------------------

MEMOS = "/api/projects/small/memos/"


def bodies(response):
    return [m["body"] for m in response.json()["results"]]


def test_the_api_lists_what_the_pages_show(thread, items, people, small_project):
    post_memo(membership=membership(people, "carl"), body=PROJECT_NOTE)
    assert bodies(api_for(people, "rita").get(MEMOS)) == [SECRET, PROJECT_NOTE]
    assert bodies(api_for(people, "carl").get(MEMOS)) == [PROJECT_NOTE]
    assert bodies(api_for(people, "cleo").get(MEMOS)) == [PROJECT_NOTE]
    assert bodies(api_for(people, "otto").get(MEMOS)) == [PROJECT_NOTE]
    assert bodies(api_for(people, "carl").get(MEMOS + "?evidence=E3")) == []
    assert bodies(api_for(people, "rita").get(MEMOS + "?evidence=")) == [PROJECT_NOTE]
    assert api_for(people, "olaf").get(MEMOS).status_code == 404
    assert api_for(people, None).get(MEMOS).status_code == 401
    Assignment.objects.filter(evidence=items["E3"], coder=people["carl"]).update(status="submitted")
    assert bodies(api_for(people, "carl").get(MEMOS + "?evidence=E3")) == [SECRET]


@pytest.mark.parametrize(
    ("name", "evidence", "status"),
    [
        ("rita", "E3", 201),
        ("ada", None, 201),
        ("carl", None, 201),
        ("carl", "E3", 403),  # not submitted yet
        ("cleo", "E3", 403),  # never assigned
        ("otto", None, 403),
        ("otto", "E1", 403),
        ("olaf", None, 404),
        (None, None, 401),
    ],
)
def test_the_api_writes_by_the_pages_rules(items, people, name, evidence, status):
    body = {"body": "a memo", "evidence": evidence}
    response = api_for(people, name).post(MEMOS, body, format="json")
    assert response.status_code == status
    assert Memo.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["author"] == name
        assert response.json()["evidence"] == evidence


def test_a_coder_who_submitted_writes_in_the_thread_over_the_api(items, people):
    # carl submitted E1 in the bundle
    response = api_for(people, "carl").post(
        MEMOS, {"body": "why 2?", "evidence": "E1"}, format="json"
    )
    assert response.status_code == 201
    assert Memo.objects.get().evidence == items["E1"]


def test_the_api_refuses_an_empty_memo(people):
    response = api_for(people, "rita").post(MEMOS, {"body": ""}, format="json")
    assert response.status_code == 400 and "body" in response.json()
    assert not Memo.objects.exists()
