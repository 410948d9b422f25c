"""The Türkiye–Azerbaijan demo project: it loads, it is rich enough to work with, it round-trips."""

import io
import json
import os
import subprocess
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.bundles import delete_project, dump_bundle, export_bundle, import_bundle, parse_bundle
from cases.bundles.archive import read_bundle_zip
from cases.documents.quote_check import check_project_quotes
from cases.exports.bundle_export import write_bundle_zip_for
from cases.management.commands.setup_demo import attach_demo_documents
from cases.models import Assignment, Coding, Consensus, Document, Evidence, Project
from cases.review.consensus import consensus_for
from cases.tests.cli import REPO

DEMO = REPO / "fixtures" / "turkiye-azerbaijan.json"
CHRONOLOGY = "chronology"  # the source whose document the demo carries (fixtures/demo-document)


@pytest.fixture
def demo(db, settings, tmp_path):
    """The demo as setup_demo loads it: the bundle, then its document attached."""
    settings.MEDIA_ROOT = tmp_path / "media"
    project = import_bundle(parse_bundle(DEMO.read_bytes()))
    attach_demo_documents(project)
    return project


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
    """Through the zip bundle, which carries the demo's document (a JSON bundle only names it)."""
    first = dump_bundle(export_bundle(demo))
    archive = io.BytesIO()
    write_bundle_zip_for(archive, demo, viewer=None)
    delete_project(demo)
    assert Project.objects.count() == 0
    doc, files = read_bundle_zip(archive.getvalue(), max_document_bytes=10**8)
    second = dump_bundle(export_bundle(import_bundle(doc, files=files)))
    assert first == second


def test_the_demo_covers_three_periods_with_forty_items_or_more(demo):
    items = Evidence.objects.filter(project=demo)
    assert items.count() >= 40
    per_period = {p.code: p.evidence.count() for p in demo.dyads.get().periods.all()}
    assert set(per_period) == {"P1", "P2", "P3"}
    assert all(count >= 10 for count in per_period.values()), per_period


def test_every_item_carries_a_short_quote_a_page_and_a_summary(demo):
    for item in Evidence.objects.filter(project=demo).exclude(source__key=CHRONOLOGY):
        assert 0 < len(item.quote.split()) <= 30, item.key
        # Every quote is the article's: its page there is the item's own page, or the page it
        # is quoted from when it rests on a footnoted work.
        page = item.via_locator if item.via_source_id else item.locator
        assert page and item.summary, item.key
        # Only two page markers survive, read as running heads of pages 380 and 391; every
        # other page is counted from them, and the item says so.
        if page not in ("380", "391"):
            assert item.locator_note.startswith("approximate"), item.key


def test_the_chronologys_items_are_passages_of_its_document(demo):
    """The demo's own document (fixtures/demo-document): five items taken from it as passages,
    each quote the passage's words, found in the attached file's text at its offsets."""
    items = Evidence.objects.filter(project=demo, source__key=CHRONOLOGY).select_related("passage")
    assert sorted(i.key for i in items) == [f"CHR-00{n}" for n in range(1, 6)]
    document = Document.objects.get(source__project=demo, source__key=CHRONOLOGY)
    text = document.pages.get().text
    assert text.startswith("A short chronology") and "CC0 1.0 Universal" in text
    for item in items:
        passage = item.passage
        assert passage.document_sha256 == document.sha256, item.key
        assert text[passage.start : passage.end] == passage.exact == item.quote, item.key
        assert item.summary and not item.locator, item.key
    assert check_project_quotes(demo).mismatches == []


def test_the_description_says_how_pages_were_read_and_items_placed(demo):
    assert "read as running heads" in demo.description
    assert "period holding most of the span's years" in demo.description
    assert "docs/demo.md" in demo.description


def test_items_resting_on_a_footnoted_work_cite_it_via_the_article(demo):
    items = Evidence.objects.filter(project=demo).select_related("source", "via_source")
    for item in items:
        if item.footnote:
            # The footnote is the article's; the work it names is the source.
            assert item.via_source.key == "karayel2024", item.key
            assert item.source.key != "karayel2024", item.key
        else:  # the article's own words, or a passage of the demo's chronology
            assert item.source.key in ("karayel2024", CHRONOLOGY), item.key
            assert item.via_source is None, item.key
    kar_005 = items.get(key="KAR-005")  # fn 25: Beşikçi, p. 242
    assert (kar_005.source.key, kar_005.locator, kar_005.via_locator) == (
        "besikci2016",
        "242",
        "385–386",
    )
    # A footnote naming two works: the first is the source, the note names the other.
    kar_010 = items.get(key="KAR-010")
    assert kar_010.source.key == "atmaca1999" and "also cites sancak2018" in kar_010.locator_note


