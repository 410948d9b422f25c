"""Every API endpoint against every persona, as DESIGN.md's permission table says:

- ada, admin: reads everything; edits the project, members, codebook, dyads, assignments;
- rita, reviewer: reads everything including raw codings; adjudicates, overrides, agreement;
- carl and cleo, coders: read the project; write evidence and sources; code and judge as
  themselves only; never see each other's codings, notes, judgments or assignments;
- otto, observer: reads the project, consensus and reports; no raw codings at all;
- olaf, outsider: 404 on every URL of the project; nobody signed in: 401.

Writes are probed with an empty body: a persona the rule lets through gets 400 (the body is
invalid, nothing is written); the others get 403, 404 or 401 before the body is looked at.
"""

import json

import pytest
from rest_framework.test import APIClient

from cases.models import Coding, Consensus, Evidence, Period, StageJudgment

pytestmark = pytest.mark.django_db

BASE = "/api/projects/small/"
MEMBERS = ["ada", "rita", "carl", "cleo", "otto"]
CLEO_NOTE = "CLEO-PRIVATE-NOTE"
CLEO_VERDICT = "CLEO-PRIVATE-VERDICT"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def secrets(people):
    """Cleo's own words, which only she, the admin and the reviewer may ever read."""
    Coding.objects.filter(coder=people["cleo"]).update(note=CLEO_NOTE)
    p1 = Period.objects.get(code="P1")
    return StageJudgment.objects.create(
        period=p1, coder=people["cleo"], stage="none", rationale=CLEO_VERDICT
    )


def client_for(people, username: str | None) -> APIClient:
    client = APIClient()
    if username:
        client.force_login(people[username])
    return client


def ids(small_project, people) -> dict[str, int]:
    return {
        "member": small_project.memberships.get(user__username="carl").pk,
        "criterion": small_project.codebook.criteria.get(code="D-RESP").pk,
        "dyad": small_project.dyads.get().pk,
        "period": Period.objects.get(code="P1").pk,
        "source": small_project.sources.get().pk,
        "evidence": Evidence.objects.get(key="E1").pk,
        "consensus": Consensus.objects.filter(evidence__key="E1").first().pk,
        "override": Period.objects.get(code="P2").overrides.get().pk,
    }


# What every member reads (DESIGN.md: project, codebook, evidence, sources, consensus, reports).
SHARED_READS = [
    "",
    "members/",
    "members/{member}/",
    "codebook/",
    "criteria/",
    "criteria/{criterion}/",
    "dyads/",
    "dyads/{dyad}/",
    "periods/",
    "periods/{period}/",
    "sources/",
    "sources/{source}/",
    "evidence/",
    "evidence/{evidence}/",
    "consensus/",
    "consensus/{consensus}/",
    "period-overrides/",
    "period-overrides/{override}/",
    "reports/FRA-DEU/",
]
RAW_READS = ["codings/", "stage-judgments/", "assignments/"]  # admin, reviewer; coders: own
REVIEW_READS = ["agreement/"]

# Who may write where: the persona(s) let through, and what they get for an empty body (400:
# invalid; 200: an empty PATCH of a record without a version changes nothing). The rest: 403.
WRITES = [
    ("patch", "", ["ada"], 200),
    ("post", "members/", ["ada"], 400),
    ("patch", "members/{member}/", ["ada"], 200),
    ("post", "criteria/", ["ada"], 400),
    ("patch", "criteria/{criterion}/", ["ada"], 200),
    ("post", "dyads/", ["ada"], 400),
    ("post", "periods/", ["ada"], 400),
    ("post", "sources/", ["ada", "rita", "carl", "cleo"], 400),
    ("patch", "sources/{source}/", ["ada", "rita", "carl", "cleo"], 200),
    ("post", "evidence/", ["ada", "rita", "carl", "cleo"], 400),
    ("patch", "evidence/{evidence}/", ["ada", "rita", "carl", "cleo"], 400),
    ("post", "assignments/", ["ada"], 400),
    ("post", "codings/", ["carl", "cleo"], 400),
    ("post", "consensus/", ["ada", "rita"], 400),
    ("patch", "consensus/{consensus}/", ["ada", "rita"], 400),
    ("post", "period-overrides/", ["ada", "rita"], 400),
    ("patch", "period-overrides/{override}/", ["ada", "rita"], 400),
    ("post", "stage-judgments/", ["carl", "cleo"], 400),
]
# Deletes: the persona let through meets the record's own rule (409: still referred to).
DELETES = [
    ("members/{member}/", ["ada"], 409),  # carl has codes: his membership stays
    ("criteria/{criterion}/", ["ada"], 409),
    ("dyads/{dyad}/", ["ada"], 409),
    ("periods/{period}/", ["ada"], 409),
    ("sources/{source}/", ["ada"], 409),
    ("evidence/{evidence}/?version=1", ["ada"], 409),
    ("period-overrides/{override}/", ["ada", "rita"], 400),  # no version sent
]


