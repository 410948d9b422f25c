"""The API's resources: filters give the right rows, writes are validated field by field, stale
writes are refused with 409 and change nothing, lists are paginated, tokens authenticate.

The small project (conftest): dyad FRA-DEU with P1 1945–1962 and P2 1963–; sources doe2020;
evidence E1 (1951, agreement), E2 (1963-01-22, P2, agreement), E3 (1990/1999, survey);
codings: carl E1 {TRANS 2, RESP 1} submitted, cleo E1 {TRANS 3} submitted, carl E3 {TRUST 3}
draft; cleo is assigned E2 (draft, nothing coded); consensus E1 TRANS = 2 by rita; override
P2 TRUST = 2 by rita; judgments: carl P2 mature/tightly, carl P1 nascent.
"""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient

from cases.bundles import import_bundle, parse_bundle
from cases.coding.actions import save_coding, submit_assignment
from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Evidence,
    Period,
    PeriodOverride,
    Project,
    Source,
    StageJudgment,
)

pytestmark = pytest.mark.django_db

BASE = "/api/projects/small/"
# A page of a list, plus the throttle's count in the shared cache (a table of the database by
# default: a read, then a count, a read and a write to store it).
API_QUERIES = 11


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The fixtures create accounts; the default hasher takes a good part of a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api(people):
    """An API client signed in as one of the small project's people: api("carl")."""

    def signed_in(username: str) -> APIClient:
        client = APIClient()
        client.force_login(people[username])
        return client

    return signed_in


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def keys(response, field: str = "key") -> list:
    return [row[field] for row in results(response)]


# --- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["E1", "E2", "E3"]),
        ("dyad=FRA-DEU", ["E1", "E2", "E3"]),
        ("dyad=DEU-FRA", ["E1", "E2", "E3"]),
        ("dyad=TUR-AZE", []),
        ("period=P1", ["E1"]),
        ("period=P2", ["E2", "E3"]),
        ("date_from=1963", ["E2", "E3"]),
        ("date_to=1963-01", ["E1", "E2"]),
        ("date_from=1995&date_to=1996", ["E3"]),
        ("evidence_type=survey", ["E3"]),
        ("source=doe2020", ["E1", "E2", "E3"]),
        ("source=nobody", []),
        ("q=treaty", ["E1", "E2"]),
        ("q=elysee", ["E2"]),  # accents do not matter (DESIGN.md)
        ("q=ELYSEE treaty", ["E2"]),
        ("q=elysee nowhere", []),
        ("q=Élysée friendship", ["E2"]),
        ("ordering=-key", ["E3", "E2", "E1"]),
        ("ordering=-date", ["E3", "E2", "E1"]),
    ],
)
def test_evidence_filters_give_the_matching_items(api, query, expected):
    found = keys(api("otto").get(BASE + "evidence/?" + query))
    if query.startswith("q="):
        # Which items match; on PostgreSQL they come in order of relevance, which
        # tests/evidence/test_search.py checks on its own.
        found = sorted(found)
    assert found == expected


def test_an_evidence_item_reads_with_its_citation_fields_and_period(api):
    (row,) = results(api("otto").get(BASE + "evidence/?key=E3"))
    assert row["dyad"] == "FRA-DEU"
    assert row["period"] == "P2"
    assert (row["date"], row["date_start"], row["date_end"]) == (
        "1990/1999",
        "1990-01-01",
        "1999-12-31",
    )
    assert (row["source"], row["locator"], row["footnote"]) == ("doe2020", "88", "9")
    assert row["version"] == 1


def test_a_malformed_date_filter_is_a_400_naming_the_filter(api):
    response = api("otto").get(BASE + "evidence/?date_from=19x5")
    assert response.status_code == 400
    assert "date_from" in response.json()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [("E1", "AB-T2-TRANS", "carl"), ("E1", "AB-T2-TRANS", "cleo"),
              ("E1", "D-RESP", "carl"), ("E3", "AB-T3-TRUST", "carl")]),
        ("coder=cleo", [("E1", "AB-T2-TRANS", "cleo")]),
        ("criterion=D-RESP", [("E1", "D-RESP", "carl")]),
        ("value=3", [("E1", "AB-T2-TRANS", "cleo"), ("E3", "AB-T3-TRUST", "carl")]),
        ("evidence=E3", [("E3", "AB-T3-TRUST", "carl")]),
        ("submitted=false", [("E3", "AB-T3-TRUST", "carl")]),
        ("submitted=true&coder=carl", [("E1", "AB-T2-TRANS", "carl"), ("E1", "D-RESP", "carl")]),
        ("period=P2", [("E3", "AB-T3-TRUST", "carl")]),
        ("ordering=-value", [("E1", "AB-T2-TRANS", "cleo"), ("E3", "AB-T3-TRUST", "carl"),
                             ("E1", "AB-T2-TRANS", "carl"), ("E1", "D-RESP", "carl")]),
    ],
)  # fmt: skip
def test_coding_filters_give_the_matching_codings(api, query, expected):
    rows = results(api("rita").get(BASE + "codings/?" + query))
    assert [(r["evidence"], r["criterion"], r["coder"]) for r in rows] == expected


