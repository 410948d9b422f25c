"""The project fingerprint and the derived pages cached under it (cases.lib.cache).

The agreement page, the dyad report (page, JSON, chart) and the comparison keep what they
computed until the project's data change. The tests change each kind of data these pages read,
through the same paths the application writes by, and check two things: the fingerprint moved,
and the page served after the change is byte for byte the page computed afresh (cache emptied).
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.bundles import import_bundle
from cases.coding.actions import reopen_assignment, submit_assignment
from cases.lib.cache import project_fingerprint
from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Criterion,
    Dyad,
    Evidence,
    Membership,
    Period,
    PeriodOverride,
    Round,
    ScaleValue,
    Source,
    StageJudgment,
)
from cases.review.overrides import set_period_override
from cases.review.rounds.actions import close_round, create_round, record_gold
from cases.tests.bundle_factory import small_bundle

pytestmark = pytest.mark.django_db

REPORT = "/p/small/reports/FRA-DEU/"
PAGES = [
    REPORT,
    REPORT + "report.json",
    REPORT + "stages.svg",
    "/p/small/reports/",
    "/p/small/review/agreement/",
    "/p/small/review/agreement.svg",
    "/api/projects/small/reports/FRA-DEU/",
    # The consensus counts of the project home, the disagreement queues, the overrides'
    # derived values.
    "/p/small/",
    "/p/small/review/disagreements/",
    "/p/small/review/disagreements/?show=decided",
    "/p/small/review/overrides/",
]


# Each response masks the CSRF token afresh; everything else must be identical.
CSRF_TOKEN = re.compile(rb'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+')


def served(client) -> dict[str, bytes]:
    pages = {}
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = CSRF_TOKEN.sub(rb"\1-", response.content)
    return pages


@pytest.fixture
def project(db):
    return import_bundle(small_bundle())


def user(username):
    return get_user_model().objects.get(username=username)


# Each change goes through a model save (which writes history) or the application's own
# functions, as the pages, the API and the admin do.


def edit_coding(project):
    coding = Coding.objects.get(
        evidence__project=project, evidence__key="E1", coder__username="cleo"
    )
    coding.value = 2  # now agrees with carl's
    coding.save()


def edit_consensus(project):
    row = Consensus.objects.get(
        evidence__project=project, evidence__key="E1", criterion__code="AB-T2-TRANS"
    )
    row.value = 3
    row.save()


def add_override(project):
    period = Period.objects.get(dyad__project=project, dyad__code="FRA-DEU", code="P1")
    set_period_override(
        period=period,
        criterion=Criterion.objects.get(codebook=project.codebook, code="D-RESP"),
        reviewer=user("rita"),
        value=3,
        rationale="Seen in the archives.",
        version=0,
    )


def edit_override(project):
    row = PeriodOverride.objects.get(period__dyad__project=project)
    row.value = 0
    row.save()


def edit_evidence(project):
    item = Evidence.objects.get(project=project, key="E1")
    item.quote = "A different quote altogether."
    item.save()


def edit_criterion(project):
    criterion = Criterion.objects.get(codebook=project.codebook, code="D-RESP")
    criterion.name = "Responsiveness, mutual"
    criterion.save()


def edit_source(project):
    source = Source.objects.get(project=project, key="doe2020")
    source.csl = {**source.csl, "title": "Neighbours, revised"}
    source.save()


def add_sources_in_bulk(project):
    Source.objects.bulk_create([Source(project=project, key="new2021", csl={"title": "New"})])


def edit_period(project):
    Period.objects.filter(dyad__project=project, dyad__code="FRA-DEU", code="P1").update(
        label="After the war"
    )


def edit_dyad(project):
    Dyad.objects.filter(project=project, code="FRA-DEU").update(name="France and Germany")


def submit_an_item(project):
    submit_assignment(evidence=Evidence.objects.get(project=project, key="E3"), coder=user("carl"))


def submit_and_reopen(project):
    item = Evidence.objects.get(project=project, key="E3")
    submit_assignment(evidence=item, coder=user("carl"))
    reopen_assignment(evidence=item, coder=user("carl"))


def assign_another_coder_in_bulk(project):
    newcomer, _ = get_user_model().objects.get_or_create(username="cora")
    Membership.objects.create(project=project, user=newcomer, role="coder")
    Assignment.objects.bulk_create(
        [Assignment(evidence=Evidence.objects.get(project=project, key="E1"), coder=newcomer)]
    )


def edit_stage_judgment(project):
    judgment = StageJudgment.objects.get(
        period__dyad__project=project, coder__username="carl", period__code="P2"
    )
    judgment.rationale = "The EU, above all."
    judgment.version += 1
    judgment.save()


def rename_a_coder(project):
    get_user_model().objects.filter(username="carl").update(first_name="Carlo")


def edit_project(project):
    project.citation_style = "apa"
    project.save()


def edit_scale(project):
    ScaleValue.objects.filter(codebook_id=project.codebook_id, value=3).update(label="very strong")


def open_a_round(project, reference="consensus"):
    create_round(
        project=project,
        name="Calibration 1",
        kind="calibration",
        reference=reference,
        coders=[user("carl"), user("cleo")],
        created_by=user("ada"),
        items=list(Evidence.objects.filter(project=project, key__in=["E1", "E2"])),
    )


def record_gold_values(project):
    open_a_round(project, reference="gold")
    round_ = Round.objects.get(project=project)
    record_gold(
        round_=round_,
        evidence=Evidence.objects.get(project=project, key="E1"),
        values={"AB-T2-TRANS": 2},
        recorded_by=user("rita"),
    )


def close_a_round(project):
    open_a_round(project)
    close_round(round_=Round.objects.get(project=project))


def add_a_round_coder_in_bulk(project):
    open_a_round(project)
    Round.coders.through.objects.bulk_create(
        [Round.coders.through(round=Round.objects.get(project=project), user=user("otto"))]
    )


def delete_a_coding_in_bulk(project):
    Coding.objects.filter(evidence__project=project, evidence__key="E1").delete()


def remove_a_member(project):
    Membership.objects.filter(project=project, user__username="otto").delete()


ROUND_CHANGES = [open_a_round, record_gold_values, close_a_round, add_a_round_coder_in_bulk]

# Changes that no page of the small project shows (an uncited source, a submission taken back,
# a coder assigned to an already decided item, a first name, a scale label the rule does not
# print) still move the fingerprint: other projects' pages may show them.
UNSEEN_HERE = [
    add_sources_in_bulk,
    submit_and_reopen,
    assign_another_coder_in_bulk,
    rename_a_coder,
    edit_scale,
    # Read by the rounds' figures, which these pages do not show; an observer none shows either.
    *ROUND_CHANGES,
    remove_a_member,
]

CHANGES = [
    edit_coding,
    edit_consensus,
    add_override,
    edit_override,
    edit_evidence,
    edit_criterion,
    edit_source,
    add_sources_in_bulk,
    edit_period,
    edit_dyad,
    submit_an_item,
    submit_and_reopen,
    assign_another_coder_in_bulk,
    edit_stage_judgment,
    rename_a_coder,
    edit_project,
    edit_scale,
    *ROUND_CHANGES,
    delete_a_coding_in_bulk,
    remove_a_member,
]


def test_the_fingerprint_stays_put_while_nothing_changes(project, client):
    before = project_fingerprint(project)
    client.force_login(user("rita"))
    served(client)
    assert project_fingerprint(project) == before


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__)
def test_every_change_moves_the_fingerprint(project, change):
    before = project_fingerprint(project)
    change(project)
    project.refresh_from_db()
    after = project_fingerprint(project)  # brought up to date from what the cache kept
    assert after != before
    cache.clear()
    assert project_fingerprint(project) == after  # read afresh: the same


# Accounts are shared by projects: a coder's new name is shown by every project they belong to.
SHARED_BY_PROJECTS = [rename_a_coder]


@pytest.fixture
def other_project(project):
    """A second project with the same people, its own codebook and items."""
    bundle = small_bundle()
    bundle["project"].update(slug="other", name="Other project")
    return import_bundle(bundle)


@pytest.mark.parametrize(
    "change", [c for c in CHANGES if c not in SHARED_BY_PROJECTS], ids=lambda f: f.__name__
)
def test_a_change_in_one_project_leaves_the_others_fingerprint(project, other_project, change):
    assert other_project.codebook_id != project.codebook_id
    before = project_fingerprint(project), project_fingerprint(other_project)
    change(project)
    project.refresh_from_db()
    other_project.refresh_from_db()
    assert project_fingerprint(project) != before[0]
    assert project_fingerprint(other_project) == before[1]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__)
def test_the_same_change_in_the_other_project_moves_only_its_fingerprint(
    project, other_project, change
):
    """The reverse direction: the change made in the newer project (larger ids)."""
    before = project_fingerprint(project)
    change(other_project)
    if change in SHARED_BY_PROJECTS:
        return
    project.refresh_from_db()
    assert project_fingerprint(project) == before


def test_the_fingerprint_costs_a_bounded_number_of_queries(
    project, other_project, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):  # a first look reads all the project's rows
        first = project_fingerprint(project)
    with django_assert_max_num_queries(19):  # then only each table's newest id
        assert project_fingerprint(project) == first


@pytest.mark.parametrize(
    "change", [c for c in CHANGES if c not in UNSEEN_HERE], ids=lambda f: f.__name__
)
def test_after_a_change_every_cached_page_is_the_page_computed_afresh(project, client, change):
    client.force_login(user("rita"))
    before = served(client)  # now cached
    change(project)
    after = served(client)
    cache.clear()
    assert after == served(client)
    # The check has teeth only if some page did change.
    assert after != before


def test_the_report_served_from_the_cache_skips_the_computation(project, client):
    client.force_login(user("rita"))
    with CaptureQueriesContext(connection) as cold:
        first = client.get(REPORT + "report.json")
    with CaptureQueriesContext(connection) as warm:
        second = client.get(REPORT + "report.json")
    assert first.json() == second.json()
    read_consensus = [q for q in warm.captured_queries if "cases_consensus" in q["sql"]]
    assert not read_consensus, "a cached report read the consensus again"
    assert len(warm) < len(cold)


def test_readers_of_different_roles_never_share_a_cached_report(project, client):
    """A coder must not be served the reviewer's report, cached a moment earlier."""
    client.force_login(user("rita"))
    reviewer_view = client.get(REPORT + "report.json").json()
    client.force_login(user("carl"))
    coder_view = client.get(REPORT + "report.json").json()
    assert reviewer_view["audience"] == "full"
    assert coder_view["audience"] == "consensus"
    assert coder_view["agreement"] is None and coder_view["stage_judgments"] is None
    assert reviewer_view["stage_judgments"] is not None


