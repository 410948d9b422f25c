"""The round pages, tried by every persona: ada admin (opens and closes), rita reviewer (gold,
every score), carl and cleo coders (their own score, once closed), otto observer (no part),
olaf outsider (404). Each rule is tried by someone it should stop."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from sklearn.metrics import cohen_kappa_score

from cases.bundles import import_bundle
from cases.models import Assignment, Evidence, GoldValue, Round
from cases.review.rounds.actions import close_round, create_round
from cases.tests.bundle_factory import small_bundle
from cases.tests.review.rounds.conftest import record_the_gold

pytestmark = pytest.mark.django_db


def client_for(people, username) -> Client:
    client = Client()
    client.force_login(people[username])
    return client


def page(round_, name="cases:round", **extra) -> str:
    return reverse(name, kwargs={"slug": "small", "pk": round_.pk, **extra})


def rows(html: bytes, attribute: str) -> dict[str, str]:
    """The text of each table row carrying ``data-<attribute>``, by its value."""
    found = {}
    for value, body in re.findall(
        rf'<tr data-{attribute}="([^"]+)"[^>]*>(.*?)</tr>', html.decode(), re.S
    ):
        found[value] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
    return found


def differences(html: bytes) -> list[str]:
    """The rows of the differences table, as text, in order."""
    table = re.search(r'<table class="list differences">(.*?)</table>', html.decode(), re.S)
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
        for body in re.findall(r"<tr data-item[^>]*>(.*?)</tr>", table.group(1), re.S)
    ]


CSRF = re.compile(rb'(csrfmiddlewaretoken" value="|"X-CSRFToken": ?"|csrf-token" content=")[^"]+')


def comparable(response) -> bytes:
    return CSRF.sub(rb"\1", response.content)


# --- opening and closing ----------------------------------------------------------------------


def test_an_admin_opens_a_round_on_a_random_sample_and_lands_on_its_page(small_project, people):
    response = client_for(people, "ada").post(
        reverse("cases:round_new", args=["small"]),
        {
            "name": "Pilot",
            "kind": "calibration",
            "reference": "gold",
            "coders": ["carl", "cleo"],
            "sample_size": "2",
            "seed": "11",
        },
    )
    round_ = Round.objects.get(name="Pilot")
    assert response.status_code == 302 and response["Location"] == page(round_)
    assert (round_.sample_size, round_.sample_seed, round_.items.count()) == (2, 11, 2)
    assert Assignment.objects.filter(evidence__rounds=round_).count() == 4


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"items": "E1 NOPE"}, "No such item in the project: NOPE."),
        ({"items": "E1", "sample_size": "2"}, "Choose items or a random sample size, not both."),
        ({}, "Choose items, or give the size of a random sample."),
        ({"sample_size": "9"}, "Sample size: the project has 3 items; ask for 1 to 3."),
        ({"items": "E1", "kind": "production"}, "Only a calibration round is scored against"),
    ],
)
def test_a_bad_new_round_is_refused_with_the_field_named_and_nothing_written(
    small_project, people, data, field_message
):
    before = Assignment.objects.count()
    response = client_for(people, "ada").post(
        reverse("cases:round_new", args=["small"]),
        {"name": "Bad", "kind": "calibration", "reference": "gold", "coders": ["carl"], **data},
    )
    assert response.status_code == 422
    assert field_message in response.content.decode()
    assert not Round.objects.exists() and Assignment.objects.count() == before


@pytest.mark.parametrize("username", ["rita", "carl", "otto"])
def test_only_an_admin_opens_or_closes_a_round(calibration, people, username):
    client = client_for(people, username)
    new = client.post(
        reverse("cases:round_new", args=["small"]),
        {"name": "Mine", "kind": "calibration", "reference": "gold", "coders": ["carl"]},
    )
    close = client.post(page(calibration, "cases:round_close"))
    assert (new.status_code, close.status_code) == (403, 403)
    calibration.refresh_from_db()
    assert calibration.is_open and Round.objects.count() == 1


def test_closing_without_the_whole_gold_set_says_what_is_missing(calibration, people):
    response = client_for(people, "ada").post(page(calibration, "cases:round_close"), follow=True)
    assert "Record the gold set first: 2 items have none (E2, E3)." in response.content.decode()
    calibration.refresh_from_db()
    assert calibration.is_open


# --- the gold set -----------------------------------------------------------------------------


def test_the_gold_page_is_prefilled_from_the_consensus_and_records_every_criterion(
    small_project, people
):
    round_ = create_round(
        project=small_project,
        name="On E1",
        kind="calibration",
        reference="gold",
        coders=[people["carl"], people["cleo"]],
        created_by=people["ada"],
        items=list(Evidence.objects.filter(project=small_project, key="E1")),
    )
    e1 = Evidence.objects.get(project=small_project, key="E1")
    url = page(round_, "cases:round_gold", item_pk=e1.pk)
    rita = client_for(people, "rita")
    shown = rita.get(url).content.decode()
    assert "Prefilled from the item's consensus" in shown
    # rita decided TRANS 2 and RESP "not coded" on E1 (the small project).
    assert re.search(r'name="AB-T2-TRANS"[^>]*>.*?<option value="2" selected>', shown, re.S)
    assert re.search(r'name="D-RESP"[^>]*>\s*<option value="" selected>', shown, re.S)
    response = rita.post(url, {"AB-T2-TRANS": "2", "AB-T3-TRUST": "1", "D-RESP": ""})
    assert response.status_code == 302 and response["Location"] == page(round_)
    assert dict(GoldValue.objects.filter(round=round_).values_list("criterion__code", "value")) == {
        "AB-T2-TRANS": 2,
        "AB-T3-TRUST": 1,
        "D-RESP": None,
    }


def test_a_value_off_the_scale_is_refused_on_the_gold_page(calibration, small_project, people):
    e2 = Evidence.objects.get(project=small_project, key="E2")
    response = client_for(people, "rita").post(
        page(calibration, "cases:round_gold", item_pk=e2.pk), {"AB-T2-TRANS": "9"}
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not GoldValue.objects.exists()


@pytest.mark.parametrize(("username", "status"), [("carl", 403), ("otto", 403), ("olaf", 404)])
def test_nobody_but_admins_and_reviewers_reads_or_writes_the_gold(
    coded, small_project, people, username, status
):
    e2 = Evidence.objects.get(project=small_project, key="E2")
    url = page(coded, "cases:round_gold", item_pk=e2.pk)
    client = client_for(people, username)
    assert client.get(url).status_code == status
    assert client.post(url, {"AB-T2-TRANS": "0"}).status_code == status
    assert GoldValue.objects.get(evidence=e2, criterion__code="AB-T2-TRANS").value == 2


def test_an_item_outside_the_round_has_no_gold_page(calibration, small_project, people):
    e1 = Evidence.objects.get(project=small_project, key="E1")
    url = page(calibration, "cases:round_gold", item_pk=e1.pk)
    assert client_for(people, "rita").get(url).status_code == 404


# --- scores: the coders' own, after closing; everyone's for reviewers --------------------------


def test_while_the_round_is_open_a_coders_page_is_the_same_with_or_without_gold_and_codes(
    calibration, small_project, people
):
    """No gold value, no colleague's code and no count of either reaches carl while open."""
    carl = client_for(people, "carl")
    urls = [page(calibration), reverse("cases:rounds", args=["small"])]

    def answers():
        cache.clear()
        return [(carl.get(u).status_code, comparable(carl.get(u))) for u in urls]

    before = answers()
    record_the_gold(calibration, people)
    from cases.tests.review.rounds.conftest import CLEO, code_and_submit

    code_and_submit(small_project, people["cleo"], CLEO)
    assert answers() == before
    assert b"Your scores appear here when the round is closed." in carl.get(urls[0]).content


