"""Blind coding, proved across the whole site: carl can obtain nothing of cleo's work.

Cleo gets notes, a draft with a value on every criterion and a stage judgment, each carrying a
marker string. Carl then requests every URL the permission matrix lets him reach (pages, htmx
fragments, API lists, details and filters, every export kind he may download) and a set of
deliberately bad requests (stale saves, off-scale values, cleo's own ids) for their error
bodies. No marker may appear in any body or header, archives and workbooks decoded member by
member. A second proof needs no markers: every page and API answer carl gets is the same,
byte for byte after the per-request CSRF token, whether cleo's work exists or not; so neither
her values nor any count of them reach him.
"""

import json
import re
import zipfile
from io import BytesIO

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cases.exports.catalogue import KINDS
from cases.models import Assignment, Coding, Criterion, Evidence, Period, StageJudgment
from cases.tests.test_permission_matrix import reverse_with, rule_for, samples, site_names

pytestmark = pytest.mark.django_db

CLEO_NOTE = "CLEO-SECRET-7f3a"
CLEO_DRAFT_NOTE = "CLEO-SECRET-DRAFT-5b1e"
CLEO_VERDICT = "CLEO-VERDICT-91c2"
SECRETS = [CLEO_NOTE, CLEO_DRAFT_NOTE, CLEO_VERDICT]
# On E2 cleo codes every criterion, carl codes nothing: any value carl sees there is hers.
CLEO_E2_VALUES = {"AB-T2-TRANS": 0, "AB-T3-TRUST": 3, "D-RESP": 1}


@pytest.fixture
def shared_item(small_project, people):
    """Carl is assigned E2 too, so his own coding page for it exists beside cleo's draft."""
    e2 = Evidence.objects.get(project=small_project, key="E2")
    Assignment.objects.get_or_create(evidence=e2, coder=people["carl"])
    return e2


def give_cleo_her_secrets(project, people, e2) -> None:
    cleo = people["cleo"]
    Coding.objects.filter(coder=cleo).update(note=CLEO_NOTE)
    for code, value in CLEO_E2_VALUES.items():
        criterion = Criterion.objects.get(codebook=project.codebook, code=code)
        Coding.objects.create(
            evidence=e2, criterion=criterion, coder=cleo, value=value, note=CLEO_DRAFT_NOTE
        )
    for period in Period.objects.filter(dyad__project=project):
        StageJudgment.objects.create(
            period=period, coder=cleo, stage="ascendant", rationale=CLEO_VERDICT
        )


def carls_urls(project, people) -> list[str]:
    """Every GET URL of the matrix that lets carl through, plus filters and every export."""
    values = samples(project, people)
    urls = []
    for name, route in site_names().items():
        rule = None if name.startswith("admin:") else rule_for(name)
        if rule and rule.method == "get" and "carl" in rule.allowed:
            urls.append(reverse_with(name, route, rule, values))
    base = "/api/projects/small/"
    e2 = Evidence.objects.get(project=project, key="E2").pk
    urls += [
        base + "codings/?coder=cleo",
        base + f"codings/?evidence={e2}",
        base + "codings/?value=3&page_size=500",
        base + "codings/?ordering=-coder",
        base + "stage-judgments/?coder=cleo",
        base + "assignments/?coder=cleo",
        base + "evidence/?page_size=500",
        reverse("cases:code", args=["small", e2]),
        reverse("cases:evidence_detail", args=["small", e2]),
        reverse("cases:evidence_list", args=["small"]) + "?criterion=D-RESP",
        reverse("cases:evidence_list", args=["small"]) + "?coded=1",
    ]
    for kind, spec in KINDS.items():
        if spec.needs in ("read", "raw"):
            urls.append(reverse("cases:export_file", args=["small", kind]))
    urls.append(
        reverse("cases:export_file", args=["small", "reliability.csv"]) + "?criterion=D-RESP"
    )
    return urls


def bad_requests(project, people) -> list[tuple[str, str, dict]]:
    """Requests carl may try to pry with: cleo's ids, stale versions, values off the scale."""
    cleo = people["cleo"]
    e2 = Evidence.objects.get(project=project, key="E2").pk
    base = "/api/projects/small/"
    requests = []
    for coding in Coding.objects.filter(coder=cleo):
        requests += [
            ("get", base + f"codings/{coding.pk}/", {}),
            ("patch", base + f"codings/{coding.pk}/", {"value": 9, "version": 1}),
            ("delete", base + f"codings/{coding.pk}/", {}),
        ]
    for judgment in StageJudgment.objects.filter(coder=cleo):
        requests += [
            ("get", base + f"stage-judgments/{judgment.pk}/", {}),
            ("patch", base + f"stage-judgments/{judgment.pk}/", {"rationale": "x"}),
        ]
    for assignment in Assignment.objects.filter(coder=cleo):
        requests += [
            ("get", base + f"assignments/{assignment.pk}/", {}),
            ("post", base + f"assignments/{assignment.pk}/submit/", {}),
        ]
    save = reverse("cases:save_coding", args=["small", e2, "D-RESP"])
    requests += [
        ("post", save, {"value": "7", "version": "0"}),  # off the scale
        ("post", save, {"value": "x", "version": "0"}),  # not a number
        ("post", save, {"value": "2", "version": "5"}),  # stale: carl has no coding here
        ("post", reverse("cases:save_coding", args=["small", e2, "NO-SUCH"]), {"value": "1"}),
        ("post", base + "codings/", {"evidence": e2, "criterion": "D-RESP", "value": 1}),
        ("post", base + "codings/", {"evidence": e2, "criterion": "D-RESP", "value": 1}),
        ("post", base + "codings/", {"evidence": e2, "criterion": "D-RESP", "value": 42}),
        ("post", base + "stage-judgments/", {"period": "P1", "stage": "none"}),
    ]
    for period in Period.objects.filter(dyad__project=project):
        judge = reverse("cases:save_judgment", args=["small", period.pk])
        requests += [
            ("post", judge, {"stage": "nope"}),
            ("post", judge, {"stage": "none", "version": "99"}),
        ]
    return requests


