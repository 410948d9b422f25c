"""Placing an item dated by a span: by default the period of the date's start year; a coder may
instead place it in a later period its span reaches (a cumulative 2000–2021 figure in the period
holding most of it; CODEBOOK.md §0: "by its start year unless the coder overrides"). A period
the date does not reach is refused everywhere, and an edit keeps the period the coder chose.

The small project: FRA-DEU with P1 1945–1962 and P2 1963–; E3 is dated 1990/1999.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.bundles import BundleError, import_bundle
from cases.models import Evidence, Membership, Period
from cases.tests.bundle_factory import small_bundle

pytestmark = pytest.mark.django_db


def cumulative(**change):
    doc = small_bundle()
    doc["evidence"].append(
        {
            "key": "E4",
            "dyad": "FRA-DEU",
            "period": "P2",
            "date": "1950/1970",
            "source": "doe2020",
            "locator": "60",
            "locator_note": "cumulative 1950–1970: placed in P2, which holds most of the flow",
            "evidence_type": "statistic",
            "quote": "Trade 1950–1970 came to twelve billion.",
            **change,
        }
    )
    return doc


def test_a_span_may_be_placed_in_a_later_period_it_reaches():
    project = import_bundle(cumulative())
    item = Evidence.objects.get(project=project, key="E4")
    assert item.period.code == "P2" and item.date_start.year == 1950
    item.full_clean()  # the model agrees with the bundle


def test_without_a_period_the_span_goes_by_its_start_year():
    project = import_bundle(cumulative(period=None))
    assert Evidence.objects.get(project=project, key="E4").period.code == "P1"


@pytest.mark.parametrize("date", ["1950/1960", "1950"])
def test_a_period_the_date_does_not_reach_is_refused(date):
    with pytest.raises(BundleError) as refused:
        import_bundle(cumulative(date=date))
    assert "evidence[3] (E4): the date's start year 1950 is not in period P2" in str(refused.value)


def test_the_model_refuses_a_period_the_span_does_not_reach(small_project):
    item = Evidence.objects.get(project=small_project, key="E3")  # 1990/1999 in P2
    item.period = Period.objects.get(dyad__project=small_project, code="P1")
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert "the date's start year 1990 is not in P1" in str(refused.value)


def test_an_edit_keeps_the_period_the_coder_chose_for_a_span(client):
    project = import_bundle(cumulative())
    client.force_login(Membership.objects.get(project=project, user__username="carl").user)
    item = Evidence.objects.get(project=project, key="E4")
    p2 = Period.objects.get(dyad__project=project, code="P2")
    url = reverse("cases:evidence_edit", args=[project.slug, item.pk])
    form = client.get(url).context["form"]
    assert form.initial["period"] == p2.pk  # chosen, so shown: a save does not move it back
    data = {
        "key": "E4",
        "dyad": item.dyad.pk,
        "date": item.date,
        "period": p2.pk,
        "evidence_type": item.evidence_type,
        "source": item.source.pk,
        "locator": item.locator,
        "locator_note": item.locator_note,
        "quote": "Trade 1950–1970 came to twelve billion dollars.",
        "version": 1,
    }
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.period == p2 and item.version == 2
    # An item placed by its start year still opens with the period left to the date.
    e1 = Evidence.objects.get(project=project, key="E1")
    form = client.get(reverse("cases:evidence_edit", args=[project.slug, e1.pk])).context["form"]
    assert form.initial["period"] is None
