"""The codebook version pages read a bounded number of queries however many codings a version
moves or marks; and the migration makes every existing codebook its version 1."""

import importlib

from django.apps import apps
from django.urls import reverse

from cases.codebooks.snapshots import snapshot_of
from cases.models import Assignment, CodebookVersion, Criterion, Evidence
from cases.tests.codebooks.test_codebook_pages import client_for, walk_to_preview

SLUG = "small"


def many_disagreeing_items(small_project, people, n=30):
    e1 = Evidence.objects.get(key="E1")
    trans, resp = Criterion.objects.get(code="AB-T2-TRANS"), Criterion.objects.get(code="D-RESP")
    for i in range(n):
        item = Evidence.objects.create(
            project=small_project,
            key=f"M{i:02}",
            dyad=e1.dyad,
            period=e1.period,
            date="1950",
            source=e1.source,
            evidence_type="event",
            quote=f"q{i}",
        )
        for coder in (people["carl"], people["cleo"]):
            Assignment.objects.create(evidence=item, coder=coder, status="submitted")
            trans.codings.create(evidence=item, coder=coder, value=2)
            resp.codings.create(evidence=item, coder=coder, value=1 + i % 2)  # odd ones differ


def test_the_pages_read_a_bounded_number_of_queries(
    small_project, people, django_assert_max_num_queries
):
    many_disagreeing_items(small_project, people)
    ada = client_for(people, "ada")
    preview = walk_to_preview(ada)
    # carl's E1, and both coders on the 15 items where D-RESP (1) differs from AB-T2-TRANS (2)
    assert preview.context["codings"]["marked"] == 31
    with django_assert_max_num_queries(20):
        assert ada.get(reverse("cases:codebook_publish", args=[SLUG])).status_code == 200
    # A dozen per criterion written (checks, save, history), none per coding moved or marked.
    with django_assert_max_num_queries(60):
        ada.post(
            reverse("cases:codebook_publish", args=[SLUG]),
            {"previewed": preview.context["preview"].fingerprint},
        )
    assert CodebookVersion.objects.filter(number=2).exists()
    carl, rita = client_for(people, "carl"), client_for(people, "rita")
    pages = [
        (rita, reverse("cases:codebook_versions", args=[SLUG]), 16),
        (rita, reverse("cases:codebook_diff", args=[SLUG]), 12),
        (ada, reverse("cases:codebook_draft", args=[SLUG]), 14),
        # The queue's and the coding page's first look after the publication also renumber
        # carl's queue (cases.coding.queue_order; the queue reads its stored order): a fixed
        # cost, not one per item.
        (carl, reverse("cases:queue", args=[SLUG]) + "?show=all", 20),
        (carl, reverse("cases:code", args=[SLUG, Evidence.objects.get(key="M01").pk]), 26),
    ]
    for client, address, limit in pages:
        with django_assert_max_num_queries(limit):
            assert client.get(address).status_code == 200, address
    queue = carl.get(reverse("cases:queue", args=[SLUG]) + "?show=all").content.decode()
    assert "asks you to code 16 items again" in queue


def test_the_migration_makes_every_existing_codebook_its_version_1(small_project):
    # Only the plain manager deletes versions (as raw SQL would): no route of the app does.
    CodebookVersion._base_manager.filter(codebook=small_project.codebook).delete()
    migration = importlib.import_module("cases.migrations.0013_codebook_versions")
    migration.publish_version_one(apps, None)
    version = CodebookVersion.objects.get(codebook=small_project.codebook)
    assert version.number == 1
    assert version.snapshot == snapshot_of(small_project.codebook)
