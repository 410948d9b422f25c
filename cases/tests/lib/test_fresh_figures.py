"""Figures recomputed in the background: after a write, a reader is shown the figures computed
before it, marked "updating", at once; the database queue's worker recomputes them; the next
reader is shown the new figures, unmarked. Real commits (``transactional_db``), so the writes'
commit callbacks enqueue the task as they do in production, and the real worker runs it."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cases.bundles import import_bundle
from cases.lib.figure_recipes import AGREEMENT_DRAWS, AGREEMENT_SEED
from cases.lib.fresh_figures import figures_for, recompute
from cases.models import Coding, Dyad, Membership, Project
from cases.reports.build import build_report
from cases.reports.pages import report_article
from cases.review.reliability import agreement_figures
from cases.tests.bundle_factory import small_bundle
from cases.visibility import visibility_for

User = get_user_model()
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queued(settings, transactional_db):
    settings.TASKS = DATABASE_QUEUE
    project = import_bundle(small_bundle())
    run_worker()  # what the import asked for: nothing read yet, nothing to compute
    assert DBTaskResult.objects.ready().count() == 0
    return project


def run_worker() -> None:
    call_command("worker", batch=True, startup_delay=False, verbosity=0)


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def agree_on_e1(project: Project) -> None:
    """Cleo changes her mind on E1 (3 → 2): now she agrees with Carl."""
    coding = Coding.objects.get(
        evidence__project=project,
        evidence__key="E1",
        coder__username="cleo",
        criterion__code="AB-T2-TRANS",
    )
    coding.value = 2
    coding.save()


def test_a_write_shows_older_figures_marked_until_the_worker_recomputes_them(queued):
    project = queued
    rita = client_of("rita")
    agreement = reverse("cases:review_agreement", args=[project.slug])

    first = rita.get(agreement)
    assert first.status_code == 200
    # The first view ever computes in the request.
    assert first.context["figures"].current
    assert b"Updating" not in first.content
    before = first.context["figures"].value

    agree_on_e1(project)
    agree_on_e1(project)  # a second write of the same project asks for no second task
    assert DBTaskResult.objects.ready().count() == 1

    stale = rita.get(agreement)
    shown = stale.context["figures"]
    assert not shown.current
    assert shown.value == before
    assert b"Updating" in stale.content and b"Figures as of" in stale.content
    # The reader found a task queued already: none added.
    assert DBTaskResult.objects.ready().count() == 1
    status = rita.get(
        reverse("cases:figures_status", args=[project.slug]), {"page": shown.page}
    ).json()
    assert status == {"current": False, "pending": True}

    run_worker()
    assert DBTaskResult.objects.ready().count() == 0
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() >= 1

    status = rita.get(
        reverse("cases:figures_status", args=[project.slug]), {"page": shown.page}
    ).json()
    assert status == {"current": True, "pending": False}
    fresh = rita.get(agreement)
    assert fresh.context["figures"].current
    assert b"Updating" not in fresh.content
    after = fresh.context["figures"].value
    assert after == agreement_figures(project, draws=AGREEMENT_DRAWS, seed=AGREEMENT_SEED)
    assert after != before
    trans = [r for r in after["rows"] if r["key"] == "AB-T2-TRANS" and r["measure"] == "value"]
    assert trans[0]["percent_agreement"] == 1.0


def test_the_worker_recomputes_the_reports_read_and_the_comparison(queued):
    project = queued
    otto = client_of("otto")
    report = reverse("cases:report", args=[project.slug, "FRA-DEU"])
    compare = reverse("cases:compare", args=[project.slug])
    assert otto.get(report).context["figures"].current
    assert otto.get(compare).context["figures"].current

    agree_on_e1(project)
    assert not otto.get(report).context["figures"].current
    assert b"Updating" in otto.get(compare).content

    run_worker()
    fresh = otto.get(report)
    assert fresh.context["figures"].current
    assert b"Updating" not in fresh.content
    membership = Membership.objects.get(project=project, user__username="otto")
    dyad = Dyad.objects.get(project=project, code="FRA-DEU")
    expected = report_article(
        project,
        build_report(project, dyad, membership, visibility=visibility_for(membership)),
    )
    assert fresh.context["figures"].value == expected
    assert otto.get(compare).context["figures"].current


def test_a_rolled_back_write_asks_for_nothing(queued):
    from django.db import transaction

    project = queued
    with pytest.raises(RuntimeError), transaction.atomic():
        agree_on_e1(project)
        raise RuntimeError("undone")
    assert DBTaskResult.objects.ready().count() == 0


def test_a_page_that_cannot_be_computed_any_more_leaves_the_list(queued):
    project = queued
    dyad = Dyad.objects.get(project=project, code="FRA-DEU")
    membership = Membership.objects.get(project=project, user__username="otto")
    figures_for("dyad-report-article", project, {"dyad": dyad.pk, "member": membership.pk})
    figures_for("compare-rows", project, {"per_page": 50, "page": 1, "member": None, "rule": None})
    membership.delete()
    # The comparison is still computed; the report of a reader who left is dropped.
    assert recompute(project.pk) == 1
    assert recompute(project.pk) == 0


def test_a_write_in_another_project_leaves_the_figures_current(queued):
    project = queued
    other_bundle = small_bundle()
    other_bundle["project"] = {**other_bundle["project"], "slug": "other", "name": "Other"}
    other = import_bundle(other_bundle)
    run_worker()
    rita = client_of("rita")
    agreement = reverse("cases:review_agreement", args=[project.slug])
    assert rita.get(agreement).context["figures"].current
    agree_on_e1(other)
    assert DBTaskResult.objects.ready().count() == 1  # the other project's
    answer = rita.get(agreement)
    assert answer.context["figures"].current
    assert b"Updating" not in answer.content


def test_the_status_names_no_figures_and_refuses_a_malformed_page(queued):
    rita = client_of("rita")
    status = reverse("cases:figures_status", args=[queued.slug])
    assert rita.get(status, {"page": "review-agreement:nothex"}).status_code == 400
    assert rita.get(status).status_code == 400
    never = "review-agreement:" + "0" * 32
    assert rita.get(status, {"page": never}).json() == {"current": False, "pending": False}


def test_the_reports_of_the_dyads_written_to_come_first(queued):
    from django.core.cache import cache

    from cases.lib.fresh_figures import _affected_key, _in_order

    project = queued
    dyad = Dyad.objects.get(project=project, code="FRA-DEU")
    agree_on_e1(project)
    assert cache.get(_affected_key(project.pk)) == {dyad.pk}
    wanted = {
        "report-of-the-dyad": ("dyad-report-article", {"dyad": dyad.pk, "member": None}),
        "agreement": ("review-agreement", {"dyad": None}),
        "report-of-another": ("dyad-report-article", {"dyad": dyad.pk + 1, "member": None}),
    }
    order = [page for page, _ in _in_order(wanted, {dyad.pk})]
    assert order == ["agreement", "report-of-the-dyad", "report-of-another"]
    run_worker()
    assert cache.get(_affected_key(project.pk)) is None


def test_figures_are_kept_and_recomputed_in_the_language_they_were_read_in(queued):
    """A report read in English and in Turkish is two pages of figures: neither is shown in the
    other's language, and the worker recomputes each in its own."""
    project = queued
    english, turkish = client_of("rita"), client_of("rita")
    turkish.cookies["sccoder_language"] = "tr"
    report = reverse("cases:report", args=[project.slug, "FRA-DEU"])
    assert b"Verdicts by period" in english.get(report).content
    first = turkish.get(report)
    assert first.context["figures"].current
    assert b"Verdicts by period" not in first.content
    assert "Döneme göre hükümler" in first.content.decode()

    agree_on_e1(project)
    assert not turkish.get(report).context["figures"].current
    run_worker()
    fresh = turkish.get(report)
    assert fresh.context["figures"].current
    assert "Döneme göre hükümler" in fresh.content.decode()
    again = english.get(report)
    assert again.context["figures"].current
    assert b"Verdicts by period" in again.content
    assert "Döneme göre hükümler" not in again.content.decode()


