"""Evidence pages: the list with its filters, one item, and the add/edit form.

The small project's people (conftest): ada admin, rita reviewer, carl and cleo coders, otto
observer, olaf outsider. Everyone in the project reads evidence; admins, reviewers and coders add
and edit it; a coder never learns which criteria another coder applied, from any page or count.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.bundles import import_bundle
from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Criterion,
    Dyad,
    Evidence,
    Period,
    Source,
)
from cases.tests.bundle_factory import small_bundle

pytestmark = pytest.mark.django_db

MEMBERS = ["ada", "rita", "carl", "cleo", "otto"]
EDITORS = ["ada", "rita", "carl", "cleo"]


# -- helpers ----------------------------------------------------------------------------------


def list_url(**params) -> str:
    url = reverse("cases:evidence_list", args=["small"])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def item(key: str) -> Evidence:
    return Evidence.objects.get(project__slug="small", key=key)


def detail_url(key: str) -> str:
    return reverse("cases:evidence_detail", args=["small", item(key).pk])


def edit_url(key: str) -> str:
    return reverse("cases:evidence_edit", args=["small", item(key).pk])


NEW_URL = "/p/small/evidence/new/"


def keys_on(response) -> list[str]:
    """The evidence keys listed on a page, in order."""
    return re.findall(r'<td class="key"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def as_user(client, people, name):
    if name:
        client.force_login(people[name])
    return client


def add_item(project, key: str, *, date: str = "1970", dyad=None, source=None, **fields):
    """An evidence item through the model's own validation (which derives the period)."""
    evidence = Evidence(
        project=project,
        key=key,
        dyad=dyad or project.dyads.get(code="FRA-DEU"),
        date=date,
        source=source or project.sources.get(key="doe2020"),
        locator=fields.pop("locator", "1"),
        evidence_type=fields.pop("evidence_type", "event"),
        quote=fields.pop("quote", f"Quote of {key}."),
        **fields,
    )
    evidence.full_clean()
    evidence.save()
    return evidence


def form_data(project, **changes) -> dict:
    data = {
        "key": "N1",
        "dyad": project.dyads.get(code="FRA-DEU").pk,
        "date": "1975-05",
        "period": "",
        "evidence_type": "policy",
        "source": project.sources.get(key="doe2020").pk,
        "locator": "77",
        "footnote": "",
        "locator_note": "",
        "quote": "A new quote.",
        "summary": "A summary.",
    }
    data.update(changes)
    return data


def other_project():
    """A second project with its own source and evidence; rita is a member of both."""
    bundle = small_bundle()
    bundle["project"].update(slug="other", name="Other project")
    bundle["members"] = [{"username": "rita", "role": "admin"}]
    bundle["sources"][0]["key"] = "elsewhere"
    for entry in bundle["evidence"]:
        entry["source"] = "elsewhere"
    for section in ("codings", "consensus", "period_overrides", "stage_judgments"):
        bundle[section] = []
    return import_bundle(bundle)


# -- who may open what ------------------------------------------------------------------------


@pytest.mark.parametrize("name", MEMBERS)
def test_every_member_reads_the_list_and_an_item(client, people, name):
    as_user(client, people, name)
    assert client.get(list_url()).status_code == 200
    assert client.get(detail_url("E1")).status_code == 200


@pytest.mark.parametrize(
    "url", [lambda: list_url(), lambda: detail_url("E1"), lambda: NEW_URL, lambda: edit_url("E1")]
)
def test_outsiders_get_404_on_every_evidence_page(client, people, url):
    client.force_login(people["olaf"])
    assert client.get(url()).status_code == 404


@pytest.mark.parametrize(
    "url", [lambda: list_url(), lambda: detail_url("E1"), lambda: NEW_URL, lambda: edit_url("E1")]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, small_project, url):
    target = url()
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_outsiders_and_anonymous_posts_write_nothing(client, people, small_project):
    before = Evidence.objects.count()
    assert client.post(NEW_URL, form_data(small_project)).status_code == 302  # to login
    client.force_login(people["olaf"])
    assert client.post(NEW_URL, form_data(small_project)).status_code == 404
    response = client.post(edit_url("E1"), form_data(small_project, key="E1", version=1))
    assert response.status_code == 404
    assert Evidence.objects.count() == before
    assert item("E1").quote == "The coal and steel treaty."