def test_once_closed_each_coder_sees_their_own_scores_and_nobody_elses(coded, people):
    close_round(round_=coded)
    carl = client_for(people, "carl").get(page(coded)).content
    cleo = client_for(people, "cleo").get(page(coded)).content
    assert rows(carl, "criterion") == {
        "AB-T2-TRANS": "AB-T2-TRANS 1.000 100% (2 of 2)",
        "AB-T3-TRUST": "AB-T3-TRUST 1.000 100% (2 of 2)",
        "D-RESP": "D-RESP — 100% (2 of 2) no variation: every value is not coded",
    }
    assert b"cleo" not in carl and b"carl" not in cleo.replace(b'"carl"', b"")
    assert rows(cleo, "criterion")["AB-T2-TRANS"].endswith("0% (0 of 2)")
    assert rows(cleo, "criterion")["AB-T3-TRUST"] == "AB-T3-TRUST 1.000 100% (2 of 2)"
    assert rows(cleo, "criterion")["D-RESP"].endswith("50% (1 of 2)")
    # cleo's differences, item by item, with the gold beside her code.
    assert differences(cleo) == [
        "E2 AB-T2-TRANS 1 2",
        "E2 D-RESP 2 not coded",
        "E3 AB-T2-TRANS 0 not coded",
    ]
    # carl differed nowhere.
    assert b"Nowhere: every code you gave is the reference" in carl


def test_a_reviewer_sees_every_coders_score_in_one_table(coded, people):
    html = client_for(people, "rita").get(page(coded)).content
    scores = rows(html, "coder")
    assert set(scores) == {"carl", "cleo"}
    assert scores["carl"].startswith("carl 2 1.000 100%")
    # cleo over all six (item, criterion) codes: three of six alike.
    cleo = ["1", "nc", "2", "0", "3", "nc"]
    gold = ["2", "nc", "nc", "nc", "3", "nc"]
    assert scores["cleo"].startswith(f"cleo 2 {cohen_kappa_score(cleo, gold):.3f} 50%")


