"""The export page and downloads, tried as every persona (conftest: who may see what).

Consensus data is for every member; raw codings for admins and reviewers (everyone's), coders
(their own only) and nobody else; outsiders get 404 on every URL. A coder's downloads are
searched byte by byte for the other coder's note, verdict and codes.
"""

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse

from cases.models import Coding, Criterion, Evidence, Period, StageJudgment
from cases.tests.browser import sign_in
from cases.tests.conftest import PASSWORD, set_passwords

CLEO_NOTE = "CLEO-PRIVATE-NOTE"
CLEO_VERDICT = "CLEO-PRIVATE-VERDICT"
EVERYONE = [
    "consensus.csv",
    "periods.csv",
    "workbook.xlsx",
    "codebook.md",
    "codebook.csv",
    "codebook.qdc",
    "bundle.json",
    "project.qdpx",
]
RAW = ["codings.csv"]
REVIEW = ["reliability.csv", "replication.zip"]
ALL_KINDS = EVERYONE + RAW + REVIEW
ALLOWED = {
    "ada": ALL_KINDS,
    "rita": ALL_KINDS,
    "carl": EVERYONE + RAW,
    "cleo": EVERYONE + RAW,
    "otto": EVERYONE,
}


def url(kind: str | None = None, slug: str = "small") -> str:
    if kind is None:
        return reverse("cases:exports", args=[slug])
    query = "?criterion=AB-T2-TRANS" if kind == "reliability.csv" else ""
    return reverse("cases:export_file", args=[slug, kind]) + query


def body(response) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def everything_in(data: bytes) -> bytes:
    """A file's bytes, and for an archive the bytes of every file inside it."""
    if data[:2] != b"PK":
        return data
    archive = zipfile.ZipFile(io.BytesIO(data))
    return b"".join(archive.read(name) for name in archive.namelist())


@pytest.fixture
def secrets(small_project, people):
    """cleo codes D-RESP 3 on E1 with a note, and records a verdict: carl must never learn them."""
    e1 = Evidence.objects.get(key="E1")
    Coding.objects.create(
        evidence=e1,
        criterion=Criterion.objects.get(code="D-RESP"),
        coder=people["cleo"],
        value=3,
        note=CLEO_NOTE,
    )
    StageJudgment.objects.create(
        period=Period.objects.get(code="P1"),
        coder=people["cleo"],
        stage="ascendant",
        rationale=CLEO_VERDICT,
    )
    return people


# --- who may download what ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["ada", "rita", "carl", "cleo", "otto"])
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_persona_gets_exactly_the_files_the_table_allows(client, people, username, kind):
    client.force_login(people[username])
    response = client.get(url(kind))
    if kind in ALLOWED[username]:
        assert response.status_code == 200, response
        assert body(response)
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment; filename=") and '"small-' in disposition
        assert response["Cache-Control"] == "private, no-store"
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [*ALL_KINDS, "nothing.txt", None])
def test_outsiders_get_404_on_every_export_url(client, people, kind):
    client.force_login(people["olaf"])
    assert client.get(url(kind)).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, small_project):
    for target in [url(), url("consensus.csv")]:
        response = client.get(target)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_an_unknown_kind_is_404_for_members(client, people):
    client.force_login(people["ada"])
    assert client.get(url("passwords.csv")).status_code == 404


@pytest.mark.django_db
def test_a_refusal_names_the_role_and_nothing_else(client, people):
    client.force_login(people["otto"])
    response = client.get(url("codings.csv"))
    assert response.status_code == 403
    assert b"carl" not in response.content and b"only elites" not in response.content


# --- what a coder's files contain -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", EVERYONE + RAW)
def test_a_coders_downloads_never_hold_another_coders_work(client, secrets, kind):
    client.force_login(secrets["carl"])
    data = everything_in(body(client.get(url(kind))))
    assert CLEO_NOTE.encode() not in data
    assert CLEO_VERDICT.encode() not in data
    if kind != "bundle.json":  # the bundle lists the members (names, not codes)
        assert b"cleo" not in data


@pytest.mark.django_db
def test_a_coders_codings_csv_holds_only_their_rows(client, secrets):
    client.force_login(secrets["carl"])
    rows = list(csv.DictReader(io.StringIO(body(client.get(url("codings.csv"))).decode())))
    assert {r["coder"] for r in rows} == {"carl"}
    assert ("E1", "D-RESP", "3") not in {(r["evidence"], r["criterion"], r["value"]) for r in rows}
    assert ("E1", "D-RESP", "1") in {(r["evidence"], r["criterion"], r["value"]) for r in rows}


