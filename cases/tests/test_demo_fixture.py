"""The Türkiye–Azerbaijan demo project: it loads, it is rich enough to work with, it round-trips."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.bundles import delete_project, dump_bundle, export_bundle, import_bundle, parse_bundle
from cases.consensus import consensus_for
from cases.models import Coding, Evidence, Project

from .cli import REPO

DEMO = REPO / "fixtures" / "turkiye-azerbaijan.json"


@pytest.fixture
def demo(db):
    return import_bundle(parse_bundle(DEMO.read_bytes()))


def test_the_demo_is_the_largest_bundle_in_fixtures():
    bundles = [
        p
        for p in (REPO / "fixtures").glob("*.json")
        if json.loads(p.read_text(encoding="utf-8")).get("format") == "sccoder-bundle"
    ]
    assert max(bundles, key=lambda p: p.stat().st_size) == DEMO


def test_the_demo_file_is_its_own_canonical_export(demo):
    assert dump_bundle(export_bundle(demo)) == DEMO.read_text(encoding="utf-8")


def test_the_demo_roundtrips_through_an_empty_database(demo):
    first = dump_bundle(export_bundle(demo))
    delete_project(demo)
    assert Project.objects.count() == 0
    second = dump_bundle(export_bundle(import_bundle(json.loads(first))))
    assert first == second


def test_the_demo_covers_three_periods_with_forty_items_or_more(demo):
    items = Evidence.objects.filter(project=demo)
    assert items.count() >= 40
    per_period = {p.code: p.evidence.count() for p in demo.dyads.get().periods.all()}
    assert set(per_period) == {"P1", "P2", "P3"}
    assert all(count >= 10 for count in per_period.values()), per_period


def test_every_item_carries_a_short_quote_a_page_and_a_summary(demo):
    for item in Evidence.objects.filter(project=demo):
        assert 0 < len(item.quote.split()) <= 30, item.key
        assert item.locator and item.summary, item.key
        if item.locator not in ("380", "391"):
            assert item.locator_note.startswith("approximate"), item.key


def test_the_demo_codes_all_three_tiers_and_records_contrary_evidence(demo):
    coded = set(
        Coding.objects.filter(evidence__project=demo).values_list("criterion__code", flat=True)
    )
    for prefix in ("AB-T1-", "AB-T2-", "AB-T3-", "AB-LC-", "D-"):
        assert any(code.startswith(prefix) for code in coded), prefix
    assert Coding.objects.filter(evidence__project=demo, value=0).exists()
    # The 1993 request for military help that went unanswered, and the 2008 flag crisis.
    items = Evidence.objects.filter(project=demo)
    assert items.filter(date="1993", quote__contains="was not met by Ankara").exists()
    assert items.filter(date__startswith="2008", quote__contains="flag crisis").exists()


def test_two_coders_coded_every_item_and_disagree_on_some(demo):
    by_coder = {}
    for code in Coding.objects.filter(evidence__project=demo).values_list(
        "coder__username", flat=True
    ):
        by_coder[code] = by_coder.get(code, 0) + 1
    assert set(by_coder) == {"alice", "bob"}
    states = consensus_for(Evidence.objects.filter(project=demo).values_list("id", flat=True))
    pending = sum(1 for s in states.values() if s.awaits_adjudication)
    assert pending > 0, "the review module needs genuine disagreements to show"


def test_setup_demo_loads_once_and_activates_the_demo_accounts(db):
    out = StringIO()
    call_command("setup_demo", stdout=out)
    assert "Loaded the demo project" in out.getvalue()
    assert "sccoder-demo" in out.getvalue()
    User = get_user_model()
    for username in ("ada", "rita", "alice", "bob", "olga"):
        assert User.objects.get(username=username).check_password("sccoder-demo")
    assert User.objects.get(username="ada").is_superuser
    assert not User.objects.get(username="alice").is_staff

    again = StringIO()
    call_command("setup_demo", stdout=again)
    assert "Loaded" not in again.getvalue()
    assert Project.objects.filter(slug="turkiye-azerbaijan").count() == 1
