"""Notifications: one per returned item, per round of new assignments and per decision on an
item a coder submitted; each member reads and marks only their own; the unread count in the nav."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.coding.assignments import assign_items
from cases.discussion.notifications import notify
from cases.models import Evidence, Notification

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"cases:{name}", args=["small", *args])


def api_for(people, name):
    client = APIClient()
    if name:
        client.force_login(people[name])
    return client


def test_new_assignments_notify_each_coder_once_per_round(small_project, people):
    assign_items(
        project=small_project, coders=[people["carl"], people["cleo"]], made_by=people["ada"]
    )
    texts = dict(Notification.objects.values_list("user__username", "text"))
    # carl had E1 and E3; cleo E1 and E2: each is given the one item they lacked
    assert texts == {
        "carl": "ada assigned you 1 new item.",
        "cleo": "ada assigned you 1 new item.",
    }


def test_an_assignment_made_over_the_api_notifies_its_coder(small_project, people):
    response = api_for(people, "ada").post(
        "/api/projects/small/assignments/", {"evidence": "E3", "coder": "cleo"}, format="json"
    )
    assert response.status_code == 201
    (note,) = Notification.objects.all()
    assert (note.user, note.kind, note.text) == (
        people["cleo"],
        "assigned",
        "ada assigned you 1 new item.",
    )


def test_the_nav_counts_unread_and_marking_read_clears_it(client, small_project, people):
    e1 = Evidence.objects.get(key="E1")
    for n in range(3):
        notify(
            users=[people["carl"]], project=small_project, kind="decided", text=f"n{n}", evidence=e1
        )
    notify(users=[people["cleo"]], project=small_project, kind="decided", text="CLEO-ONLY")
    client.force_login(people["carl"])
    page = client.get(url("project")).content.decode()
    assert 'aria-label="3 unread"' in page
    listing = client.get(url("notifications")).content.decode()
    assert "CLEO-ONLY" not in listing and "n2" in listing
    first = Notification.objects.filter(user=people["carl"]).first()
    response = client.post(url("read_notifications"), {"id": first.pk, "open": "1"})
    assert response.url == url("code", e1.pk)
    assert 'aria-label="2 unread"' in client.get(url("project")).content.decode()
    client.post(url("read_notifications"))
    assert (
        "unread" not in client.get(url("project")).content.decode().split("Notifications")[1][:40]
    )
    assert Notification.objects.filter(user=people["cleo"], read_at__isnull=True).count() == 1


def test_nobody_marks_another_members_notification(client, small_project, people):
    notify(users=[people["cleo"]], project=small_project, kind="decided", text="CLEO-ONLY")
    theirs = Notification.objects.get()
    client.force_login(people["carl"])
    response = client.post(url("read_notifications"), {"id": theirs.pk, "open": "1"})
    assert response.url == url("notifications")
    api = api_for(people, "rita")
    assert api.post(f"/api/projects/small/notifications/{theirs.pk}/read/").status_code == 404
    assert api.get(f"/api/projects/small/notifications/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_api_lists_and_marks_the_requesters_own(small_project, people):
    notify(users=[people["carl"]], project=small_project, kind="decided", text="CARL-1")
    notify(users=[people["carl"]], project=small_project, kind="returned", text="CARL-2")
    notify(users=[people["cleo"]], project=small_project, kind="decided", text="CLEO-1")
    carl = api_for(people, "carl")
    listed = carl.get("/api/projects/small/notifications/").json()["results"]
    assert [n["text"] for n in listed] == ["CARL-2", "CARL-1"]
    done = carl.post(f"/api/projects/small/notifications/{listed[0]['id']}/read/").json()
    assert done["read_at"] is not None
    unread = carl.get("/api/projects/small/notifications/?unread=true").json()["results"]
    assert [n["text"] for n in unread] == ["CARL-1"]
    assert carl.post("/api/projects/small/notifications/read-all/").json() == {"marked": 1}
    assert api_for(people, "olaf").get("/api/projects/small/notifications/").status_code == 404
    assert api_for(people, None).get("/api/projects/small/notifications/").status_code == 401
    assert Notification.objects.get(text="CLEO-1").read_at is None


def test_the_notification_page_is_paginated_in_bounded_queries(
    client, small_project, people, django_assert_max_num_queries
):
    Notification.objects.bulk_create(
        Notification(user=people["carl"], project=small_project, kind="decided", text=f"t{n}")
        for n in range(130)
    )
    client.force_login(people["carl"])
    with django_assert_max_num_queries(6):
        response = client.get(url("notifications"))
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.count == 130