@pytest.mark.django_db
def test_a_coders_bundle_holds_only_their_codings_and_judgments(client, secrets):
    client.force_login(secrets["carl"])
    doc = json.loads(body(client.get(url("bundle.json"))))
    assert {c["coder"] for c in doc["codings"]} == {"carl"}
    assert {j["coder"] for j in doc["stage_judgments"]} == {"carl"}
    assert len(doc["evidence"]) == 3 and doc["consensus"]  # consensus is for everyone


@pytest.mark.django_db
def test_an_observers_bundle_holds_no_codings_or_judgments(client, secrets):
    client.force_login(secrets["otto"])
    doc = json.loads(body(client.get(url("bundle.json"))))
    assert doc["codings"] == [] and doc["stage_judgments"] == []
    assert doc["consensus"] and doc["period_overrides"]


@pytest.mark.django_db
def test_reviewers_bundles_are_complete(client, secrets):
    client.force_login(secrets["rita"])
    doc = json.loads(body(client.get(url("bundle.json"))))
    assert {c["coder"] for c in doc["codings"]} == {"carl", "cleo"}
    assert CLEO_VERDICT in {j["rationale"] for j in doc["stage_judgments"]}


# --- the reliability download ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_reliability_download_takes_a_criterion_and_a_variant(client, people):
    client.force_login(people["rita"])
    response = client.get(
        reverse("cases:export_file", args=["small", "reliability.csv"])
        + "?criterion=D-RESP&variant=application"
    )
    assert body(response) == b"unit,carl,cleo\nE1,1,0\n"
    assert 'filename="small-reliability-D-RESP-application.csv"' in response["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "criterion: choose the criterion"),
        ("?criterion=NOPE", 'criterion: no criterion "NOPE"'),
        ("?criterion=D-RESP&variant=odd", "variant: use value or application"),
    ],
)
def test_bad_reliability_parameters_are_named(client, people, query, message):
    client.force_login(people["ada"])
    response = client.get(reverse("cases:export_file", args=["small", "reliability.csv"]) + query)
    assert response.status_code == 400
    assert message in response.content.decode()


# --- the page -------------------------------------------------------------------------------


def links_on(page: str) -> set[str]:
    return {kind for kind in ALL_KINDS if f"/exports/{kind}/" in page}


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["ada", "rita", "carl", "otto"])
def test_the_page_offers_exactly_the_allowed_files(client, people, username):
    client.force_login(people[username])
    page = client.get(url()).content.decode()
    assert links_on(page) == set(ALLOWED[username])


@pytest.mark.django_db
def test_the_page_tells_a_coder_their_exports_hold_only_their_own_work(client, secrets):
    client.force_login(secrets["carl"])
    page = client.get(url()).content.decode()
    assert "only your own codings, notes and stage judgments" in page
    assert "Not available to your role" in page and "replication.zip" in page
    assert "cleo" not in page


@pytest.mark.django_db
def test_the_page_tells_an_observer_what_is_not_available(client, people):
    client.force_login(people["otto"])
    page = client.get(url()).content.decode()
    assert "As an observer you export the consensus" in page
    assert "raw codings (<code>codings.csv</code>)" in page


@pytest.mark.django_db
def test_the_reliability_form_lists_the_codebooks_criteria(client, people):
    client.force_login(people["rita"])
    page = client.get(url()).content.decode()
    for code in ["AB-T2-TRANS", "AB-T3-TRUST", "D-RESP"]:
        assert f'<option value="{code}">' in page


@pytest.mark.django_db
def test_the_page_and_downloads_use_a_bounded_number_of_queries(
    client, people, django_assert_max_num_queries
):
    client.force_login(people["rita"])
    with django_assert_max_num_queries(8):
        client.get(url())
    for kind in ["codings.csv", "consensus.csv", "reliability.csv"]:
        with django_assert_max_num_queries(14):
            body(client.get(url(kind)))


# --- in a browser ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", ["rita", "carl", "otto"])
def test_the_export_page_in_a_browser(page, small_project, username):
    set_passwords([username])
    sign_in(page, username, PASSWORD)
    page.goto("/p/small/")
    page.click("nav.project >> text=Exports")
    page.wait_for_selector("h1:has-text('Exports')")
    with page.expect_download() as download:
        page.click("#export-results li:first-child a.button")
    assert download.value.suggested_filename == "small-consensus.csv"
    if username == "rita":
        page.select_option("#export-criterion", "D-RESP")
        page.check("input[name=variant][value=application]")
        with page.expect_download() as download:
            page.click("#export-reliability button[type=submit]")
        assert download.value.suggested_filename == "small-reliability-D-RESP-application.csv"