def every_url(small_project, people) -> list[tuple[str, str]]:
    known = ids(small_project, people)
    urls = [("get", BASE + p.format(**known)) for p in SHARED_READS + RAW_READS + REVIEW_READS]
    urls += [(method, BASE + p.format(**known)) for method, p, _, _ in WRITES]
    urls += [("delete", BASE + p.format(**known)) for p, _, _ in DELETES]
    coding = Coding.objects.filter(evidence__key="E1").first().pk
    judgment = StageJudgment.objects.first().pk
    assignment = small_project.evidence.get(key="E1").assignments.first().pk
    urls += [
        ("get", BASE + f"codings/{coding}/"),
        ("patch", BASE + f"codings/{coding}/"),
        ("delete", BASE + f"codings/{coding}/"),
        ("get", BASE + f"stage-judgments/{judgment}/"),
        ("get", BASE + f"assignments/{assignment}/"),
        ("post", BASE + f"assignments/{assignment}/submit/"),
        ("post", BASE + f"assignments/{assignment}/reopen/"),
        ("get", BASE + "reports/NO-SUCH/"),
    ]
    return urls


@pytest.mark.parametrize("username", MEMBERS)
@pytest.mark.parametrize("path", SHARED_READS)
def test_every_member_reads_the_shared_resources(people, small_project, username, path):
    url = BASE + path.format(**ids(small_project, people))
    response = client_for(people, username).get(url)
    assert response.status_code == 200, (username, url, response.content[:200])
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("username", "expected"),
    [("ada", 200), ("rita", 200), ("carl", 200), ("cleo", 200), ("otto", 403)],
)
@pytest.mark.parametrize("path", RAW_READS)
def test_raw_codings_judgments_and_assignments_are_not_for_observers(
    people, small_project, username, expected, path
):
    response = client_for(people, username).get(BASE + path)
    assert response.status_code == expected
    if expected == 403:
        assert response.json() == {"detail": "Your role (observer) does not see raw codings."}


@pytest.mark.parametrize(
    ("username", "expected"),
    [("ada", 200), ("rita", 200), ("carl", 403), ("cleo", 403), ("otto", 403)],
)
def test_only_admins_and_reviewers_read_the_agreement_figures(people, username, expected):
    assert client_for(people, username).get(BASE + "agreement/").status_code == expected


@pytest.mark.parametrize("username", MEMBERS)
@pytest.mark.parametrize(("method", "path", "allowed", "outcome"), WRITES)
def test_writes_follow_the_permission_table(
    people, small_project, username, method, path, allowed, outcome
):
    url = BASE + path.format(**ids(small_project, people))
    response = getattr(client_for(people, username), method)(url, {}, format="json")
    expected = outcome if username in allowed else 403
    assert response.status_code == expected, (username, method, url, response.content[:300])
    if expected == 403:
        assert "does not allow this" in response.json()["detail"]


@pytest.mark.parametrize("username", MEMBERS)
@pytest.mark.parametrize(("path", "allowed", "outcome"), DELETES)
def test_deletes_follow_the_permission_table(
    people, small_project, username, path, allowed, outcome
):
    url = BASE + path.format(**ids(small_project, people))
    response = client_for(people, username).delete(url)
    assert response.status_code == (outcome if username in allowed else 403)


def test_consensus_decisions_are_never_deleted(people, small_project):
    url = BASE + f"consensus/{ids(small_project, people)['consensus']}/?version=1"
    assert client_for(people, "ada").delete(url).status_code == 405
    assert Consensus.objects.filter(evidence__key="E1").count() == 2


def test_an_outsider_gets_404_on_every_url_of_the_project(people, small_project):
    client = client_for(people, "olaf")
    for method, url in every_url(small_project, people):
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 404, (method, url)
        assert response.json() == {"detail": "No such project."}, (method, url)
    assert client.get("/api/projects/").json()["count"] == 0


def test_nobody_signed_in_gets_401_on_every_url(people, small_project):
    client = client_for(people, None)
    for method, url in [*every_url(small_project, people), ("get", "/api/projects/")]:
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 401, (method, url)
        assert response.json() == {"detail": "Authentication credentials were not provided."}, url


# --- blind coding: a coder never learns another coder's codes ---------------------------------


def test_a_coder_lists_only_their_own_codings(people):
    rows = client_for(people, "carl").get(BASE + "codings/?page_size=500").json()
    assert rows["count"] == 3
    assert {r["coder"] for r in rows["results"]} == {"carl"}