def test_a_coding_reads_with_its_value_note_and_submission(api):
    (row,) = results(api("rita").get(BASE + "codings/?criterion=D-RESP"))
    assert (row["value"], row["note"], row["submitted"], row["version"]) == (
        1,
        "only elites",
        True,
        1,
    )


TRANS = ("E1", "AB-T2-TRANS", "adjudicated")
RESP = ("E1", "D-RESP", "adjudicated")  # the bundle's decision left D-RESP out: not coded


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [TRANS, RESP]),
        ("method=adjudicated", [TRANS, RESP]),
        ("method=unanimous", []),
        ("criterion=D-RESP", [RESP]),
        ("not_coded=true", [RESP]),
        ("value=2", [TRANS]),
        ("decided_by=rita&criterion=AB-T2-TRANS", [TRANS]),
        ("ordering=-criterion", [RESP, TRANS]),
    ],
)
def test_consensus_filters_give_the_matching_decisions(api, query, expected):
    rows = results(api("otto").get(BASE + "consensus/?" + query))
    assert [(r["evidence"], r["criterion"], r["method"]) for r in rows] == expected


def test_a_consensus_decision_reads_with_who_decided_and_why(api):
    (row,) = results(api("otto").get(BASE + "consensus/?criterion=AB-T2-TRANS"))
    assert (row["value"], row["decided_by"], row["rationale"]) == (
        2,
        "rita",
        "Treaty is institutional, not yet broad.",
    )


def test_dyads_list_their_periods_in_order(api):
    (dyad,) = results(api("carl").get(BASE + "dyads/"))
    assert (dyad["code"], dyad["state_a"], dyad["state_b"]) == ("FRA-DEU", "FRA", "DEU")
    assert [(p["code"], p["start_year"], p["end_year"]) for p in dyad["periods"]] == [
        ("P1", 1945, 1962),
        ("P2", 1963, None),
    ]


