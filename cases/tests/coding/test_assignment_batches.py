"""The assignments page: by items, by dyad and period, by a seeded random sample; the project's
coders per item and auto-assignment of new evidence (page, API, bundle import); the coverage
warnings and each coder's progress."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.bundles import import_bundle
from cases.bundles.dump import export_bundle
from cases.coding.assignments import Sample, assign_batch, auto_assign
from cases.models import Assignment, AssignmentBatch, Dyad, Evidence, Notification, Project
from cases.tests.bundle_factory import small_bundle
from cases.tests.evidence.test_evidence_pages import form_data

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"cases:{name}", args=["small", *args])


def add_items(project, n, *, date="1951"):
    base = Evidence.objects.get(project=project, key="E1")
    made = []
    for i in range(n):
        item = Evidence(
            project=project,
            key=f"S{i:02}",
            dyad=base.dyad,
            date=date,
            source=base.source,
            locator="1",
            evidence_type="event",
            quote=f"Quote {i}.",
        )
        item.full_clean()
        item.save()
        made.append(item)
    return made


def assigned_keys(coder):
    return sorted(Assignment.objects.filter(coder=coder).values_list("evidence__key", flat=True))


def test_a_seeded_sample_is_reproducible_and_recorded(small_project, people):
    add_items(small_project, 30)
    carl = people["carl"]
    first = assign_batch(
        project=small_project,
        coders=[carl],
        only_unassigned=True,
        sample=Sample(size=8, seed=1234),
        made_by=people["ada"],
    )
    drawn = assigned_keys(carl)
    assert first.created == 8 and first.seed == 1234
    assert "seed 1234" in first.description
    Assignment.objects.filter(evidence__key__startswith="S").delete()
    again = assign_batch(
        project=small_project, coders=[carl], only_unassigned=True, sample=Sample(size=8, seed=1234)
    )
    assert assigned_keys(carl) == drawn and again.created == 8
    assert AssignmentBatch.objects.count() == 2


def test_a_sample_without_a_seed_gets_one_shown_and_recorded(client, small_project, people):
    add_items(small_project, 20)
    client.force_login(people["ada"])
    response = client.post(
        url("assignments"),
        {"coders": ["carl"], "only_unassigned": "on", "sample_share": "25"},
        follow=True,
    )
    made = AssignmentBatch.objects.get()
    assert made.seed is not None and made.created == 5
    assert f"Seed {made.seed}" in response.content.decode()
    assert f"seed {made.seed}" in response.content.decode()  # the recent rounds


def test_assign_by_item_keys(client, small_project, people):
    add_items(small_project, 5)
    client.force_login(people["ada"])
    client.post(url("assignments"), {"coders": ["cleo"], "keys": "S01, S03\nS04"})
    assert [k for k in assigned_keys(people["cleo"]) if k.startswith("S")] == ["S01", "S03", "S04"]
    response = client.post(url("assignments"), {"coders": ["cleo"], "keys": "S01 NOPE"})
    assert "No such item in this project: NOPE." in response.content.decode()
    assert AssignmentBatch.objects.count() == 1


def test_assign_by_dyad_and_period(client, small_project, people):
    add_items(small_project, 3, date="1970")  # P2
    add_items_p1 = Evidence.objects.filter(project=small_project, period__code="P1")
    p2 = Evidence.objects.get(key="S00").period
    client.force_login(people["ada"])
    client.post(
        url("assignments"),
        {"coders": ["cleo"], "dyad": str(p2.dyad_id), "period": str(p2.pk), "only_unassigned": ""},
    )
    cleo = set(assigned_keys(people["cleo"]))
    assert {"S00", "S01", "S02", "E2"} <= cleo
    assert not cleo & set(add_items_p1.exclude(key="E1").values_list("key", flat=True))


def test_a_period_of_another_dyad_is_refused(client, small_project, people):
    other = Dyad.objects.create(
        project=small_project, code="ESP-PRT", name="Spain–Portugal", state_a="ESP", state_b="PRT"
    )
    p2 = Evidence.objects.get(key="E2").period
    client.force_login(people["ada"])
    response = client.post(
        url("assignments"), {"coders": ["cleo"], "dyad": str(other.pk), "period": str(p2.pk)}
    )
    assert "is a period of FRA-DEU, not of ESP-PRT" in response.content.decode()
    assert not AssignmentBatch.objects.exists()


def test_a_seed_without_a_sample_is_refused(client, small_project, people):
    client.force_login(people["ada"])
    response = client.post(url("assignments"), {"coders": ["cleo"], "seed": "5"})
    assert "A seed draws a random sample" in response.content.decode()
    assert not AssignmentBatch.objects.exists()


def test_the_overview_warns_of_unassigned_and_short_items(client, small_project, people):
    add_items(small_project, 2)
    client.force_login(people["ada"])
    page = client.get(url("assignments")).content.decode()
    # E2 and E3 have one coder each, S00 and S01 none; the default is 2 coders per item
    assert "2 items assigned to nobody:</strong> S00, S01" in page
    assert "2 items with fewer than 2 coders:</strong> E2, E3" in page
    client.post(
        url("assignments"),
        {"save_settings": "1", "coders_per_item": "1", "auto_assign_coders": "0"},
    )
    small_project.refresh_from_db()
    assert small_project.coders_per_item == 1
    page = client.get(url("assignments")).content.decode()
    assert "fewer than" not in page


def test_progress_and_throughput(client, small_project, people):
    client.force_login(people["ada"])
    progress = {row["coder"]: row for row in client.get(url("assignments")).context["progress"]}
    # carl submitted E1 (today, at the import), E3 open; cleo submitted E1, E2 open
    assert progress["carl"]["assigned"] == 2 and progress["carl"]["submitted"] == 1
    assert progress["carl"]["open"] == 1 and progress["carl"]["share"] == 50
    assert progress["carl"]["per_day"][-1] == 1 and progress["carl"]["last_days"] == 1
    Assignment.objects.filter(coder=people["carl"], status="submitted").update(
        submitted_at=timezone.now() - timezone.timedelta(days=9)
    )
    # Nine days later, as far as the submission is concerned. The figures are kept per day
    # (and per state of the project's data, which this update leaves as it was, writing no
    # history): nine days later they would be computed for another day.
    cache.clear()
    progress = {row["coder"]: row for row in client.get(url("assignments")).context["progress"]}
    assert progress["carl"]["last_days"] == 0 and progress["carl"]["submitted"] == 1


@pytest.mark.parametrize(
    ("name", "status"), [("rita", 403), ("carl", 403), ("otto", 403), ("olaf", 404)]
)
def test_only_admins_assign(client, small_project, people, name, status):
    client.force_login(people[name])
    assert client.get(url("assignments")).status_code == status
    response = client.post(
        url("assignments"),
        {"save_settings": "1", "coders_per_item": "5", "auto_assign_coders": "2"},
    )
    assert response.status_code == status
    small_project.refresh_from_db()
    assert (small_project.coders_per_item, small_project.auto_assign_coders) == (2, 0)


def test_the_page_runs_a_bounded_number_of_queries(
    client, small_project, people, django_assert_max_num_queries
):
    add_items(small_project, 40)
    client.force_login(people["ada"])
    # Coverage and progress are background figures: the page's own queries, the project's
    # fingerprint (its first look reads all the project's rows), and the figures computed on
    # this first view and kept (the database cache: reads and writes of its table).
    with django_assert_max_num_queries(58):
        assert client.get(url("assignments")).status_code == 200
    # Read again: the fingerprint brought up to date and the figures read back.
    with django_assert_max_num_queries(36):
        assert client.get(url("assignments")).status_code == 200


# -- auto-assignment -------------------------------------------------------------------------


def test_auto_assign_picks_the_fewest_open_then_by_name(small_project, people):
    # carl has E3 open, cleo E2: a tie, so carl first by name
    small_project.auto_assign_coders = 1
    (new,) = add_items(small_project, 1)
    assert auto_assign([new], small_project) == 1
    assert assigned_keys(people["carl"])[-1] == "S00"


def test_auto_assign_is_off_by_default(small_project, people):
    (new,) = add_items(small_project, 1)
    assert auto_assign([new], small_project) == 0
    assert not Assignment.objects.filter(evidence=new).exists()


def test_auto_assign_spreads_a_batch(small_project, people):
    small_project.auto_assign_coders = 1
    new = add_items(small_project, 4)
    auto_assign(new, small_project)
    owners = dict(
        Assignment.objects.filter(evidence__in=new).values_list("evidence__key", "coder__username")
    )
    assert owners == {"S00": "carl", "S01": "cleo", "S02": "carl", "S03": "cleo"}
    assert set(Notification.objects.filter(kind="assigned").values_list("text", flat=True)) == {
        "sccoder assigned you 2 new items."
    }


def test_evidence_added_on_the_page_is_auto_assigned(client, small_project, people):
    Project.objects.filter(pk=small_project.pk).update(auto_assign_coders=2)
    client.force_login(people["carl"])
    response = client.post(url("evidence_new"), form_data(small_project), follow=True)
    assert "Assigned to 2 coders." in response.content.decode()
    assert sorted(
        Assignment.objects.filter(evidence__key="N1").values_list("coder__username", flat=True)
    ) == ["carl", "cleo"]


def test_evidence_added_over_the_api_is_auto_assigned(small_project, people):
    Project.objects.filter(pk=small_project.pk).update(auto_assign_coders=1)
    api = APIClient()
    api.force_login(people["rita"])
    item = {
        "key": "E4",
        "dyad": "FRA-DEU",
        "date": "1955-05",
        "source": "doe2020",
        "locator": "21",
        "evidence_type": "event",
        "quote": "Paris agreements in force.",
    }
    assert api.post("/api/projects/small/evidence/", item, format="json").status_code == 201
    assert list(
        Assignment.objects.filter(evidence__key="E4").values_list("coder__username", flat=True)
    ) == ["carl"]


def test_a_bundle_import_auto_assigns_the_items_it_assigns_to_nobody(db):
    bundle = small_bundle()
    bundle["project"].update(slug="auto", auto_assign_coders=1, coders_per_item=3)
    bundle["codings"] = [c for c in bundle["codings"] if c["evidence"] != "E3"]
    project = import_bundle(bundle)
    assert project.coders_per_item == 3
    assert list(
        Assignment.objects.filter(evidence__project=project, evidence__key="E3").values_list(
            "coder__username", flat=True
        )
    ) == ["carl"]  # carl 0 open, cleo 1 (E2)
    meta = export_bundle(project)["project"]
    assert (meta["auto_assign_coders"], meta["coders_per_item"]) == (1, 3)