# --- the charts, the report's JSON and the rounds' trend ---------------------------------------


def without_figures(answer) -> dict:
    data = answer.json()
    data.pop("figures")
    return data


def test_charts_json_and_trend_are_served_older_and_marked_until_the_worker_recomputes_them(
    queued,
):
    from cases.models import Evidence
    from cases.reports.stage_chart import dyad_stage_chart
    from cases.review.charts import agreement_chart_svg, rounds_trend_svg
    from cases.review.rounds.actions import create_round
    from cases.review.rounds.figures import rounds_trend

    project = queued
    create_round(
        project=project,
        name="Production 1",
        kind="production",
        reference="consensus",
        coders=list(User.objects.filter(username__in=["carl", "cleo"])),
        created_by=User.objects.get(username="rita"),
        items=list(Evidence.objects.filter(project=project)),
    )
    run_worker()
    rita = client_of("rita")
    slug = project.slug
    chart = reverse("cases:review_agreement_chart", args=[slug])
    json_url = reverse("cases:report_json", args=[slug, "FRA-DEU"])
    stages = reverse("cases:report_chart", args=[slug, "FRA-DEU"])
    rounds = reverse("cases:rounds", args=[slug])
    trend = reverse("cases:rounds_trend_chart", args=[slug])

    first = {url: rita.get(url) for url in (chart, json_url, stages, rounds, trend)}
    for url in (chart, stages, trend):
        assert first[url]["X-Figures-Current"] == "true"
        assert "X-Figures-As-Of" not in first[url]  # current figures carry no time
    assert first[json_url].json()["figures"] == {"current": True, "computed_at": None}
    assert first[rounds].context["figures"].current

    agree_on_e1(project)
    stale = {url: rita.get(url) for url in (chart, json_url, stages, rounds, trend)}
    for url in (chart, stages, trend):
        assert stale[url]["X-Figures-Current"] == "false"
        assert stale[url]["X-Figures-As-Of"].endswith("Z")
        assert stale[url].content == first[url].content  # the figures of before the write
    marked = stale[json_url].json()["figures"]
    assert marked["current"] is False and marked["computed_at"].endswith("Z")
    assert without_figures(stale[json_url]) == without_figures(first[json_url])
    assert not stale[rounds].context["figures"].current
    assert b"Updating" in stale[rounds].content
    assert stale[rounds].context["trend"] == first[rounds].context["trend"]

    run_worker()
    fresh = {url: rita.get(url) for url in (chart, json_url, stages, rounds, trend)}
    for url in (chart, stages, trend):
        assert fresh[url]["X-Figures-Current"] == "true"
        assert "X-Figures-As-Of" not in fresh[url]
    assert fresh[json_url].json()["figures"] == {"current": True, "computed_at": None}
    assert b"Updating" not in fresh[rounds].content
    # The values of a computation afresh, from the data as they are now.
    figures = agreement_figures(project, draws=AGREEMENT_DRAWS, seed=AGREEMENT_SEED)
    assert fresh[chart].content == agreement_chart_svg(figures["rows"])
    assert fresh[chart].content != first[chart].content
    membership = Membership.objects.get(project=project, user__username="rita")
    dyad = Dyad.objects.get(project=project, code="FRA-DEU")
    built = build_report(project, dyad, membership, visibility=visibility_for(membership))
    assert without_figures(fresh[json_url]) == json.loads(json.dumps(built))
    assert fresh[stages].content.decode() == dyad_stage_chart(
        project, dyad, visibility_for(membership)
    )
    every = list(project.rounds.order_by("opened_at", "pk"))
    assert fresh[rounds].context["figures"].value == rounds_trend(project, every)
    assert fresh[trend].content == rounds_trend_svg(rounds_trend(project, every))