def test_the_codebook_reads_with_its_scale(api):
    response = api("otto").get(BASE + "codebook/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Test codebook"
    assert [(s["value"], s["label"]) for s in body["scale"]] == [
        (0, "absent"),
        (1, "weak"),
        (2, "moderate"),
        (3, "strong"),
    ]


def test_criteria_filter_by_framework_and_carry_forward(api):
    assert keys(api("otto").get(BASE + "criteria/?framework=Deutsch"), "code") == ["D-RESP"]
    assert keys(api("otto").get(BASE + "criteria/?carry_forward=true"), "code") == [
        "AB-T2-TRANS",
        "D-RESP",
    ]


def test_a_project_lists_with_the_requesters_role(api):
    rows = results(api("rita").get("/api/projects/"))
    assert [(r["slug"], r["role"], r["codebook"]["name"]) for r in rows] == [
        ("small", "reviewer", "Test codebook")
    ]
    assert api("carl").get(BASE).json()["role"] == "coder"


def test_the_report_of_a_dyad_is_served_in_either_order_of_its_states(api):
    response = api("otto").get(BASE + "reports/DEU-FRA/")
    assert response.status_code == 200
    body = response.json()
    assert body["dyad"]["code"] == "FRA-DEU"
    assert [p["code"] for p in body["periods"]] == ["P1", "P2"]
    assert api("otto").get(BASE + "reports/TUR-AZE/").status_code == 404


def test_the_agreement_table_has_the_review_modules_rows(api):
    rows = results(api("rita").get(BASE + "agreement/?page_size=500"))
    overall = [r for r in rows if r["scope"] == "overall"]
    assert [r["measure"] for r in overall] == ["application", "value"]
    assert {r["key"] for r in rows if r["scope"] == "criterion"} == {
        "AB-T2-TRANS",
        "AB-T3-TRUST",
        "D-RESP",
    }
    assert overall[0]["n_units"] == 3  # E1 x three criteria, the one item both submitted


def test_an_unknown_dyad_in_the_agreement_filter_is_a_400(api):
    response = api("rita").get(BASE + "agreement/?dyad=TUR-AZE")
    assert response.status_code == 400
    assert "dyad" in response.json()


# --- pagination ------------------------------------------------------------------------------


def test_lists_are_paginated_with_a_page_size_the_client_may_choose(api):
    first = api("otto").get(BASE + "evidence/?page_size=2").json()
    assert first["count"] == 3
    assert [r["key"] for r in first["results"]] == ["E1", "E2"]
    assert first["next"].endswith("page=2&page_size=2")
    second = api("otto").get(first["next"]).json()
    assert [r["key"] for r in second["results"]] == ["E3"]
    assert second["next"] is None


def test_a_page_past_the_end_is_a_404(api):
    assert api("otto").get(BASE + "evidence/?page=9").status_code == 404


def test_the_page_size_is_capped_at_500(api, small_project):
    source = Source.objects.get(project=small_project)
    dyad = small_project.dyads.get()
    Evidence.objects.bulk_create(
        Evidence(
            project=small_project,
            key=f"X{n:03d}",
            dyad=dyad,
            period=dyad.periods.get(code="P2"),
            date="1970",
            date_start="1970-01-01",
            date_end="1970-12-31",
            source=source,
            evidence_type="event",
            quote="q",
        )
        for n in range(510)
    )
    body = api("otto").get(BASE + "evidence/?page_size=1000").json()
    assert body["count"] == 513
    assert len(body["results"]) == 500


def test_a_list_costs_the_same_queries_whatever_its_length(
    api, small_project, django_assert_max_num_queries
):
    client = api("rita")
    for path in ("evidence/", "codings/", "consensus/", "assignments/", "stage-judgments/"):
        with django_assert_max_num_queries(API_QUERIES):
            results(client.get(BASE + path + "?page_size=500"))


# --- writes: validation, field by field --------------------------------------------------------

NEW_ITEM = {
    "key": "E4",
    "dyad": "FRA-DEU",
    "date": "1955-05",
    "source": "doe2020",
    "locator": "20–21",
    "evidence_type": "event",
    "quote": "Paris agreements in force.",
}


def test_new_evidence_is_placed_in_the_period_of_its_date(api, people):
    response = api("cleo").post(BASE + "evidence/", NEW_ITEM, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["key"], body["period"], body["created_by"], body["version"]) == (
        "E4",
        "P1",
        "cleo",
        1,
    )
    item = Evidence.objects.get(key="E4")
    assert (item.period.code, item.created_by, str(item.date_end)) == (
        "P1",
        people["cleo"],
        "1955-05-31",
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"date": "1955-13"}, "date", "not a valid date"),
        ({"date": ""}, "date", "may not be blank"),
        ({"locator": "p. 20"}, "locator", "is not a page locator"),
        ({"dyad": "TUR-AZE"}, "dyad", 'No dyad "TUR-AZE" in this project.'),
        ({"source": "smith1999"}, "source", 'No source "smith1999" in this project.'),
        ({"period": "P2"}, "period", "start year 1955 is not in P2"),
        ({"period": "P9"}, "period", 'FRA-DEU has no period "P9".'),
        ({"date": "1930"}, "date", "1930 falls outside every period"),
        ({"quote": ""}, "quote", "may not be blank"),
        ({"key": "E1"}, "key", 'The key "E1" is already used in this project.'),
        ({"evidence_type": "rumour"}, "evidence_type", "is not a valid choice"),
        ({"dyad": 7}, "dyad", "Give the dyad as text"),
    ],
)
def test_invalid_evidence_is_refused_with_the_field_named(api, change, field, message):
    response = api("cleo").post(BASE + "evidence/", NEW_ITEM | change, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert message in " ".join(errors[field]), errors
    assert not Evidence.objects.filter(key="E4").exists()


def test_an_evidence_update_with_its_version_moves_the_item_by_its_new_date(api):
    item = Evidence.objects.get(key="E1")
    response = api("carl").patch(
        BASE + f"evidence/{item.pk}/", {"date": "1970", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["period"], response.json()["version"]) == ("P2", 2)
    item.refresh_from_db()
    assert (item.date, item.period.code, item.version) == ("1970", "P2", 2)


def test_an_update_without_a_version_is_refused_naming_the_version(api):
    item = Evidence.objects.get(key="E1")
    response = api("carl").patch(BASE + f"evidence/{item.pk}/", {"summary": "x"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()
    item.refresh_from_db()
    assert item.summary == "ECSC founded."


def test_a_stale_evidence_update_is_a_409_that_changes_nothing(api):
    item = Evidence.objects.get(key="E1")
    first = api("carl").patch(
        BASE + f"evidence/{item.pk}/", {"summary": "first", "version": 1}, format="json"
    )
    assert first.status_code == 200
    stale = api("cleo").patch(
        BASE + f"evidence/{item.pk}/", {"summary": "second", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    body = stale.json()
    assert "version 1 was sent, the current one is 2" in body["detail"]
    assert (body["current_version"], body["current"]["summary"]) == (2, "first")
    item.refresh_from_db()
    assert (item.summary, item.version) == ("first", 2)


def test_if_match_with_the_etag_of_a_read_guards_an_update(api):
    item = Evidence.objects.get(key="E1")
    client = api("carl")
    etag = client.get(BASE + f"evidence/{item.pk}/")["ETag"]
    assert etag == '"1"'
    ok = client.patch(
        BASE + f"evidence/{item.pk}/", {"summary": "a"}, format="json", HTTP_IF_MATCH=etag
    )
    assert ok.status_code == 200
    again = client.patch(
        BASE + f"evidence/{item.pk}/", {"summary": "b"}, format="json", HTTP_IF_MATCH=etag
    )
    assert again.status_code == 412
    item.refresh_from_db()
    assert (item.summary, item.version) == ("a", 2)


def test_sources_have_content_etags_that_guard_updates(api):
    source = Source.objects.get(key="doe2020")
    client = api("carl")
    etag = client.get(BASE + f"sources/{source.pk}/")["ETag"]
    csl = {"type": "book", "title": "Neighbours, revised"}
    assert (
        client.patch(
            BASE + f"sources/{source.pk}/", {"csl": csl}, format="json", HTTP_IF_MATCH=etag
        ).status_code
        == 200
    )
    stale = client.patch(
        BASE + f"sources/{source.pk}/",
        {"csl": {"type": "book", "title": "Other"}},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert stale.status_code == 412
    source.refresh_from_db()
    assert source.title == "Neighbours, revised"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"key": "Doe2020", "csl": {"type": "book", "title": "T"}}, "key", "keys ignore case"),
        ({"key": "two words", "csl": {"type": "book", "title": "T"}}, "key", "cannot be a key"),
        ({"key": "x1", "csl": {"type": "book"}}, "csl", '"title" is missing'),
        ({"key": "x1", "csl": {"type": "novel", "title": "T"}}, "csl", "is not a CSL type"),
        ({"key": "x1", "csl": ["not", "an", "object"]}, "csl", "one CSL-JSON object"),
        ({"key": "x1", "csl": {"type": "book", "title": "T\u0000"}}, "csl", "NUL"),
    ],
)
def test_invalid_sources_are_refused_with_the_field_named(api, data, field, message):
    response = api("rita").post(BASE + "sources/", data, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert Source.objects.count() == 1


def test_a_new_source_copies_title_authors_and_year_out_of_its_csl(api):
    csl = {
        "type": "article-journal",
        "title": "Trust",
        "author": [{"family": "Roe", "given": "R."}],
        "issued": {"date-parts": [[1999]]},
    }
    response = api("carl").post(BASE + "sources/", {"key": "roe1999", "csl": csl}, format="json")
    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("title", "authors", "year")} == {
        "title": "Trust",
        "authors": "Roe",
        "year": 1999,
    }


def test_a_cited_source_or_a_period_with_evidence_cannot_be_deleted(api):
    source = Source.objects.get(key="doe2020")
    p1 = Period.objects.get(code="P1")
    client = api("ada")
    assert client.delete(BASE + f"sources/{source.pk}/").status_code == 409
    assert client.delete(BASE + f"periods/{p1.pk}/").status_code == 409
    assert Source.objects.filter(pk=source.pk).exists()
    assert Period.objects.filter(pk=p1.pk).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "P3", "start_year": 1950, "end_year": 1955}, "non_field_errors", "overlaps P1"),
        ({"code": "P1", "start_year": 1900, "end_year": 1910}, "code", "already has a period P1"),
        ({"code": "P0", "start_year": 1910, "end_year": 1900}, "end_year", "cannot end before"),
        ({"code": "P0", "start_year": 99999}, "start_year", "less than or equal to 9999"),
    ],
)
def test_invalid_periods_are_refused(api, data, field, message):
    response = api("ada").post(BASE + "periods/", {"dyad": "FRA-DEU", **data}, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field]), response.json()
    assert Period.objects.count() == 2