def test_a_coder_outside_a_round_gets_404_and_does_not_see_it_listed(small_project, people):
    round_ = create_round(
        project=small_project,
        name="Carl alone",
        kind="calibration",
        reference="gold",
        coders=[people["carl"]],
        created_by=people["ada"],
        items=list(Evidence.objects.filter(project=small_project, key="E3")),
    )
    cleo = client_for(people, "cleo")
    assert cleo.get(page(round_)).status_code == 404
    assert b"Carl alone" not in cleo.get(reverse("cases:rounds", args=["small"])).content
    assert (
        b"Carl alone"
        in client_for(people, "carl").get(reverse("cases:rounds", args=["small"])).content
    )


@pytest.mark.parametrize(("username", "status"), [("otto", 403), ("olaf", 404)])
def test_observers_and_outsiders_see_no_round(coded, people, username, status):
    close_round(round_=coded)
    client = client_for(people, username)
    for url in (
        page(coded),
        reverse("cases:rounds", args=["small"]),
        reverse("cases:rounds_trend_chart", args=["small"]),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        assert b"Calibration 1" not in response.content


def test_a_round_of_another_project_is_404_even_for_its_reviewer(coded, people):
    other = small_bundle()
    other["project"]["slug"] = "other"
    for key in ("codings", "consensus", "period_overrides", "stage_judgments"):
        other[key] = []
    import_bundle(other)
    url = reverse("cases:round", kwargs={"slug": "other", "pk": coded.pk})
    assert client_for(people, "rita").get(url).status_code == 404


# --- agreement per round and across rounds -----------------------------------------------------


def test_each_round_has_its_agreement_and_the_trend_lists_every_round_in_order(
    coded, small_project, people
):
    close_round(round_=coded)
    create_round(
        project=small_project,
        name="Production 1",
        kind="production",
        reference="consensus",
        coders=[people["carl"]],
        created_by=people["ada"],
        items=list(Evidence.objects.filter(project=small_project, key="E1")),
    )
    rita = client_for(people, "rita")
    listing = rita.get(reverse("cases:rounds", args=["small"])).content
    trend = rows(listing, "round")
    assert list(trend) == ["Calibration 1", "Production 1"]
    assert trend["Production 1"] == "Production 1 production open 1 1 — —"
    assert trend["Calibration 1"].startswith("Calibration 1 calibration closed 2 2")
    detail = rita.get(page(coded)).content.decode()
    assert "Agreement in this round" in detail and "All criteria" in detail
    chart = rita.get(reverse("cases:rounds_trend_chart", args=["small"]))
    assert chart["Content-Type"] == "image/svg+xml"
    assert b"Calibration 1" in chart.content and b"style=" not in chart.content


def test_the_rounds_page_reads_a_bounded_number_of_queries(
    coded, small_project, people, django_assert_max_num_queries
):
    for n in range(5):
        create_round(
            project=small_project,
            name=f"Extra {n}",
            kind="production",
            reference="consensus",
            coders=[people["carl"], people["cleo"]],
            created_by=people["ada"],
            items=list(Evidence.objects.filter(project=small_project)),
        )
    rita = client_for(people, "rita")
    # Each with the fingerprint's first look (all the project's rows) and the database cache;
    # the trend's first view also keeps it for the background recomputation (the figures, their
    # newest version, the project's list of pages read: a dozen writes to the cache).
    with django_assert_max_num_queries(65):
        assert rita.get(reverse("cases:rounds", args=["small"])).status_code == 200
    # Read again: the trend kept, whatever the number of rounds.
    with django_assert_max_num_queries(30):
        assert rita.get(reverse("cases:rounds", args=["small"])).status_code == 200
    with django_assert_max_num_queries(50):
        assert rita.get(page(coded)).status_code == 200


def test_the_coding_page_says_why_an_item_of_a_closed_round_is_not_reopened(
    coded, small_project, people
):
    close_round(round_=coded)
    e2 = Evidence.objects.get(project=small_project, key="E2")
    html = client_for(people, "carl").get(reverse("cases:code", args=["small", e2.pk])).content
    assert b"scored in the calibration round Calibration 1, which is closed" in html
    assert b"Reopen to change my codes" not in html
    refused = client_for(people, "carl").post(
        reverse("cases:reopen_item", args=["small", e2.pk]), follow=True
    )
    assert b"which is closed: your codes on it no longer change" in refused.content
    assert Assignment.objects.get(evidence=e2, coder=people["carl"]).status == "submitted"


def test_a_coders_round_page_reads_a_bounded_number_of_queries(
    coded, people, django_assert_max_num_queries
):
    close_round(round_=coded)
    cleo = client_for(people, "cleo")
    with django_assert_max_num_queries(20):
        assert cleo.get(page(coded)).status_code == 200


def test_a_coders_list_counts_every_coder_and_item_of_their_rounds(calibration, people):
    html = client_for(people, "carl").get(reverse("cases:rounds", args=["small"])).content
    line = re.search(rb"<table class=\"list rounds\">.*?<tbody>(.*?)</tbody>", html, re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", line.group(1).decode())).strip()
    assert text.startswith("Calibration 1 calibration a gold set open 2 2")
