"""A reviewer's rationale, which may quote the coders' values, reaches a coder only on the items
that coder has submitted.

E1 (the small project) is submitted by carl and cleo and decided by rita; her rationale here
carries a marker. Dora, a coder of the project who was never assigned E1, reads E1's consensus
values like every member, but no response she can obtain (pages, htmx fragments, the API, every
export, archives and workbooks decoded) carries the rationale. Carl, who submitted E1, gets it.
"""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from cases.exports.bundle_export import bundle_for
from cases.models import Consensus, Membership
from cases.tests.test_blindness import carls_urls, crawl_for
from cases.visibility import visibility_for

pytestmark = pytest.mark.django_db

MARKER = "RATIONALE-QUOTING-CARL-2-CLEO-3-5eed"


@pytest.fixture
def dora(small_project, people):
    user = get_user_model().objects.create_user("dora", password="x")
    Membership.objects.create(project=small_project, user=user, role="coder")
    Consensus.objects.filter(evidence__key="E1").update(rationale=MARKER)
    return user


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def consensus_csv(client) -> list[dict]:
    response = client.get(reverse("cases:export_file", args=["small", "consensus.csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def api_consensus(client) -> list[dict]:
    response = client.get("/api/projects/small/consensus/?page_size=500")
    assert response.status_code == 200
    return response.json()["results"]


def test_no_response_dora_can_obtain_carries_the_rationale(small_project, people, dora):
    client = as_user(dora)
    urls = [
        *carls_urls(small_project, people),
        "/api/projects/small/consensus/",
        "/api/projects/small/consensus/?evidence=E1",
    ]
    answered, leaks = crawl_for(client, urls, MARKER)
    assert leaks == []
    assert answered > 40


def test_dora_reads_e1s_consensus_without_its_rationale(small_project, people, dora):
    client = as_user(dora)
    rows = [r for r in consensus_csv(client) if r["evidence"] == "E1"]
    assert [(r["criterion"], r["value"], r["decided_by"], r["rationale"]) for r in rows] == [
        ("AB-T2-TRANS", "2", "rita", "")
    ]
    rows = [r for r in api_consensus(client) if r["evidence"] == "E1"]
    assert sorted((r["criterion"], r["value"], r["rationale"]) for r in rows) == [
        ("AB-T2-TRANS", 2, ""),
        ("D-RESP", None, ""),
    ]
    membership = Membership.objects.get(project=small_project, user=dora)
    (entry,) = [e for e in bundle_for(small_project, viewer=membership)["consensus"]]
    assert (entry["evidence"], entry["values"], entry["rationale"]) == (
        "E1",
        {"AB-T2-TRANS": 2},
        "",
    )
    assert "rationales" not in entry


def test_carl_who_submitted_e1_reads_the_rationale(small_project, people, dora):
    client = as_user(people["carl"])
    rows = [r for r in consensus_csv(client) if r["evidence"] == "E1"]
    assert [r["rationale"] for r in rows] == [MARKER]
    rows = [r for r in api_consensus(client) if r["evidence"] == "E1"]
    assert {r["rationale"] for r in rows} == {MARKER}
    membership = Membership.objects.get(project=small_project, user=people["carl"])
    (entry,) = bundle_for(small_project, viewer=membership)["consensus"]
    assert entry["rationale"] == MARKER


def test_only_coders_are_limited_to_the_items_they_submitted(small_project, people, dora):
    for name, limited in (("dora", True), ("carl", True), ("otto", False), ("rita", False)):
        membership = Membership.objects.get(project=small_project, user=people.get(name, dora))
        visibility = visibility_for(membership)
        assert (visibility.rationales_for is not None) == limited, name
    carl = Membership.objects.get(project=small_project, user=people["carl"])
    e1 = Consensus.objects.filter(evidence__key="E1").first().evidence_id
    assert visibility_for(carl).shows_rationale(e1)
    dora_membership = Membership.objects.get(project=small_project, user=dora)
    assert not visibility_for(dora_membership).shows_rationale(e1)