def test_a_period_cannot_shrink_away_from_its_evidence(api):
    p1 = Period.objects.get(code="P1")
    response = api("ada").patch(BASE + f"periods/{p1.pk}/", {"end_year": 1950}, format="json")
    assert response.status_code == 400
    assert "1 evidence item(s) of P1 would fall outside" in response.json()["start_year"][0]
    p1.refresh_from_db()
    assert p1.end_year == 1962


def test_a_new_dyad_is_refused_when_its_pair_exists_in_the_other_order(api):
    response = api("ada").post(
        BASE + "dyads/",
        {"code": "DEU-FRA", "state_a": "DEU", "state_b": "FRA", "name": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "already in this project as FRA-DEU" in str(response.json())


def test_a_criterion_code_never_changes(api, small_project):
    criterion = small_project.codebook.criteria.get(code="D-RESP")
    response = api("ada").patch(
        BASE + f"criteria/{criterion.pk}/", {"code": "D-RESP2"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == ["A criterion's code cannot change once created."]
    renamed = api("ada").patch(
        BASE + f"criteria/{criterion.pk}/", {"name": "Responsiveness"}, format="json"
    )
    assert renamed.json()["name"] == "Responsiveness"


def test_the_only_admin_cannot_be_demoted_or_removed(api, small_project):
    ada = small_project.memberships.get(user__username="ada")
    client = api("ada")
    demoted = client.patch(BASE + f"members/{ada.pk}/", {"role": "coder"}, format="json")
    assert demoted.status_code == 409
    assert "only admin" in demoted.json()["detail"]
    assert client.delete(BASE + f"members/{ada.pk}/").status_code == 409
    ada.refresh_from_db()
    assert ada.role == "admin"


def test_an_admin_adds_a_member_by_username(api, small_project):
    client = api("ada")
    response = client.post(BASE + "members/", {"username": "olaf", "role": "observer"})
    assert response.status_code == 201, response.content
    assert small_project.memberships.get(user__username="olaf").role == "observer"
    again = client.post(BASE + "members/", {"username": "olaf", "role": "coder"}, format="json")
    assert again.status_code == 400
    assert "already a member" in again.json()["username"][0]
    unknown = client.post(BASE + "members/", {"username": "nobody", "role": "coder"})
    assert unknown.json()["username"] == ['No user "nobody" on this server.']


# --- codings: the coder's own, through the coding page's rules ---------------------------------


def e(key: str) -> Evidence:
    return Evidence.objects.get(key=key)


def test_a_coder_codes_an_item_assigned_to_them(api, people):
    response = api("cleo").post(
        BASE + "codings/",
        {"evidence": "E2", "criterion": "D-RESP", "value": 0, "note": "contrary"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["coder"], body["value"], body["version"], body["submitted"]) == (
        "cleo",
        0,
        1,
        False,
    )
    coding = Coding.objects.get(evidence=e("E2"), coder=people["cleo"])
    assert (coding.criterion.code, coding.value, coding.note) == ("D-RESP", 0, "contrary")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"evidence": "E3"}, "evidence", "This item is not assigned to you."),
        (
            {"evidence": "E1"},
            "evidence",
            "You have submitted this item; reopen it to change your codes.",
        ),
        ({"value": 7}, "value", "7 is not on the codebook's scale (0, 1, 2, 3)."),
        ({"criterion": "X-NONE"}, "criterion", 'No criterion "X-NONE" in this project.'),
        ({"evidence": "E9"}, "evidence", 'No evidence item "E9" in this project.'),
    ],
)
def test_codings_outside_the_coders_open_assignments_are_refused(api, data, field, message):
    before = Coding.objects.count()
    response = api("cleo").post(
        BASE + "codings/",
        {"evidence": "E2", "criterion": "D-RESP", "value": 1} | data,
        format="json",
    )
    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert Coding.objects.count() == before


def test_a_coding_that_exists_already_is_a_409_with_the_coders_own_row(api, people):
    client = api("carl")
    Assignment.objects.filter(evidence__key="E1", coder__username="carl").update(status="assigned")
    response = client.post(
        BASE + "codings/", {"evidence": "E1", "criterion": "D-RESP", "value": 3}, format="json"
    )
    assert response.status_code == 409
    assert (response.json()["current"]["value"], response.json()["current"]["coder"]) == (1, "carl")
    assert Coding.objects.get(evidence__key="E1", criterion__code="D-RESP").value == 1


def test_a_stale_coding_update_is_a_409_that_changes_nothing(api, people):
    coding = Coding.objects.get(evidence__key="E3", coder=people["carl"])
    client = api("carl")
    ok = client.patch(BASE + f"codings/{coding.pk}/", {"value": 2, "version": 1}, format="json")
    assert (ok.status_code, ok.json()["value"], ok.json()["version"]) == (200, 2, 2)
    stale = client.patch(BASE + f"codings/{coding.pk}/", {"value": 0, "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    coding.refresh_from_db()
    assert (coding.value, coding.version) == (2, 2)


def test_a_coding_is_cleared_with_its_version(api, people):
    coding = Coding.objects.get(evidence__key="E3", coder=people["carl"])
    client = api("carl")
    assert client.delete(BASE + f"codings/{coding.pk}/").status_code == 400
    assert client.delete(BASE + f"codings/{coding.pk}/?version=5").status_code == 409
    assert client.delete(BASE + f"codings/{coding.pk}/?version=1").status_code == 204
    assert not Coding.objects.filter(pk=coding.pk).exists()


def test_a_submitted_coding_is_not_changed(api, people):
    coding = Coding.objects.get(evidence__key="E1", criterion__code="D-RESP")
    response = api("carl").patch(
        BASE + f"codings/{coding.pk}/", {"value": 3, "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert "reopen it" in response.json()["detail"]
    coding.refresh_from_db()
    assert coding.value == 1


def test_a_coder_submits_and_reopens_their_assignment(api, people):
    assignment = Assignment.objects.get(evidence__key="E3", coder=people["carl"])
    client = api("carl")
    submitted = client.post(BASE + f"assignments/{assignment.pk}/submit/")
    assert (submitted.status_code, submitted.json()["status"]) == (200, "submitted")
    again = client.post(BASE + f"assignments/{assignment.pk}/submit/")
    assert (again.status_code, again.json()["detail"]) == (409, "This item was already submitted.")
    reopened = client.post(BASE + f"assignments/{assignment.pk}/reopen/")
    assert (reopened.status_code, reopened.json()["status"]) == (200, "assigned")


def test_an_adjudicated_item_cannot_be_reopened(api, people):
    assignment = Assignment.objects.get(evidence__key="E1", coder=people["carl"])
    response = api("carl").post(BASE + f"assignments/{assignment.pk}/reopen/")
    assert response.status_code == 409
    assert "Review has started" in response.json()["detail"]
    assignment.refresh_from_db()
    assert assignment.status == "submitted"


def test_an_item_every_coder_submitted_is_reopened_until_a_reviewer_decides(api, people):
    """No reviewer has acted on E1 once rita's decision is gone: carl reopens it through the
    API, and the API's consensus then hides E1 from him until he submits again."""
    Consensus.objects.filter(evidence__key="E1").delete()
    assignment = Assignment.objects.get(evidence__key="E1", coder=people["carl"])
    client = api("carl")
    response = client.post(BASE + f"assignments/{assignment.pk}/reopen/")
    assert (response.status_code, response.json()["status"]) == (200, "assigned")
    rows = results(client.get(BASE + "consensus/?page_size=500"))
    assert [row for row in rows if row["evidence"] == "E1"] == []


def test_an_admin_assigns_and_unassigns_items(api, people):
    client = api("ada")
    response = client.post(BASE + "assignments/", {"evidence": "E3", "coder": "cleo"})
    assert (response.status_code, response.json()["status"]) == (201, "assigned")
    new = Assignment.objects.get(evidence__key="E3", coder=people["cleo"])
    assert client.post(BASE + "assignments/", {"evidence": "E3", "coder": "rita"}).json() == {
        "coder": ['No coder "rita" in this project.']
    }
    assert client.delete(BASE + f"assignments/{new.pk}/").status_code == 204
    coded = Assignment.objects.get(evidence__key="E3", coder=people["carl"])
    assert client.delete(BASE + f"assignments/{coded.pk}/").status_code == 409


# --- decisions: consensus, overrides, stage judgments ------------------------------------------


def test_a_reviewer_revises_a_decision_with_its_version_and_rationale(api, people):
    row = Consensus.objects.get(evidence__key="E1", criterion__code="AB-T2-TRANS")
    client = api("rita")
    no_reason = client.patch(BASE + f"consensus/{row.pk}/", {"value": 3, "version": 1})
    assert no_reason.json() == {
        "rationale": ["Say why you decided so; a decision needs its rationale."]
    }
    ok = client.patch(
        BASE + f"consensus/{row.pk}/",
        {"value": 3, "rationale": "Broad ties.", "version": 1},
        format="json",
    )
    assert (ok.status_code, ok.json()["value"], ok.json()["version"]) == (200, 3, 2)
    stale = client.patch(
        BASE + f"consensus/{row.pk}/",
        {"value": 1, "rationale": "No.", "version": 1},
        format="json",
    )
    assert stale.status_code == 409
    row.refresh_from_db()
    assert (row.value, row.rationale, row.version) == (3, "Broad ties.", 2)


def test_a_decision_that_exists_is_a_409_and_one_on_nothing_coded_a_400(api):
    client = api("ada")
    duplicate = client.post(
        BASE + "consensus/",
        {"evidence": "E1", "criterion": "AB-T2-TRANS", "value": 1, "rationale": "r"},
        format="json",
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["current"]["value"] == 2
    nothing = client.post(
        BASE + "consensus/",
        {"evidence": "E1", "criterion": "AB-T3-TRUST", "value": 1, "rationale": "r"},
        format="json",
    )
    assert nothing.status_code == 400
    assert "No submitted coder coded AB-T3-TRUST on E1" in nothing.json()["criterion"][0]
    assert Consensus.objects.count() == 2


def test_a_decision_over_the_api_is_the_item_pages_decision(api, people, small_project):
    """The API decides through cases.review.adjudication: a unanimous row revised becomes the
    reviewer's decision, and the history keeps both."""
    e3 = Evidence.objects.get(key="E3")
    Assignment.objects.create(evidence=e3, coder=people["cleo"])
    trust = small_project.codebook.criteria.get(code="AB-T3-TRUST")
    save_coding(evidence=e3, criterion=trust, coder=people["cleo"], value=3, note="", version=0)
    for coder in ("carl", "cleo"):
        submit_assignment(evidence=e3, coder=people[coder])
    row = Consensus.objects.get(evidence=e3)  # unanimous: both coded TRUST 3
    client = api("rita")
    created = client.post(
        BASE + "consensus/",
        {"evidence": "E3", "criterion": "AB-T3-TRUST", "value": 2, "rationale": "r"},
        format="json",
    )
    assert created.status_code == 409  # the unanimous row exists: revise it instead
    revised = client.patch(
        BASE + f"consensus/{row.pk}/",
        {"value": 2, "rationale": " Both overstated it. ", "version": row.version},
        format="json",
    )
    assert revised.status_code == 200, revised.content
    body = revised.json()
    assert (body["method"], body["decided_by"], body["rationale"]) == (
        "adjudicated",
        "rita",
        "Both overstated it.",
    )
    assert list(row.history.order_by("history_id").values_list("method", "value")) == [
        ("unanimous", 3),
        ("adjudicated", 2),
    ]


def test_a_reviewer_overrides_a_period_value_with_a_rationale(api, people):
    client = api("rita")
    missing = client.post(
        BASE + "period-overrides/",
        {"dyad": "FRA-DEU", "period": "P1", "criterion": "D-RESP", "value": 1},
        format="json",
    )
    assert missing.status_code == 400
    assert "rationale" in missing.json()
    created = client.post(
        BASE + "period-overrides/",
        {"dyad": "FRA-DEU", "period": "P1", "criterion": "D-RESP", "value": 1, "rationale": "r"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert (created.json()["decided_by"], created.json()["period"]) == ("rita", "P1")
    row = PeriodOverride.objects.get(period__code="P1")
    assert (row.value, row.decided_by) == (1, people["rita"])
    stale = client.patch(
        BASE + f"period-overrides/{row.pk}/", {"value": 3, "version": 7}, format="json"
    )
    assert stale.status_code == 409
    off_scale = client.patch(
        BASE + f"period-overrides/{row.pk}/", {"value": 9, "version": 1}, format="json"
    )
    assert off_scale.json()["value"] == ["9 is not on the codebook's scale (0, 1, 2, 3)."]
    row.refresh_from_db()
    assert (row.value, row.version) == (1, 1)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"stage": "mature"}, "coupling", "A mature community is loosely or tightly coupled"),
        ({"stage": "nascent", "coupling": "loosely"}, "coupling", "Only a mature community"),
        ({"period": "P7"}, "period", 'FRA-DEU has no period "P7".'),
        ({"dyad": "XXX-YYY"}, "dyad", 'No dyad "XXX-YYY" in this project.'),
        ({"stage": "stable"}, "stage", "is not a valid choice"),
    ],
)
def test_invalid_stage_judgments_are_refused(api, data, field, message):
    response = api("cleo").post(
        BASE + "stage-judgments/",
        {"dyad": "FRA-DEU", "period": "P1", "stage": "nascent"} | data,
        format="json",
    )
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not StageJudgment.objects.filter(coder__username="cleo").exists()


def test_a_coder_records_and_revises_a_stage_judgment(api, people):
    client = api("cleo")
    created = client.post(
        BASE + "stage-judgments/",
        {"dyad": "FRA-DEU", "period": "P2", "stage": "mature", "coupling": "loosely"},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    again = client.post(
        BASE + "stage-judgments/",
        {"dyad": "FRA-DEU", "period": "P2", "stage": "nascent"},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["current"]["coder"] == "cleo"
    revised = client.patch(
        BASE + f"stage-judgments/{pk}/",
        {"stage": "ascendant", "coupling": None, "version": 1},
        format="json",
    )
    assert (revised.status_code, revised.json()["stage"]) == (200, "ascendant")
    judgment = StageJudgment.objects.get(pk=pk)
    assert (judgment.stage, judgment.coupling, judgment.coder) == (
        "ascendant",
        None,
        people["cleo"],
    )


# --- authentication and throttling --------------------------------------------------------------


def test_a_token_from_the_command_authenticates_api_calls(people, capsys):
    call_command("create_api_token", "otto")
    token = capsys.readouterr().out.strip()
    assert len(token) == 40
    client = APIClient()
    response = client.get("/api/projects/", HTTP_AUTHORIZATION=f"Token {token}")
    assert [p["slug"] for p in results(response)] == ["small"]
    call_command("create_api_token", "otto", "--reset")
    assert client.get("/api/projects/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_a_signed_in_user_gets_and_revokes_their_token(api):
    client = api("carl")
    token = client.post("/api/token/").json()["token"]
    assert client.post("/api/token/").json()["token"] == token
    other = APIClient()
    assert other.get(BASE, HTTP_AUTHORIZATION=f"Token {token}").json()["role"] == "coder"
    assert client.delete("/api/token/").status_code == 204
    assert other.get(BASE, HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_a_signed_out_request_is_a_401_asking_for_a_token():
    response = APIClient().get("/api/projects/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_session_writes_need_the_csrf_token(people):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(people["ada"])
    response = client.post(BASE + "members/", {"username": "olaf", "role": "observer"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_the_api_is_throttled_per_user(api, settings):
    settings.SCCODER_API_USER_RATE = "2/minute"
    client = api("otto")
    assert [client.get(BASE).status_code for _ in range(3)] == [200, 200, 429]
    assert int(client.get(BASE)["Retry-After"]) > 0


def test_an_unknown_create_api_token_user_is_an_error(db):
    with pytest.raises(Exception, match='no user "nobody"'):
        call_command("create_api_token", "nobody")


# --- the demo project: real sizes, bounded queries ----------------------------------------------

DEMO = Path(__file__).resolve().parents[3] / "fixtures" / "turkiye-azerbaijan.json"


@pytest.fixture
def demo(db):
    project = import_bundle(parse_bundle(DEMO.read_bytes()))
    return {u.username: u for u in get_user_model().objects.all()}, project


def test_the_demo_lists_cost_a_few_queries_whatever_their_length(
    demo, django_assert_max_num_queries
):
    users, project = demo
    client = APIClient()
    client.force_login(users["rita"])
    base = f"/api/projects/{project.slug}/"
    with django_assert_max_num_queries(API_QUERIES):
        assert len(results(client.get(base + "evidence/?page_size=500"))) == 83
    with django_assert_max_num_queries(API_QUERIES):
        codings = results(client.get(base + "codings/?page_size=500"))
    assert {c["coder"] for c in codings} == {"alice", "bob"}
    with django_assert_max_num_queries(API_QUERIES):
        pending = results(client.get(base + "consensus/?method=adjudicated&page_size=500"))
    assert len({row["evidence"] for row in pending}) == 19  # the items rita adjudicated


def test_a_demo_coder_sees_only_their_own_codings_and_the_report(demo):
    users, project = demo
    client = APIClient()
    client.force_login(users["alice"])
    base = f"/api/projects/{project.slug}/"
    codings = client.get(base + "codings/?page_size=500").json()
    assert codings["count"] == Coding.objects.filter(coder=users["alice"]).count()
    assert {c["coder"] for c in codings["results"]} == {"alice"}
    report = client.get(base + "reports/TUR-AZE/").json()
    assert report["dyad"]["code"] == "TUR-AZE"
    assert report["stage_judgments"] is None


def test_criteria_of_a_codebook_shared_with_another_project_are_not_edited_here(api, small_project):
    other = Project.objects.create(slug="other", name="Other", codebook=small_project.codebook)
    criterion = small_project.codebook.criteria.get(code="D-RESP")
    response = api("ada").patch(BASE + f"criteria/{criterion.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 409
    assert "shared with other projects" in response.json()["detail"]
    criterion.refresh_from_db()
    assert criterion.name == "Mutual responsiveness"
    assert other.codebook_id == small_project.codebook_id


def test_an_admin_sets_a_known_citation_style_only(api, small_project):
    client = api("ada")
    bad = client.patch(BASE, {"citation_style": "no-such-style"}, format="json")
    assert bad.status_code == 400
    assert "is not a CSL style" in bad.json()["citation_style"][0]
    good = client.patch(BASE, {"citation_style": "apa"}, format="json")
    assert (good.status_code, good.json()["citation_style"]) == (200, "apa")
