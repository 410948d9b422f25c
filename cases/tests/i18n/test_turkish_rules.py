"""Turkish collation and case rules: lists of names sorted by the Turkish alphabet when the
interface is Turkish, by the root collation otherwise; searches that fold I/ı and İ/i as Turkish
does, in either language, with the same answer in both."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from cases.bundles import import_bundle
from cases.tests.bundle_factory import small_bundle
from cases.web.collation import sorted_for_reader

NAMES = ["Zeynep", "Çelik", "Cem", "İpek", "Işık", "Ilgaz", "Şahin", "Sevgi", "Deniz", "Ömer"]
NAMES.append("Oya")


def test_under_turkish_names_follow_the_turkish_alphabet():
    with translation.override("tr"):
        ordered = sorted_for_reader(NAMES, str)
    # c < ç, ı (capital I) < i (capital İ), o < ö, s < ş: letters of their own.
    assert ordered == [
        "Cem", "Çelik", "Deniz", "Ilgaz", "Işık", "İpek", "Oya", "Ömer", "Sevgi", "Şahin", "Zeynep"
    ]  # fmt: skip


def test_under_english_accented_letters_sort_with_their_base_letter():
    with translation.override("en"):
        ordered = sorted_for_reader(NAMES, str)
    assert ordered == [
        "Çelik", "Cem", "Deniz", "Ilgaz", "İpek", "Işık", "Ömer", "Oya", "Şahin", "Sevgi", "Zeynep"
    ]  # fmt: skip


CODERS = ["sevgi", "şule", "cem", "çağla", "ilker", "ısık"]


@pytest.fixture
def turkish_team(db):
    bundle = small_bundle()
    bundle["members"] += [{"username": name, "role": "coder"} for name in CODERS]
    import_bundle(bundle)
    client = Client()
    client.force_login(get_user_model().objects.get(username="ada"))
    return client


def order_on_page(page: str, names) -> list[str]:
    return sorted(names, key=lambda name: page.index(f'value="{name}"'))


def test_the_assignments_page_lists_coders_in_the_readers_alphabet(turkish_team):
    client = turkish_team
    client.post("/i18n/setlang/", {"language": "tr", "next": "/"})
    page = client.get("/p/small/assignments/").content.decode()
    assert '<html lang="tr">' in page
    assert order_on_page(page, CODERS) == ["cem", "çağla", "ısık", "ilker", "sevgi", "şule"]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/p/small/assignments/").content.decode()
    assert order_on_page(page, CODERS) == ["çağla", "cem", "ilker", "ısık", "sevgi", "şule"]


QUOTES = {
    "S1": "İSTANBUL hosted the summit.",
    "S2": "The governor of ISPARTA spoke.",
    "S3": "Rose oil from ısparta.",
    "S4": "Nothing about either city.",
}


@pytest.fixture
def cities(db):
    bundle = small_bundle()
    bundle["sources"].append(
        {
            "key": "kaya2021",
            "csl": {
                "type": "book",
                "title": "İstanbul ve Isparta",
                "author": [{"family": "Işıkoğlu", "given": "Ayşe"}],
                "issued": {"date-parts": [[2021]]},
            },
        }
    )
    bundle["evidence"] = [
        {
            "key": key,
            "dyad": "FRA-DEU",
            "date": "1995",
            "source": "doe2020",
            "locator": "1",
            "evidence_type": "event",
            "quote": quote,
        }
        for key, quote in QUOTES.items()
    ]
    bundle["codings"], bundle["consensus"] = [], []
    import_bundle(bundle)
    client = Client()
    client.force_login(get_user_model().objects.get(username="rita"))
    return client


def found(client, query: str) -> list[str]:
    page = client.get("/p/small/evidence/", {"q": query}).content.decode()
    return [key for key in QUOTES if f">{key}<" in page]


@pytest.mark.parametrize("language", ["tr", "en"])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("istanbul", ["S1"]),  # i is the small letter of İ
        ("İstanbul", ["S1"]),
        ("ısparta", ["S2", "S3"]),  # ı is the small letter of I
        ("ISPARTA", ["S2", "S3"]),
        ("Isparta", ["S2", "S3"]),
        ("isparta", ["S2", "S3"]),  # and the dot, like ü's or ş's marks, does not matter
    ],
)
def test_the_evidence_search_folds_the_turkish_i_in_either_language(
    cities, language, query, expected
):
    cities.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert found(cities, query) == expected


@pytest.mark.parametrize("query", ["istanbul", "ISPARTA", "ışıkoğlu", "IŞIKOGLU istanbul"])
def test_the_api_source_search_folds_the_turkish_i(cities, query):
    answer = cities.get("/api/projects/small/sources/", {"q": query}).json()
    assert [source["key"] for source in answer["results"]] == ["kaya2021"]
