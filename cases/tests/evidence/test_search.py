"""Evidence search: words in any order, case- and accent-insensitive, and the same answer on the
evidence page and in the API (DESIGN.md), on SQLite and PostgreSQL alike."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cases.bundles import import_bundle
from cases.evidence.search import fold, search_evidence
from cases.models import Evidence
from cases.tests.bundle_factory import small_bundle

pytestmark = pytest.mark.django_db

QUOTES = {
    "T1": "Türkiye and Azerbaijan signed the TANAP agreement.",
    "T2": "The pipeline carries Caspian gas to Europe.",
    "T3": "İSTANBUL hosted the summit; Şuşa declaration followed.",
    "T4": "Ilham Aliyev spoke in Baku.",
    "T5": "A combining accent: Tu\u0308rkiye written with U+0308.",
}


@pytest.fixture
def searchable(db):
    bundle = small_bundle()
    bundle["evidence"] = [
        {
            "key": key,
            "dyad": "FRA-DEU",
            "date": "1995",
            "source": "doe2020",
            "locator": "1",
            "evidence_type": "event",
            "quote": quote,
            "summary": "TANAP pipeline agreement." if key == "T2" else "",
        }
        for key, quote in QUOTES.items()
    ]
    bundle["codings"], bundle["consensus"] = [], []
    project = import_bundle(bundle)
    assert Evidence.objects.get(key="T5").quote.count("\u0308") == 1
    return project


def keys(query: str) -> list[str]:
    return sorted(
        Evidence.objects.filter(pk__in=search_evidence(Evidence.objects.all(), query)).values_list(
            "key", flat=True
        )
    )


def test_fold_lowers_and_strips_accents_with_the_turkish_i():
    assert fold("Türkiye") == "turkiye"
    assert fold("İSTANBUL") == "istanbul"
    assert fold("Iğdır") == "igdir"
    assert fold("ŞUŞA") == "susa"
    assert fold("Çanakkale") == "canakkale"
    assert fold("Tu\u0308rkiye") == "turkiye"  # decomposed accent dropped
    assert fold("ß") == "ß"  # no one-letter base: kept as it is, on both databases


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Turkiye", ["T1", "T5"]),
        ("TÜRKIYE", ["T1", "T5"]),
        ("istanbul", ["T3"]),
        ("susa", ["T3"]),
        ("Şuşa istanbul", ["T3"]),
        ("TANAP pipeline", ["T2"]),  # words in the summary, any order
        ("pipeline TANAP", ["T2"]),
        ("tanap", ["T1", "T2"]),
        ("ılham baku", ["T4"]),
        ("nowhere", []),
        ("   ", ["T1", "T2", "T3", "T4", "T5"]),
    ],
)
def test_search_finds_words_in_any_order_whatever_their_case_and_accents(
    searchable, query, expected
):
    assert keys(query) == expected


def test_the_page_and_the_api_give_the_same_items(searchable):
    client = Client()
    client.force_login(get_user_model().objects.get(username="rita"))
    for query in ("Turkiye", "TANAP pipeline", "susa istanbul", "baku"):
        page = client.get("/p/small/evidence/", {"q": query}).content.decode()
        on_page = sorted(set(re.findall(r">(T\d)<", page)))
        api = client.get("/api/projects/small/evidence/", {"q": query}).json()
        in_api = sorted(item["key"] for item in api["results"])
        assert on_page == in_api == keys(query), query


# -- notes and rationales: the words a reader may search are the words they may read -----------


def _item(key: str, quote: str) -> dict:
    return {
        "key": key,
        "dyad": "FRA-DEU",
        "date": "1995",
        "source": "doe2020",
        "locator": "1",
        "evidence_type": "event",
        "quote": quote,
        "summary": "",
    }


@pytest.fixture
def annotated(db):
    """N1: carl's note says "zeppelin", cleo's says "quokka"; both submitted, and rita decided
    it with a rationale saying "marmoset". N2: decided with "narwhal"; only cleo was assigned
    (submitted). N3: carl submitted, cleo still coding; rita's rationale says "ocelot"."""
    bundle = small_bundle()
    bundle["evidence"] = [
        _item("N1", "Treaty signed in Türkiye."),
        _item("N2", "A plain quote."),
        _item("N3", "Another plain quote."),
    ]
    bundle["codings"] = [
        {
            "evidence": "N1",
            "coder": "carl",
            "submitted": True,
            "values": {"D-RESP": 1},
            "notes": {"D-RESP": "Only the Zeppelin élites."},
        },
        {
            "evidence": "N1",
            "coder": "cleo",
            "submitted": True,
            "values": {"D-RESP": 2},
            "notes": {"D-RESP": "QUOKKA said so"},
        },
        {"evidence": "N2", "coder": "cleo", "submitted": True, "values": {"D-RESP": 1}},
        {"evidence": "N3", "coder": "carl", "submitted": True, "values": {"D-RESP": 2}},
        {"evidence": "N3", "coder": "cleo", "submitted": False, "values": {}},
    ]
    bundle["consensus"] = [
        {"evidence": "N1", "values": {"D-RESP": 1}, "decided_by": "rita", "rationale": "Marmoset."},
        {"evidence": "N2", "values": {"D-RESP": 1}, "decided_by": "rita", "rationale": "Narwhal."},
        {"evidence": "N3", "values": {"D-RESP": 2}, "decided_by": "rita", "rationale": "Ocelot."},
    ]
    bundle["stage_judgments"] = []
    return import_bundle(bundle)