def test_a_coder_filtering_by_another_coder_gets_an_empty_page(people):
    client = client_for(people, "carl")
    for query in ("coder=cleo", "coder=cleo&value=3", "evidence=E1&coder=cleo", "ordering=coder"):
        body = client.get(BASE + "codings/?" + query).json()
        assert all(r["coder"] == "carl" for r in body["results"]), query
        if "cleo" in query:
            assert body["count"] == 0


def test_another_coders_coding_by_id_is_a_404_for_every_method(people):
    cleo_coding = Coding.objects.get(coder=people["cleo"])
    url = BASE + f"codings/{cleo_coding.pk}/"
    client = client_for(people, "carl")
    for method in ("get", "patch", "put", "delete"):
        response = getattr(client, method)(url, {"value": 0, "version": 1}, format="json")
        assert response.status_code == 404, method
        assert response.json() == {"detail": "No Coding matches the given query."}
    cleo_coding.refresh_from_db()
    assert cleo_coding.value == 3


def test_stage_judgments_and_assignments_are_a_coders_own(people, secrets):
    client = client_for(people, "carl")
    judgments = client.get(BASE + "stage-judgments/").json()["results"]
    assert {j["coder"] for j in judgments} == {"carl"}
    assert client.get(BASE + f"stage-judgments/{secrets.pk}/").status_code == 404
    assignments = client.get(BASE + "assignments/?coder=cleo").json()
    assert assignments["count"] == 0
    mine = client.get(BASE + "assignments/").json()["results"]
    assert {a["coder"] for a in mine} == {"carl"}


def test_a_coder_cannot_submit_or_reopen_another_coders_assignment(people):
    cleo_e2 = Evidence.objects.get(key="E2").assignments.get(coder=people["cleo"])
    client = client_for(people, "carl")
    assert client.post(BASE + f"assignments/{cleo_e2.pk}/submit/").status_code == 404
    cleo_e2.refresh_from_db()
    assert cleo_e2.status == "assigned"


def test_a_coder_does_not_see_the_consensus_of_an_item_they_still_code(people):
    e2 = Evidence.objects.get(key="E2")
    criterion = e2.project.codebook.criteria.get(code="D-RESP")
    Consensus.objects.create(evidence=e2, criterion=criterion, value=1, method="adjudicated")
    cleo = client_for(people, "cleo").get(BASE + "consensus/?evidence=E2").json()
    assert cleo["count"] == 0  # cleo is assigned E2 and has not submitted it
    carl = client_for(people, "carl").get(BASE + "consensus/?evidence=E2").json()
    assert carl["count"] == 1


@pytest.mark.parametrize("username", ["carl", "otto"])
def test_no_read_route_shows_cleos_notes_or_verdicts_to_others(
    people, small_project, secrets, username
):
    client = client_for(people, username)
    for method, url in every_url(small_project, people):
        if method != "get":
            continue
        body = client.get(url + ("?page_size=500" if url.endswith("s/") else "")).content
        text = body.decode()
        assert CLEO_NOTE not in text, url
        assert CLEO_VERDICT not in text, url
    # while the admin and the reviewer do read them
    for reader in ("ada", "rita"):
        reader_client = client_for(people, reader)
        assert CLEO_NOTE in reader_client.get(BASE + "codings/?coder=cleo").content.decode()
        assert CLEO_VERDICT in reader_client.get(BASE + "stage-judgments/").content.decode()


def test_a_coders_conflict_body_holds_only_their_own_row(people):
    """A 409 carries the current record: for a coder it can only ever be their own."""
    client = client_for(people, "cleo")
    response = client.post(
        BASE + "stage-judgments/",
        {"dyad": "FRA-DEU", "period": "P2", "stage": "nascent"},
        format="json",
    )
    assert response.status_code == 201  # carl has a judgment of P2; cleo's is new, not a 409
    again = client.post(
        BASE + "stage-judgments/",
        {"dyad": "FRA-DEU", "period": "P2", "stage": "none"},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["current"]["coder"] == "cleo"
    assert "mature" not in json.dumps(again.json())  # carl's verdict on P2


def test_a_coder_creates_codings_only_as_themselves(people):
    response = client_for(people, "cleo").post(
        BASE + "codings/",
        {"evidence": "E2", "criterion": "D-RESP", "value": 2, "coder": "carl"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["coder"] == "cleo"
    assert Coding.objects.get(evidence__key="E2").coder == people["cleo"]


def test_a_coder_reading_a_report_gets_no_coders_verdicts_or_agreement(people, secrets):
    report = client_for(people, "carl").get(BASE + "reports/FRA-DEU/").json()
    assert report["stage_judgments"] is None
    assert report["agreement"] is None
    full = client_for(people, "rita").get(BASE + "reports/FRA-DEU/").json()
    assert full["stage_judgments"] is not None