@pytest.mark.parametrize("name", EDITORS)
def test_editors_open_the_add_and_edit_forms(client, people, name):
    as_user(client, people, name)
    assert client.get(NEW_URL).status_code == 200
    assert client.get(edit_url("E1")).status_code == 200


def test_observers_cannot_add_or_edit(client, people, small_project):
    client.force_login(people["otto"])
    assert client.get(NEW_URL).status_code == 403
    assert client.get(edit_url("E1")).status_code == 403
    assert client.post(NEW_URL, form_data(small_project)).status_code == 403
    response = client.post(edit_url("E1"), form_data(small_project, key="E1", version=1))
    assert response.status_code == 403
    assert not Evidence.objects.filter(key="N1").exists()
    assert item("E1").quote == "The coal and steel treaty."


def test_observers_see_no_add_or_edit_links(client, people):
    client.force_login(people["otto"])
    assert NEW_URL not in client.get(list_url()).content.decode()
    assert edit_url("E1") not in client.get(detail_url("E1")).content.decode()


def test_an_item_of_another_project_is_404_under_this_one(client, people, small_project):
    elsewhere = Evidence.objects.get(project=other_project(), key="E1")
    client.force_login(people["rita"])
    url = reverse("cases:evidence_detail", args=["small", elsewhere.pk])
    assert client.get(url).status_code == 404
    url = reverse("cases:evidence_edit", args=["small", elsewhere.pk])
    assert client.get(url).status_code == 404


# -- the list: order, filters, search ---------------------------------------------------------


def test_the_list_is_ordered_by_date_then_key(client, people, small_project):
    add_item(small_project, "E0", date="1951")  # same start as E1: the key decides
    client.force_login(people["otto"])
    assert keys_on(client.get(list_url())) == ["E0", "E1", "E2", "E3"]


def test_each_row_shows_its_date_period_type_and_cited_page(client, people):
    client.force_login(people["otto"])
    page = client.get(list_url()).content.decode()
    assert "(Doe 2020, 12)" in page
    assert "(Doe 2020, 40–41)" in page
    assert "1963-01-22" in page and "FRA-DEU P2" in page
    assert "survey" in page and "The coal and steel treaty." in page


def test_filter_by_dyad(client, people, small_project):
    dyad = Dyad.objects.create(
        project=small_project, code="GBR-IRL", state_a="GBR", state_b="IRL", name="UK–Ireland"
    )
    Period.objects.create(dyad=dyad, code="P1", start_year=1922)
    add_item(small_project, "I1", dyad=dyad, date="1998")
    client.force_login(people["otto"])
    assert keys_on(client.get(list_url(dyad="GBR-IRL"))) == ["I1"]
    assert keys_on(client.get(list_url(dyad="FRA-DEU"))) == ["E1", "E2", "E3"]


def test_filter_by_period(client, people, small_project):
    p1 = Period.objects.get(dyad__project=small_project, code="P1")
    p2 = Period.objects.get(dyad__project=small_project, code="P2")
    client.force_login(people["otto"])
    assert keys_on(client.get(list_url(period=p1.pk))) == ["E1"]
    assert keys_on(client.get(list_url(period=p2.pk))) == ["E2", "E3"]


def test_filter_by_evidence_type(client, people):
    client.force_login(people["carl"])
    assert keys_on(client.get(list_url(evidence_type="survey"))) == ["E3"]
    assert keys_on(client.get(list_url(evidence_type="agreement"))) == ["E1", "E2"]


def test_filter_by_source(client, people, small_project):
    roe = Source.objects.create(
        project=small_project, key="roe2019", csl={"type": "book", "title": "Other"}
    )
    add_item(small_project, "R1", source=roe)
    client.force_login(people["otto"])
    assert keys_on(client.get(list_url(source="roe2019"))) == ["R1"]
    assert keys_on(client.get(list_url(source="doe2020"))) == ["E1", "E2", "E3"]


def test_search_looks_in_quote_and_summary_ignoring_case(client, people):
    # Which items match, in key order: on PostgreSQL they come by relevance (test_search.py).
    def found(**query):
        return sorted(keys_on(client.get(list_url(**query))))

    client.force_login(people["cleo"])
    assert found(q="TREATY") == ["E1", "E2"]  # quotes
    assert found(q="polls") == ["E3"]  # a summary
    assert found(q="treaty", evidence_type="agreement", period="") == ["E1", "E2"]
    response = client.get(list_url(q="nowhere-to-be-found"))
    assert (
        keys_on(response) == [] and "No evidence matches the filters" in response.content.decode()
    )