def test_the_cached_article_sits_inside_the_page_without_template_syntax(project, client):
    client.force_login(user("otto"))
    for _ in range(2):  # rendered, then from the cache
        page = client.get(REPORT).content.decode()
        assert page.count('<article class="report">') == 1
        assert "<title>France–Germany · report" in page
        assert not any(mark in page for mark in ("{#", "#}", "{%", "%}", "{{", "}}"))


def test_a_reading_page_reads_the_fingerprint_once_and_again_after_a_write(project):
    """``fingerprint_once``: within a GET, the second look costs no query; a write made in the
    request forgets what was kept, so the next look sees the new data; a POST keeps nothing."""
    from django.test import RequestFactory

    from cases.lib.cache import fingerprint_once

    seen = {}

    @fingerprint_once
    def page(request):
        seen["first"] = project_fingerprint(project)
        with CaptureQueriesContext(connection) as again:
            seen["again"] = project_fingerprint(project)
        seen["again_queries"] = len(again)
        edit_coding(project)
        seen["after_a_write"] = project_fingerprint(project)
        return None

    page(RequestFactory().get("/"))
    assert seen["again"] == seen["first"] and seen["again_queries"] == 0
    assert seen["after_a_write"] != seen["first"]
    assert seen["after_a_write"] == project_fingerprint(project)  # outside: read afresh

    page(RequestFactory().post("/"))
    assert seen["again_queries"] > 0