def readable(response) -> str:
    """The body as text, and for a zip (xlsx, qdpx, replication package) every member's text;
    headers too, since a filename or a custom header could carry a value."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    parts = [data]
    if data[:2] == b"PK":
        with zipfile.ZipFile(BytesIO(data)) as archive:
            parts += [archive.read(name) for name in archive.namelist()]
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    return headers + "\n" + "\n".join(p.decode("utf-8", "replace") for p in parts)


def crawl_for(client: Client, urls, marker: str) -> tuple[int, list[str]]:
    """Every url as a page and as an htmx fragment, each from a cold cache: how many answered
    200, and which of them (url and headers) carried ``marker`` anywhere a reader could read."""
    answered, leaks = 0, []
    for url in urls:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            cache.clear()
            response = client.get(url, **headers)
            assert response.status_code < 500, url
            answered += response.status_code == 200
            if marker in readable(response):
                leaks.append(f"{url} {headers}")
    return answered, leaks


def carl(people) -> Client:
    client = Client()
    client.force_login(people["carl"])
    return client


def test_no_response_carl_can_obtain_holds_any_of_cleos_secrets(small_project, people, shared_item):
    give_cleo_her_secrets(small_project, people, shared_item)
    client = carl(people)
    seen = 0
    leaks = []
    for url in carls_urls(small_project, people):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):  # the page, and its htmx fragment
            cache.clear()
            response = client.get(url, **headers)
            assert response.status_code < 500, url
            seen += response.status_code == 200
            text = readable(response)
            leaks += [f"{url} {headers}: {s}" for s in SECRETS if s in text]
    for method, url, body in bad_requests(small_project, people):
        cache.clear()
        if method in ("get", "delete"):
            response = getattr(client, method)(url)
        elif url.startswith("/api/"):
            response = getattr(client, method)(url, json.dumps(body), "application/json")
        else:
            response = client.post(url, body)
        assert response.status_code < 500, (method, url)
        text = readable(response)
        leaks += [f"{method} {url}: {s}" for s in SECRETS if s in text]
    assert leaks == []
    assert seen > 40, "too few pages answered to prove anything"


def test_cleos_rows_by_id_are_404_and_unchanged(small_project, people, shared_item):
    give_cleo_her_secrets(small_project, people, shared_item)
    before = list(Coding.objects.filter(coder=people["cleo"]).values_list("pk", "value", "note"))
    client = carl(people)
    for coding_pk, _, _ in before:
        response = client.patch(
            f"/api/projects/small/codings/{coding_pk}/",
            {"value": 0, "version": 1},
            content_type="application/json",
        )
        assert response.status_code == 404
    after = list(Coding.objects.filter(coder=people["cleo"]).values_list("pk", "value", "note"))
    assert after == before


CSRF = re.compile(rb'(csrfmiddlewaretoken" value="|"X-CSRFToken": ?"|csrf-token" content=")[^"]+')


def comparable(response) -> bytes:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return CSRF.sub(rb"\1", data)


def test_carls_pages_and_api_answers_are_identical_with_or_without_cleos_work(
    small_project, people, shared_item
):
    """No marker needed: if cleo's values, notes, verdicts or their counts reached carl in any
    form, some answer would change when her work is added."""
    changed = changed_answers(carl(people), small_project, people, shared_item)
    assert changed == []


def test_the_same_comparison_does_notice_cleos_work_when_a_reviewer_asks(
    small_project, people, shared_item
):
    """The control: the method above is sensitive enough to see her work where it is allowed."""
    rita = Client()
    rita.force_login(people["rita"])
    changed = changed_answers(rita, small_project, people, shared_item)
    assert "/api/projects/small/codings/?coder=cleo" in changed
    assert "/api/projects/small/stage-judgments/?coder=cleo" in changed


def changed_answers(client, small_project, people, shared_item) -> list[str]:
    urls = [u for u in carls_urls(small_project, people) if "/exports/" not in u]

    def answers():
        result = {}
        for url in urls:
            cache.clear()
            response = client.get(url)
            result[url] = (response.status_code, comparable(response))
        return result

    without = answers()
    give_cleo_her_secrets(small_project, people, shared_item)
    with_hers = answers()
    return [url for url in urls if without[url] != with_hers[url]]
