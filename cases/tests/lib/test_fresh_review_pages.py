"""The review pages' figures recomputed in the background, as the agreement's: the disagreement
queue's ids, the project home's every-coder figures, the overrides' derived values and the
assignments page's coverage. After a write a reader is shown the figures computed before it,
marked "updating"; the worker recomputes them; the next reader is shown the new ones. A coder's
own numbers are never background figures: they are never marked."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from cases.coding.assignments import coverage_for
from cases.models import Criterion, Period
from cases.projects.progress import every_coders_progress
from cases.review.overrides import derived_values, set_period_override
from cases.review.queue import disagreement_ids
from cases.tests.lib.test_fresh_figures import (  # noqa: F401
    agree_on_e1,
    client_of,
    queued,
    run_worker,
)


def test_the_review_pages_show_older_figures_marked_until_the_worker_recomputes_them(queued):  # noqa: F811
    project = queued
    rita, ada = client_of("rita"), client_of("ada")
    set_period_override(
        period=Period.objects.get(dyad__project=project, code="P1"),
        criterion=Criterion.objects.get(codebook_id=project.codebook_id, code="AB-T2-TRANS"),
        reviewer=get_user_model().objects.get(username="rita"),
        value=2,
        rationale="The treaty says so.",
        version=0,
    )
    pages = {
        "disagreements": (rita, reverse("cases:review_disagreements", args=[project.slug])),
        "home": (rita, reverse("cases:project", args=[project.slug])),
        "overrides": (rita, reverse("cases:review_overrides", args=[project.slug])),
        "assignments": (ada, reverse("cases:assignments", args=[project.slug])),
    }
    fresh = {
        "disagreements": lambda: disagreement_ids(project),
        "home": lambda: every_coders_progress(project),
        "overrides": lambda: derived_values(project),
        "assignments": lambda: coverage_for(project),
    }

    def shown(name, response):
        value = response.context["figures"].value
        if name == "assignments":
            return value["coverage"]
        return value

    before = {}
    for name, (client, address) in pages.items():
        first = client.get(address)
        assert first.context["figures"].current, name
        assert b"Updating" not in first.content, name
        before[name] = shown(name, first)
        assert before[name] == fresh[name](), name

    agree_on_e1(project)
    for name, (client, address) in pages.items():
        stale = client.get(address)
        assert not stale.context["figures"].current, name
        assert shown(name, stale) == before[name], name
        assert b"Updating" in stale.content and b"Figures as of" in stale.content, name
    # A coder's own numbers on the project home are as they are now, never marked.
    carl = client_of("carl").get(reverse("cases:project", args=[project.slug]))
    assert carl.context["figures"] is None
    assert b"Updating" not in carl.content

    run_worker()
    for name, (client, address) in pages.items():
        again = client.get(address)
        assert again.context["figures"].current, name
        assert b"Updating" not in again.content, name
        assert shown(name, again) == fresh[name](), name