def test_a_filter_naming_nothing_in_the_project_is_reported_and_ignored(client, people):
    client.force_login(people["otto"])
    response = client.get(list_url(source="nosuch", evidence_type="survey"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Source: &quot;nosuch&quot; is not one of the choices" in page
    assert keys_on(response) == ["E3"]  # the valid filter still applies


def test_reviewers_filter_by_criterion_over_everyones_codings_and_consensus(client, people):
    client.force_login(people["rita"])
    assert keys_on(client.get(list_url(criterion="AB-T2-TRANS"))) == ["E1"]
    assert keys_on(client.get(list_url(criterion="AB-T3-TRUST"))) == ["E3"]  # carl's draft
    assert keys_on(client.get(list_url(criterion="D-RESP"))) == ["E1"]


def test_observers_filter_by_criterion_over_the_consensus_only(client, people):
    client.force_login(people["otto"])
    assert keys_on(client.get(list_url(criterion="AB-T2-TRANS"))) == ["E1"]
    assert keys_on(client.get(list_url(criterion="D-RESP"))) == []  # carl's code only


def test_a_coders_criterion_filter_never_reveals_other_coders_criteria(client, people):
    # cleo codes trust on E2, and a consensus records responsiveness there: carl applied neither.
    e2 = item("E2")
    trust = Criterion.objects.get(code="AB-T3-TRUST")
    resp = Criterion.objects.get(code="D-RESP")
    Coding.objects.create(evidence=e2, criterion=trust, coder=people["cleo"], value=2)
    Consensus.objects.create(evidence=e2, criterion=resp, value=1, method="adjudicated")

    client.force_login(people["carl"])
    response = client.get(list_url(criterion="AB-T3-TRUST"))
    assert keys_on(response) == ["E3"]  # his own draft, not cleo's E2
    assert "1 item match" in response.content.decode()
    assert keys_on(client.get(list_url(criterion="D-RESP"))) == ["E1"]  # not the consensus on E2

    client.force_login(people["cleo"])
    assert keys_on(client.get(list_url(criterion="AB-T3-TRUST"))) == ["E2"]
    assert keys_on(client.get(list_url(criterion="D-RESP"))) == []

    client.force_login(people["rita"])
    assert keys_on(client.get(list_url(criterion="AB-T3-TRUST"))) == ["E2", "E3"]


def test_coders_filter_items_coded_or_not_coded_by_them(client, people):
    client.force_login(people["carl"])  # codes on E1 (submitted) and E3 (draft)
    assert keys_on(client.get(list_url(coded="mine"))) == ["E1", "E3"]
    assert keys_on(client.get(list_url(coded="notmine"))) == ["E2"]
    client.force_login(people["cleo"])  # codes on E1; E2 assigned, nothing coded yet
    assert keys_on(client.get(list_url(coded="mine"))) == ["E1"]
    assert keys_on(client.get(list_url(coded="notmine"))) == ["E2", "E3"]


def test_a_submitted_item_without_codes_counts_as_coded_by_me(client, people):
    Assignment.objects.filter(evidence=item("E2"), coder=people["cleo"]).update(
        status=Assignment.Status.SUBMITTED
    )
    client.force_login(people["cleo"])
    assert keys_on(client.get(list_url(coded="mine"))) == ["E1", "E2"]


def test_the_coded_filter_is_offered_to_coders_only(client, people):
    client.force_login(people["rita"])
    response = client.get(list_url(coded="mine"))
    assert keys_on(response) == ["E1", "E2", "E3"]
    assert 'name="coded"' not in response.content.decode()
    client.force_login(people["carl"])
    assert 'name="coded"' in client.get(list_url()).content.decode()


def test_coders_see_their_own_assignment_status_only(client, people):
    client.force_login(people["carl"])
    page = client.get(list_url()).content.decode()
    # carl: E1 submitted, E3 assigned; E2 is cleo's and shows nothing for carl.
    statuses = re.findall(r'<td class="mine">(.*?)</td>', page)
    assert ["submitted" in s for s in statuses] == [True, False, False]
    assert ["assigned" in s for s in statuses] == [False, False, True]


# -- pagination and query counts --------------------------------------------------------------


@pytest.fixture
def sixty_more(small_project, people):
    """60 items more, each assigned to both coders with codes and a consensus, so the pages
    have data to join."""
    trust = Criterion.objects.get(code="AB-T3-TRUST")
    for n in range(60):
        evidence = add_item(
            small_project, f"M{n:02d}", date=f"{1970 + n // 12}-{n % 12 + 1:02d}", locator=str(n)
        )
        for coder in ("carl", "cleo"):
            Assignment.objects.create(evidence=evidence, coder=people[coder])
            Coding.objects.create(
                evidence=evidence, criterion=trust, coder=people[coder], value=n % 4
            )
        Consensus.objects.create(
            evidence=evidence, criterion=trust, value=n % 4, method="unanimous"
        )
    return small_project


def test_the_list_is_paginated_25_to_a_page(client, people, sixty_more):
    client.force_login(people["otto"])
    everything = ["E1", "E2", *[f"M{n:02d}" for n in range(60)], "E3"]
    first = client.get(list_url())
    assert keys_on(first) == everything[:25]
    assert "Page 1 of 3" in first.content.decode()
    assert keys_on(client.get(list_url(page=2))) == everything[25:50]
    assert keys_on(client.get(list_url(page=3))) == everything[50:]
    assert keys_on(client.get(list_url(page=99))) == everything[50:]  # past the end: the last
    assert keys_on(client.get(list_url(page="x"))) == everything[:25]


def test_page_links_keep_the_filters(client, people, sixty_more):
    client.force_login(people["otto"])
    page = client.get(list_url(q="Quote", evidence_type="event")).content.decode()
    assert 'href="?q=Quote&amp;evidence_type=event&amp;page=2"' in page


@pytest.mark.parametrize("name", ["rita", "carl", "otto"])
def test_the_list_takes_a_bounded_number_of_queries(
    client, people, sixty_more, django_assert_max_num_queries, name
):
    client.force_login(people[name])
    p2 = Period.objects.get(dyad__project=sixty_more, code="P2")
    params = {"q": "quote", "period": p2.pk, "source": "doe2020", "dyad": "FRA-DEU"}
    params.update(criterion="AB-T3-TRUST", evidence_type="event", page=2)
    if name == "carl":
        params["coded"] = "mine"
    with django_assert_max_num_queries(16):
        response = client.get(list_url(**params))
    assert len(keys_on(response)) == 25
    with django_assert_max_num_queries(12):
        assert len(keys_on(client.get(list_url()))) == 25


@pytest.mark.parametrize("name", ["rita", "carl", "otto"])
def test_an_item_page_takes_a_bounded_number_of_queries(
    client, people, sixty_more, django_assert_max_num_queries, name
):
    client.force_login(people[name])
    with django_assert_max_num_queries(9):
        assert client.get(detail_url("M30")).status_code == 200


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["rita", "carl", "otto"])
def test_query_counts_do_not_grow_with_the_data(client, people, small_project, name):
    client.force_login(people[name])
    urls = [list_url(), list_url(criterion="AB-T3-TRUST", coded="mine"), detail_url("E1")]
    before = [_queries(client, url) for url in urls]
    trust = Criterion.objects.get(code="AB-T3-TRUST")
    for n in range(40):
        evidence = add_item(small_project, f"M{n:02d}", date="1951")
        for coder in ("carl", "cleo"):
            Assignment.objects.create(evidence=evidence, coder=people[coder])
            Coding.objects.create(evidence=evidence, criterion=trust, coder=people[coder], value=1)
    assert [_queries(client, url) for url in urls] == before


def test_htmx_requests_get_the_results_only(client, people):
    client.force_login(people["otto"])
    response = client.get(list_url(evidence_type="survey"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="evidence-results"')
    assert "<html" not in page and keys_on(response) == ["E3"]
    assert "HX-Request" in response["Vary"]


# -- citations --------------------------------------------------------------------------------


def test_the_item_page_shows_the_formatted_citation_with_page_and_footnote(client, people):
    client.force_login(people["otto"])
    page = client.get(detail_url("E1")).content.decode()
    assert "(Doe 2020, 12), note 3" in page
    assert "The coal and steel treaty." in page and "ECSC founded." in page


def test_citations_follow_the_projects_style(client, people, small_project):
    small_project.citation_style = "apa"
    small_project.save()
    client.force_login(people["otto"])
    assert "(Doe, 2020, p. 12)" in client.get(list_url()).content.decode()
    assert "(Doe, 2020, p. 12)" in client.get(detail_url("E1")).content.decode()


# -- the item page and blindness --------------------------------------------------------------


def test_reviewers_see_every_coders_codes_on_an_item(client, people):
    client.force_login(people["rita"])
    page = client.get(detail_url("E1")).content.decode()
    assert "Codings" in page and "carl" in page and "cleo" in page
    table = page[page.index('class="list codings-table"') :]
    rows = re.findall(r"<code>([A-Z0-9-]+)</code>.*?</tr>", table, re.S)
    assert rows == ["AB-T2-TRANS", "D-RESP"]


def test_a_coder_sees_a_link_to_code_an_item_assigned_to_them_and_nobody_elses_codes(
    client, people
):
    client.force_login(people["carl"])
    page = client.get(detail_url("E1")).content.decode()
    assert reverse("cases:code", args=["small", item("E1").pk]) in page
    assert "cleo" not in page  # cleo coded E1 too
    assert "codings-table" not in page and "Consensus" not in page
    assert "only elites" not in page  # notes are not shown here at all
    # E2 is cleo's: no link to code it for carl, and nothing of hers.
    page = client.get(detail_url("E2")).content.decode()
    assert reverse("cases:code", args=["small", item("E2").pk]) not in page
    assert "not assigned to you" in page and "cleo" not in page


def test_observers_see_no_codings(client, people):
    client.force_login(people["otto"])
    page = client.get(detail_url("E1")).content.decode()
    assert "carl" not in page and "cleo" not in page and "codings-table" not in page


# -- adding -----------------------------------------------------------------------------------


def test_the_add_form_suggests_the_next_key_and_shows_the_date_formats(client, people):
    client.force_login(people["carl"])
    page = client.get(NEW_URL).content.decode()
    assert 'value="E4"' in page
    assert "1993 · 2008-10 · 2010-08-16 · 1994/1999" in page


def test_the_suggested_key_follows_the_latest_numbering(client, people, small_project):
    add_item(small_project, "KAR-N07")
    client.force_login(people["carl"])
    assert 'value="KAR-N08"' in client.get(NEW_URL).content.decode()


def test_adding_evidence_derives_the_period_and_records_who(client, people, small_project):
    client.force_login(people["carl"])
    response = client.post(NEW_URL, form_data(small_project), follow=True)
    added = item("N1")
    assert response.redirect_chain == [(detail_url("N1"), 302)]
    assert added.period.code == "P2" and added.created_by == people["carl"]
    assert added.version == 1
    page = response.content.decode()
    assert "Added N1." in page and "(Doe 2020, 77)" in page


def test_the_add_form_offers_only_this_projects_dyads_and_sources(client, people, small_project):
    other_project()
    client.force_login(people["rita"])
    page = client.get(NEW_URL).content.decode()
    assert "doe2020" in page and "elsewhere" not in page


def _refused(client, data, field: str, message: str):
    """POST the add form, expect it refused with the message beside the field, nothing written."""
    before = Evidence.objects.count()
    response = client.post(NEW_URL, data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    beside = re.search(rf'<p class="field-error" id="id_{field}_error">(.*?)</p>', page, re.S)
    assert beside and message.replace('"', "&quot;") in beside.group(1)
    assert Evidence.objects.count() == before
    return response


def test_a_date_outside_every_period_is_refused_on_the_date_field(client, people, small_project):
    client.force_login(people["carl"])
    _refused(
        client, form_data(small_project, date="1900"), "date", "1900 falls outside every period"
    )


def test_a_malformed_date_is_refused_on_the_date_field(client, people, small_project):
    client.force_login(people["carl"])
    _refused(client, form_data(small_project, date="22 Jan 1963"), "date", "not an ISO 8601 date")


def test_an_empty_quote_is_refused_on_the_quote_field(client, people, small_project):
    client.force_login(people["carl"])
    _refused(client, form_data(small_project, quote="   "), "quote", "quote cannot be empty")


def test_an_unknown_source_is_refused_on_the_source_field(client, people, small_project):
    elsewhere = Source.objects.get(project=other_project(), key="elsewhere")
    client.force_login(people["rita"])
    data = form_data(small_project, source=elsewhere.pk)
    _refused(client, data, "source", "Unknown source")
    _refused(client, form_data(small_project, source=999999), "source", "Unknown source")


def test_a_malformed_page_locator_is_refused_on_the_locator_field(client, people, small_project):
    client.force_login(people["ada"])
    data = form_data(small_project, locator="p. 12")
    _refused(client, data, "locator", '"p. 12" is not a page locator')


def test_a_period_that_does_not_hold_the_date_is_refused_on_the_period_field(
    client, people, small_project
):
    p1 = Period.objects.get(dyad__project=small_project, code="P1")
    client.force_login(people["carl"])
    _refused(client, form_data(small_project, period=p1.pk), "period", "1975 is not in P1")


def test_a_key_already_used_in_the_project_is_refused_on_the_key_field(
    client, people, small_project
):
    client.force_login(people["carl"])
    _refused(client, form_data(small_project, key="E1"), "key", 'The key "E1" is already used')


def test_the_same_key_may_be_used_in_another_project(client, people, small_project):
    other_project()  # has its own E1..E3
    client.force_login(people["carl"])
    assert client.post(NEW_URL, form_data(small_project, key="E9")).status_code == 302
    other = Evidence.objects.get(project__slug="other", key="E1")
    assert other.quote == "The coal and steel treaty."


# -- editing and concurrent edits -------------------------------------------------------------


def test_editing_saves_and_counts_the_version_up(client, people, small_project):
    client.force_login(people["cleo"])
    page = client.get(edit_url("E1")).content.decode()
    assert re.search(r'<input type="hidden" name="version" value="1"', page)
    data = form_data(small_project, key="E1", date="1952", quote="Revised.", version=1)
    response = client.post(edit_url("E1"), data)
    assert response.status_code == 302 and response["Location"] == detail_url("E1")
    edited = item("E1")
    assert edited.quote == "Revised." and edited.version == 2 and edited.period.code == "P1"
    assert edited.history.count() == 2


def test_editing_the_date_moves_the_item_to_its_new_period(client, people, small_project):
    client.force_login(people["carl"])
    data = form_data(small_project, key="E1", date="1980", version=1)
    assert client.post(edit_url("E1"), data).status_code == 302
    assert item("E1").period.code == "P2"


def test_a_stale_edit_is_refused_and_the_first_edit_stays(client, people, small_project):
    first = form_data(small_project, key="E1", quote="Carl's reading.", version=1)
    second = form_data(small_project, key="E1", quote="Cleo's reading.", version=1)
    client.force_login(people["carl"])
    assert client.post(edit_url("E1"), first).status_code == 302
    client.force_login(people["cleo"])
    response = client.post(edit_url("E1"), second)
    assert response.status_code == 409
    assert "This item was changed by someone else since you opened it" in (
        response.content.decode()
    )
    edited = item("E1")
    assert edited.quote == "Carl's reading." and edited.version == 2


def test_a_stale_edit_that_is_also_invalid_says_both(client, people, small_project):
    Evidence.objects.filter(pk=item("E1").pk).update(version=5)
    client.force_login(people["carl"])
    response = client.post(edit_url("E1"), form_data(small_project, key="E1", quote="", version=1))
    assert response.status_code == 400
    page = response.content.decode()
    assert "changed by someone else" in page and "quote cannot be empty" in page


def test_an_invalid_edit_writes_nothing(client, people, small_project):
    client.force_login(people["rita"])
    data = form_data(small_project, key="E1", date="1800", quote="Changed.", version=1)
    response = client.post(edit_url("E1"), data)
    assert response.status_code == 400
    assert "1800 falls outside every period" in " ".join(response.context["form"].errors["date"])
    unchanged = item("E1")
    assert unchanged.quote == "The coal and steel treaty." and unchanged.version == 1
    assert "Edit E1" in response.content.decode()


def test_an_edit_may_not_take_another_items_key(client, people, small_project):
    client.force_login(people["rita"])
    response = client.post(edit_url("E1"), form_data(small_project, key="E2", version=1))
    assert response.status_code == 400
    assert "The key &quot;E2&quot; is already used" in response.content.decode()
    assert item("E2").quote == "The Élysée Treaty."


def test_an_edit_without_its_version_is_refused(client, people, small_project):
    client.force_login(people["rita"])
    response = client.post(edit_url("E1"), form_data(small_project, key="E1", quote="X."))
    assert response.status_code == 400
    assert item("E1").quote == "The coal and steel treaty."
