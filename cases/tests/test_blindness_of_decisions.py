"""A decision stays hidden from a coder who has not coded the item yet, on every route.

E3 is assigned to three coders: cleo and cora submit different codes, and rita decides between
them with a marked rationale and a value nobody else gave. Carl, the third coder, is still
coding E3. Nothing carl can request (pages, htmx fragments, the API, every export he may
download, archives and workbooks decoded) may carry the rationale; the figures he sees are the
same, byte for byte, as before the decision existed; and once he submits, he sees it all.
"""

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cases.coding.actions import save_coding, submit_assignment
from cases.exports.bundle_export import bundle_for
from cases.models import Assignment, Criterion, Evidence, Membership
from cases.reports.build import build_report
from cases.review.adjudication import adjudicate_item, decision_codes
from cases.tests.test_blindness import carls_urls, comparable, crawl_for, readable
from cases.visibility import visibility_for

pytestmark = pytest.mark.django_db

MARKER = "DECISION-RATIONALE-c0ffee"
CODE = "AB-T3-TRUST"  # carl's own draft on E3 says 3; the decision says 1


@pytest.fixture
def e3_for_three(small_project, people):
    """Cleo and cora are assigned E3 beside carl, who keeps it as a draft."""
    cora = get_user_model().objects.create_user("cora", password="x")
    Membership.objects.create(project=small_project, user=cora, role="coder")
    people["cora"] = cora
    e3 = Evidence.objects.get(project=small_project, key="E3")
    for coder in ("cleo", "cora"):
        Assignment.objects.create(evidence=e3, coder=people[coder])
    return e3


def decide_e3(project, people, e3) -> None:
    criterion = Criterion.objects.get(codebook=project.codebook, code=CODE)
    for coder, value in (("cleo", 2), ("cora", 3)):
        save_coding(
            evidence=e3, criterion=criterion, coder=people[coder], value=value, note="", version=0
        )
        submit_assignment(evidence=e3, coder=people[coder])
    codes = decision_codes(e3)
    assert CODE in codes
    adjudicate_item(
        evidence=e3,
        reviewer=people["rita"],
        values={code: 1 if code == CODE else None for code in codes},
        rationale=MARKER,
        versions={},
    )


def carls_e3_urls(project, people, e3) -> list[str]:
    urls = carls_urls(project, people)
    base = "/api/projects/small/"
    return [
        *urls,
        reverse("cases:code", args=["small", e3.pk]),
        reverse("cases:evidence_detail", args=["small", e3.pk]),
        base + "consensus/",
        base + f"consensus/?evidence={e3.pk}",
        base + "reports/FRA-DEU/",
    ]


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_no_response_carl_can_obtain_carries_the_decision(small_project, people, e3_for_three):
    decide_e3(small_project, people, e3_for_three)
    client = as_user(people["carl"])
    urls = carls_e3_urls(small_project, people, e3_for_three)
    answered, leaks = crawl_for(client, urls, MARKER)
    assert leaks == []
    assert answered > 40


def test_carls_answers_are_the_same_before_and_after_the_decision(
    small_project, people, e3_for_three
):
    """Without markers: neither the value, nor a verdict or count derived from it, moves."""
    client = as_user(people["carl"])
    urls = carls_e3_urls(small_project, people, e3_for_three)

    def answers():
        found = {}
        for url in urls:
            cache.clear()
            response = client.get(url)
            found[url] = (response.status_code, comparable(response))
        return found

    before = answers()
    decide_e3(small_project, people, e3_for_three)
    after = answers()
    assert [url for url in urls if before[url] != after[url]] == []


def test_the_same_comparison_sees_the_decision_when_a_reviewer_asks(
    small_project, people, e3_for_three
):
    """The control: rita's report and consensus export do change with the decision."""
    client = as_user(people["rita"])
    report = reverse("cases:report_json", args=["small", "FRA-DEU"])
    consensus = reverse("cases:export_file", args=["small", "consensus.csv"])
    before = [comparable(client.get(url)) for url in (report, consensus)]
    decide_e3(small_project, people, e3_for_three)
    cache.clear()
    after = [comparable(client.get(url)) for url in (report, consensus)]
    assert before[0] != after[0] and before[1] != after[1]
    assert MARKER in after[1].decode()


def test_carls_report_shows_e3_as_hidden_and_classifies_without_it(
    small_project, people, e3_for_three
):
    decide_e3(small_project, people, e3_for_three)
    carl = Membership.objects.get(project=small_project, user=people["carl"])
    mine = build_report(small_project, "FRA-DEU", carl)
    entry = next(e for e in mine["evidence"] if e["key"] == "E3")
    assert entry["hidden_until_submitted"] is True
    assert entry["values"] == {}
    assert mine["hidden_items"] == 1
    assert sum(p["hidden_items"] for p in mine["periods"]) == 1
    assert all("E3" not in json.dumps(r["hangs_on"]) for r in mine["robustness"])

    rita = Membership.objects.get(project=small_project, user=people["rita"])
    full = build_report(small_project, "FRA-DEU", rita)
    entry = next(e for e in full["evidence"] if e["key"] == "E3")
    assert entry["values"][CODE] == 1
    assert entry["hidden_until_submitted"] is False
    assert full["hidden_items"] == 0


def test_carl_sees_the_decision_once_he_submits(small_project, people, e3_for_three):
    decide_e3(small_project, people, e3_for_three)
    carl = people["carl"]
    submit_assignment(evidence=e3_for_three, coder=carl)
    membership = Membership.objects.get(project=small_project, user=carl)
    assert visibility_for(membership).hidden == frozenset()
    client = as_user(carl)
    cache.clear()
    response = client.get(reverse("cases:export_file", args=["small", "consensus.csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    e3_rows = [r for r in rows if r["evidence"] == "E3" and r["criterion"] == CODE]
    assert [(r["value"], r["rationale"]) for r in e3_rows] == [("1", MARKER)]
    keys = [c["evidence"] for c in bundle_for(small_project, viewer=membership)["consensus"]]
    assert "E3" in keys


def test_a_coder_assigned_after_the_decision_is_veiled_too(small_project, people, e3_for_three):
    decide_e3(small_project, people, e3_for_three)
    submit_assignment(evidence=e3_for_three, coder=people["carl"])
    dora = get_user_model().objects.create_user("dora", password="x")
    membership = Membership.objects.create(project=small_project, user=dora, role="coder")
    Assignment.objects.create(evidence=e3_for_three, coder=dora)
    assert visibility_for(membership).hidden == {e3_for_three.pk}
    keys = [c["evidence"] for c in bundle_for(small_project, viewer=membership)["consensus"]]
    assert "E3" not in keys
    cache.clear()
    text = readable(as_user(dora).get(reverse("cases:report", args=["small", "FRA-DEU"])))
    assert MARKER not in text
    assert "hidden until you submit" in text


def test_an_observer_and_a_reviewer_hide_nothing(small_project, people, e3_for_three):
    for name in ("otto", "rita", "ada"):
        membership = Membership.objects.get(project=small_project, user=people[name])
        assert visibility_for(membership).hidden == frozenset()