def found_by(username: str, query: str) -> tuple[list[str], list[str]]:
    """The keys the evidence page and the API answer ``username``'s search with."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page = client.get("/p/small/evidence/", {"q": query})
    assert page.status_code == 200
    on_page = sorted(set(re.findall(r">(N\d)<", page.content.decode())))
    api = client.get("/api/projects/small/evidence/", {"q": query})
    assert api.status_code == 200
    return on_page, sorted(item["key"] for item in api.json()["results"])


def expect(username: str, query: str, keys_: list[str]) -> None:
    on_page, in_api = found_by(username, query)
    assert on_page == keys_, ("page", username, query)
    assert in_api == keys_, ("api", username, query)


@pytest.mark.parametrize(
    ("username", "query", "expected"),
    [
        # A coder's own note, folded like any text; another coder's note never.
        ("carl", "zeppelin", ["N1"]),
        ("carl", "ELITES", ["N1"]),
        ("carl", "quokka", []),
        ("cleo", "quokka", ["N1"]),
        ("cleo", "zeppelin", []),
        # Words from the quote and a note together, in any order.
        ("carl", "turkiye zeppelin", ["N1"]),
        ("cleo", "zeppelin turkiye", []),
        # Admins and reviewers read every note; observers read none.
        ("rita", "zeppelin", ["N1"]),
        ("ada", "quokka", ["N1"]),
        ("otto", "zeppelin", []),
        ("otto", "quokka", []),
    ],
)
def test_a_coder_searches_only_their_own_notes(annotated, username, query, expected):
    expect(username, query, expected)


@pytest.mark.parametrize(
    ("username", "query", "expected"),
    [
        # carl submitted N1 and N3: their rationales are his to read. N2 he never coded.
        ("carl", "marmoset", ["N1"]),
        ("carl", "ocelot", ["N3"]),
        ("carl", "narwhal", []),
        # cleo submitted N1 and N2, and is still coding N3: its decision is veiled from her.
        ("cleo", "narwhal", ["N2"]),
        ("cleo", "ocelot", []),
        ("cleo", "ocelot plain", []),
        # Reviewers, admins and observers read every rationale.
        ("rita", "ocelot", ["N3"]),
        ("ada", "narwhal", ["N2"]),
        ("otto", "marmoset", ["N1"]),
    ],
)
def test_a_coder_searches_only_the_rationales_they_may_read(annotated, username, query, expected):
    expect(username, query, expected)


def test_a_coder_cannot_learn_a_hidden_rationale_letter_by_letter(annotated):
    """Probing a veiled rationale word by word and prefix by prefix answers exactly what the
    item's own text answers: the rationale never changes the result."""
    for probe in ("c", "ce", "cel", "celo", "ocelot", "lot", "ocelot."):
        own_text = keys_in_text_only(f"another {probe}")
        assert found_by("cleo", f"another {probe}") == (own_text, own_text), probe
        assert found_by("rita", f"another {probe}") == (["N3"], ["N3"]), probe  # it is there
        assert own_text == [], probe


def keys_in_text_only(query: str) -> list[str]:
    return sorted(
        search_evidence(Evidence.objects.all(), query).values_list("key", flat=True).distinct()
    )


def test_the_page_and_the_api_search_through_one_filterset():
    from cases.api.filters import EvidenceFilter
    from cases.evidence.search import EvidenceSearchFilter

    assert issubclass(EvidenceFilter, EvidenceSearchFilter)
    assert EvidenceFilter.base_filters["q"] is EvidenceSearchFilter.base_filters["q"]


def test_postgresql_ranks_the_best_match_first_and_sqlite_keeps_the_order(searchable):
    from django.db import connection

    from cases.evidence.search import rank_by_relevance

    items = search_evidence(Evidence.objects.order_by("key"), "tanap")
    ranked = list(rank_by_relevance(items, "TANAP pipeline").values_list("key", flat=True))
    if connection.vendor == "postgresql":
        # T2 holds both words (in its quote and summary), T1 only one.
        assert ranked == ["T2", "T1"]
    else:
        assert ranked == ["T1", "T2"]
