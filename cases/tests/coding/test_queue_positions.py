"""The stored queue positions (Assignment.queue_position) equal the positions computed from the
queue's order after every kind of change of a queue: each test numbers the queues, changes
them through one write path, reads the coding page's place, and compares every stored position
with a fresh numbering."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from cases.bundles.load import import_bundle
from cases.coding.actions import reopen_assignment, return_assignment, submit_assignment
from cases.coding.assignments import assign_items, auto_assign, unassign
from cases.coding.queue_order import place_in_queue, queue_changed, queue_of, renumber
from cases.models import Assignment, CoderQueue, Dyad, Evidence, Period, RecodingMark
from cases.tests.bundle_factory import small_bundle
from cases.tests.codebooks.test_codebook_pages import published

pytestmark = pytest.mark.django_db

# Items of a second dyad that sorts before the first, and more of the first dyad's, dated so
# that their keys and dates disagree on the order.
EXTRA_DYAD = {
    "code": "AUT-ITA",
    "name": "Austria–Italy",
    "state_a": "AUT",
    "state_b": "ITA",
    "periods": [{"code": "P1", "label": "All", "start_year": 1900, "end_year": None}],
}
EXTRA_ITEMS = [("E4", "AUT-ITA", "1970"), ("E5", "FRA-DEU", "1948"), ("E6", "AUT-ITA", "1950")]
EXTRA_ITEMS += [("E7", "FRA-DEU", "2001"), ("E8", "FRA-DEU", "1955"), ("E9", "AUT-ITA", "1999")]


def bundle() -> dict:
    doc = small_bundle()
    doc["dyads"].append(EXTRA_DYAD)
    template = doc["evidence"][0]
    for key, dyad, date in EXTRA_ITEMS:
        doc["evidence"].append({**template, "key": key, "dyad": dyad, "date": date})
    # carl has E4, E5 and E6 to code as well (E1 and E3 already), cleo E5.
    for key, coder in [("E4", "carl"), ("E5", "carl"), ("E6", "carl"), ("E5", "cleo")]:
        doc["codings"].append(
            {"evidence": key, "coder": coder, "submitted": False, "values": {}, "notes": {}}
        )
    return doc


@pytest.fixture
def project(db):
    return import_bundle(bundle())


@pytest.fixture
def people(project):
    return {u.username: u for u in get_user_model().objects.all()}


def stored_and_computed(project, coder) -> tuple[list, list]:
    """[(item key, stored position)] and [(item key, position by the queue's order)], after
    the coding page's look at the queue brought the stored positions up to date."""
    first = queue_of(project, coder).values_list("evidence_id", flat=True).first()
    if first is not None:
        place_in_queue(project, coder, first)
    ordered = list(queue_of(project, coder).values_list("evidence__key", "queue_position"))
    computed = [(key, n) for n, (key, _) in enumerate(ordered, start=1)]
    return sorted(ordered, key=lambda row: row[1] or 0), computed


def assert_current(project, *coders) -> None:
    for coder in coders:
        stored, computed = stored_and_computed(project, coder)
        assert stored == computed, coder.username


@pytest.fixture
def numbered(project, people):
    """Every coder's queue numbered, as after a first look at the coding page."""
    assert_current(project, people["carl"], people["cleo"])
    return project


def item(key) -> Evidence:
    return Evidence.objects.get(key=key)


def test_a_bundle_import_numbers_each_coders_queue_in_queue_order(project, people):
    stored, computed = stored_and_computed(project, people["carl"])
    # AUT-ITA before FRA-DEU; by date within a dyad.
    assert [key for key, _ in computed] == ["E6", "E4", "E5", "E1", "E3"]
    assert stored == computed
    assert_current(project, people["cleo"])


def test_the_coding_page_shows_the_stored_place_and_its_neighbours(numbered, people):
    client = Client()
    client.force_login(people["carl"])
    page = client.get(reverse("cases:code", args=["small", item("E5").pk]))
    assert page.context["position"] == 3
    assert page.context["total"] == 5
    assert page.context["previous"] == item("E4").pk
    assert page.context["following"] == item("E1").pk
    assert "3 of 5" in page.content.decode()


def test_assigning_items_renumbers(numbered, people):
    assign_items(project=numbered, coders=[people["carl"]], items=Evidence.objects.all())
    assert queue_of(numbered, people["carl"]).count() == 9
    assert_current(numbered, people["carl"], people["cleo"])


def test_auto_assignment_renumbers(numbered, people):
    numbered.auto_assign_coders = 2
    numbered.save()
    auto_assign([item("E7"), item("E8"), item("E9")], numbered)
    assert Assignment.objects.filter(evidence__key__in=["E7", "E8", "E9"]).count() == 6
    assert_current(numbered, people["carl"], people["cleo"])


def test_one_assignment_made_or_removed_renumbers(numbered, people):
    Assignment.objects.create(evidence=item("E9"), coder=people["cleo"])
    assert_current(numbered, people["cleo"])
    unassign(assignment=Assignment.objects.get(evidence=item("E5"), coder=people["cleo"]))
    assert_current(numbered, people["cleo"], people["carl"])


def test_submitting_returning_and_reopening_keep_the_positions(numbered, people):
    carl, rita = people["carl"], people["rita"]
    submit_assignment(evidence=item("E4"), coder=carl)
    assert_current(numbered, carl)
    return_assignment(evidence=item("E4"), coder=carl, reviewer=rita, comment="Look again.")
    assert_current(numbered, carl)
    submit_assignment(evidence=item("E4"), coder=carl)
    reopen_assignment(evidence=item("E4"), coder=carl)
    assert_current(numbered, carl)


def test_an_item_moved_by_its_date_or_dyad_renumbers(numbered, people):
    moved = item("E1")
    moved.date = "1900"
    moved.save()
    assert_current(numbered, people["carl"])
    moved.dyad = Dyad.objects.get(code="AUT-ITA")
    moved.period = Period.objects.get(dyad=moved.dyad)
    moved.save()
    assert_current(numbered, people["carl"], people["cleo"])


def test_a_dyad_renamed_renumbers(numbered, people):
    dyad = Dyad.objects.get(code="AUT-ITA")
    dyad.code = "SWE-NOR"  # now after FRA-DEU
    dyad.save()
    stored, computed = stored_and_computed(numbered, people["carl"])
    assert [key for key, _ in computed] == ["E5", "E1", "E3", "E6", "E4"]
    assert stored == computed


def test_an_item_deleted_with_its_assignments_renumbers(numbered, people):
    item("E6").delete()  # uncoded: its assignment goes with it
    assert_current(numbered, people["carl"])
    assert queue_of(numbered, people["carl"]).count() == 4


def test_recoding_marks_keep_the_positions(numbered, people):
    published(numbered, people)
    assert RecodingMark.objects.exists()
    assert_current(numbered, people["carl"], people["cleo"])


def test_reimporting_the_project_numbers_the_new_queues(numbered, people):
    project = import_bundle(bundle(), replace=True)
    assert_current(project, people["carl"], people["cleo"])


def test_a_change_noted_while_numbering_leaves_the_queue_stale(numbered, people):
    carl = people["carl"]
    state = CoderQueue.objects.get(project=numbered, coder=carl)
    assert state.numbered == state.changes and state.size == 5
    # Another request assigns an item after this numbering read the count of changes but
    # before it stored the positions: the queue must still read as stale afterwards.
    Assignment.objects.bulk_create([Assignment(evidence=item("E8"), coder=carl)])
    renumber(numbered, carl)
    queue_changed(coder_ids=[carl.pk])
    state.refresh_from_db()
    assert state.numbered != state.changes
    assert place_in_queue(numbered, carl, item("E8").pk).total == 6
    assert_current(numbered, carl)
