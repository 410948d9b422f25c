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