def test_after_a_write_each_reader_is_served_the_older_figures_of_their_own_audience(queued):
    """Blindness holds for the figures served while recomputed: a coder is served the report
    and the chart computed for their audience, never a reviewer's."""
    project = queued
    carl, rita = client_of("carl"), client_of("rita")
    json_url = reverse("cases:report_json", args=[project.slug, "FRA-DEU"])
    stages = reverse("cases:report_chart", args=[project.slug, "FRA-DEU"])
    before = {who: (c.get(json_url), c.get(stages)) for who, c in (("carl", carl), ("rita", rita))}
    assert before["carl"][0].json()["audience"] != before["rita"][0].json()["audience"]

    agree_on_e1(project)
    for who, client in (("carl", carl), ("rita", rita)):
        data, chart = client.get(json_url), client.get(stages)
        assert data.json()["figures"]["current"] is False
        assert without_figures(data) == without_figures(before[who][0])
        assert chart.content == before[who][1].content
    membership = Membership.objects.get(project=project, user__username="carl")
    dyad = Dyad.objects.get(project=project, code="FRA-DEU")
    own = build_report(project, dyad, membership, visibility=visibility_for(membership))
    run_worker()
    assert without_figures(carl.get(json_url)) == json.loads(json.dumps(own))


def test_a_chart_read_first_keeps_its_page_figures_current_too(queued):
    """The chart is drawn from its page's figures for the data as they are: read before the
    page, it computes them once and keeps them for the page."""
    project = queued
    rita = client_of("rita")
    chart = rita.get(reverse("cases:review_agreement_chart", args=[project.slug]))
    assert chart["X-Figures-Current"] == "true"
    page = rita.get(reverse("cases:review_agreement", args=[project.slug]))
    assert page.context["figures"].current
    assert page.context["figures"].value == agreement_figures(
        project, draws=AGREEMENT_DRAWS, seed=AGREEMENT_SEED
    )