def test_the_authors_bare_stage_verdicts_are_assessments_not_codes(demo):
    """CODEBOOK.md §4b: KAR-058, KAR-061 and KAR-064 state only a stage; they stand beside the
    rule's verdict and nobody codes them."""
    items = Evidence.objects.filter(project=demo)
    assessed = dict(items.exclude(assessed_stage="").values_list("key", "assessed_stage"))
    assert assessed == {"KAR-058": "nascent", "KAR-061": "ascendant", "KAR-064": "mature"}
    assert not Coding.objects.filter(evidence__key__in=assessed, evidence__project=demo).exists()
    assert not Consensus.objects.filter(evidence__key__in=assessed, evidence__project=demo).exists()
    # Her explicit claims of dependable expectations are coded on that criterion instead.
    dep = Consensus.objects.filter(evidence__project=demo, criterion__code="AB-T4-DEP")
    assert dict(dep.values_list("evidence__key", "value")) == {"KAR-018": 1, "KAR-069": 2}
    both = Coding.objects.filter(evidence__key="KAR-070", evidence__project=demo)
    assert {(c.coder.username, c.criterion.code, c.value) for c in both} == {
        ("alice", "AB-T4-DEP", 2),
        ("bob", "AB-T4-DEP", 2),
    }


def test_cumulative_figures_keep_their_span_and_sit_where_most_of_it_falls(demo):
    placed = Evidence.objects.filter(
        project=demo, key__in=["KAR-038", "KAR-039", "KAR-046", "KAR-047"]
    )
    assert {(e.key, e.date, e.period.code) for e in placed} == {
        ("KAR-038", "2002/2020", "P2"),
        ("KAR-039", "2002/2020", "P2"),
        ("KAR-046", "2000/2021", "P2"),
        ("KAR-047", "2000/2020", "P2"),
    }
    assert all("rule 4" in e.locator_note for e in placed)


def test_at_least_three_items_are_assigned_and_not_yet_submitted(demo):
    """DESIGN.md's contract: the demo leaves work for its coders."""
    waiting = Assignment.objects.filter(
        evidence__project=demo, status=Assignment.Status.ASSIGNED
    ).values_list("evidence__key", "coder__username")
    assert sorted(waiting) == [
        (key, coder)
        for key in ("KAR-076", "KAR-077", "KAR-078")
        for coder in ("alice", "bob", "carol")
    ]


def test_a_third_coder_starts_with_a_fresh_queue(demo):
    """carol is assigned items and has coded none: the coding page's first steps can be tried."""
    carol = Assignment.objects.filter(evidence__project=demo, coder__username="carol")
    assert carol.count() == 3
    assert set(carol.values_list("status", flat=True)) == {Assignment.Status.ASSIGNED}
    assert not Coding.objects.filter(evidence__project=demo, coder__username="carol").exists()
    assert demo.memberships.get(user__username="carol").role == "coder"


def test_the_third_coder_leaves_the_consensus_as_it_was(demo):
    """Her items were still waiting for alice and bob: no coded item lost its consensus."""
    states = consensus_for(Evidence.objects.filter(project=demo).values_list("id", flat=True))
    keys = dict(Evidence.objects.filter(project=demo).values_list("id", "key"))
    waiting = sorted(keys[i] for i, s in states.items() if s.awaiting_coders)
    assert waiting == ["KAR-076", "KAR-077", "KAR-078"]
    assert sum(1 for s in states.values() if s.awaits_adjudication) == 8


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
    for username in ("ada", "rita", "alice", "bob", "carol", "olga"):
        assert User.objects.get(username=username).check_password("sccoder-demo")
    assert User.objects.get(username="ada").is_superuser
    assert not User.objects.get(username="alice").is_staff
    assert "Open http://127.0.0.1:8000/ and sign in." in out.getvalue()

    again = StringIO()
    call_command("setup_demo", stdout=again)
    assert "Loaded" not in again.getvalue()
    assert Project.objects.filter(slug="turkiye-azerbaijan").count() == 1


@pytest.mark.parametrize(
    ("address", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000/"),
        ("127.0.0.1:9000", "http://127.0.0.1:9000/"),
        ("localhost:8123", "http://localhost:8123/"),
        ("0.0.0.0:8080", "http://127.0.0.1:8080/"),  # every interface: open it on loopback
        ("[::1]:8000", "http://[::1]:8000/"),
        ("::1:8000", "http://[::1]:8000/"),
    ],
)
def test_setup_demo_prints_the_address_the_server_listens_on(db, address, url):
    out = StringIO()
    call_command("setup_demo", address=address, stdout=out)
    assert f"Open {url} and sign in." in out.getvalue()


def test_make_run_passes_host_and_port_to_the_printed_address_and_the_server():
    """`PORT=9123 HOST=0.0.0.0 make run` serves there and says so (a dry run of the recipe)."""
    env = {**os.environ, "HOST": "0.0.0.0", "PORT": "9123"}
    recipe = subprocess.run(
        ["make", "-n", "run"], cwd=REPO, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "manage.py setup_demo --address 0.0.0.0:9123" in recipe
    assert "manage.py runserver 0.0.0.0:9123" in recipe
