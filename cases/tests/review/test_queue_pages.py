"""The disagreement queue's pages read the ids of each list (kept as background figures) and
then only the items of the page shown: the same items, in the same order, with the same counts
as the lists computed afresh, on every page, with filters, and after a write."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from cases.models import Assignment, Criterion, Evidence
from cases.review.adjudication import adjudicate_item
from cases.review.queue import disagreement_queues
from cases.tests.review.test_review_pages import disputes, queue_keys  # noqa: F401

PAGE_SIZE = 25


def counts(response) -> dict[str, int]:
    page = response.content.decode()
    return {
        name: int(re.search(rf'id="count-{name}">(\d+)<', page)[1])
        for name in ("awaiting", "decided")
    }


def expected(project, show: str, page: int, **narrowing) -> tuple[list[str], dict[str, int]]:
    """The keys of one page and both counts, from every item of the lists computed afresh."""
    queues = disagreement_queues(project, **narrowing)
    keys = [item.key for item in queues[show]][(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return keys, {name: len(items) for name, items in queues.items()}


@pytest.fixture
def long_queue(small_project, people, disputes):  # noqa: F811
    """E2 and E3 disputed, and 40 more items carl and cleo both submitted, three in four of
    them disputed on AB-T2-TRANS: more than one page in the queue."""
    e1 = disputes["E1"]
    trans = Criterion.objects.get(code="AB-T2-TRANS")
    for n in range(40):
        item = Evidence.objects.create(
            project=small_project,
            key=f"M{n:02}",
            dyad=e1.dyad,
            period=e1.period,
            date=str(1950 + n),
            source=e1.source,
            evidence_type="event",
            quote=f"q{n}",
        )
        for coder, value in ((people["carl"], n % 4), (people["cleo"], 1)):
            Assignment.objects.create(evidence=item, coder=coder, status="submitted")
            trans.codings.create(evidence=item, coder=coder, value=value)
    return small_project


def pages_match(client, project) -> int:
    """Every page of both lists, unfiltered and by a criterion, against the lists computed
    afresh; the number of pages compared."""
    base = reverse("cases:review_disagreements", args=[project.slug])
    criterion = Criterion.objects.filter(codebook_id=project.codebook_id).order_by("order")[0]
    compared = 0
    for query, narrowing in (
        ("", {}),
        (f"criterion={criterion.code}", {"criterion": criterion.code}),
    ):
        for show in ("awaiting", "decided"):
            page = 1
            while True:
                address = f"{base}?{query}&show={show}&page={page}"
                response = client.get(address)
                keys, both = expected(project, show, page, **narrowing)
                assert response.context["page"].number == page or not keys, address
                assert queue_keys(response) == keys, address
                assert counts(response) == both, address
                compared += 1
                if page * PAGE_SIZE >= both[show]:
                    break
                page += 1
    return compared


def test_every_page_of_the_queue_shows_the_items_and_counts_computed_afresh(
    client, people, long_queue
):
    demo = long_queue
    client.force_login(people["rita"])
    awaiting = disagreement_queues(demo)["awaiting"]
    assert len(awaiting) > PAGE_SIZE, "the queue spans more than one page"
    assert pages_match(client, demo) > 4
    # A decision takes an item out of "awaiting" and into "decided": the pages follow.
    first = Evidence.objects.get(pk=awaiting[0].pk)
    adjudicate_item(
        evidence=first,
        reviewer=people["rita"],
        values={code: None for code in awaiting[0].pending},
        rationale="Not in the text.",
        versions={},
    )
    after = disagreement_queues(demo)
    assert first.pk not in [item.pk for item in after["awaiting"]]
    assert first.pk in [item.pk for item in after["decided"]]
    assert pages_match(client, demo) > 4
    # And so do they from an empty cache.
    cache.clear()
    assert pages_match(client, demo) > 4


def test_a_page_beyond_the_last_shows_the_last(client, people, long_queue):
    demo = long_queue
    client.force_login(people["rita"])
    base = reverse("cases:review_disagreements", args=[demo.slug])
    queue = disagreement_queues(demo)["awaiting"]
    last = -(-len(queue) // PAGE_SIZE)
    response = client.get(f"{base}?page=999")
    assert response.context["page"].number == last
    assert queue_keys(response) == [item.key for item in queue[(last - 1) * PAGE_SIZE :]]
