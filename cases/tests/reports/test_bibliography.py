"""The report's bibliography (cases.reports.citing.bibliography) on the demo project: its
order, its Turkish titles and its entries as the reader sees them."""

import pytest

from cases.bundles import import_bundle, parse_bundle
from cases.models import Evidence, Source
from cases.reports.citing import bibliography
from cases.tests.cli import REPO

DEMO = REPO / "fixtures" / "turkiye-azerbaijan.json"
STAR_URL = (
    "https://www.aa.com.tr/tr/ekonomi/star-rafineri-2022de-yuzde-113luk-kapasite-kullanim-oranina"
    "-ulasti/2881606"
)


@pytest.fixture
def demo(db):
    return import_bundle(parse_bundle(DEMO.read_bytes()))


def demo_bibliography(project):
    evidence = Evidence.objects.filter(project=project).select_related("source", "via_source")
    return bibliography(project, evidence)


def test_the_demos_mixed_list_sorts_turkish_names_by_their_letters_never_after_z(demo):
    entries = demo_bibliography(demo)
    # English and Turkish works together: the root collation. Ş, İ, Ç, Ö and Ü sort with their
    # base letters (Python's code-point order put Şahin after Yesevi, at the end).
    assert [e["key"] for e in entries] == [
        "aslanlikurban2016",
        "aslanli2018",
        "atmaca1999",
        "bedford2016",
        "besikci2016",  # Beşikçi
        "bulentakpinarnd",  # Bülent
        "gaytancioglu2010",
        "ibrahimova2023",  # İbrahimova
        "karayel2024",
        "konda2022",
        "mikhelidze2010",
        "oecnd",
        "oran2002",
        "sahinselvi2022",  # Şahin, among the S names
        "sancak2018",
        "chronology",  # the demo's own chronology, by "sccoder demo"
        "starrefinerynd",
        "yesevitiftikcigil2015",
    ]
    assert entries[13]["text"].startswith("Şahin, Çiğdem")
    assert [e["number"] for e in entries] == list(range(1, len(entries) + 1))


def article(family: str, language: str | None) -> dict:
    record = {
        "type": "article-journal",
        "title": "Bir makale",
        "author": [{"family": family, "given": "Ayşe"}],
        "container-title": "Dergi",
        "issued": {"date-parts": [[2020]]},
    }
    return {**record, "language": language} if language else record


def cited(project, records: dict[str, dict]) -> list[Evidence]:
    """Unsaved items citing each record: the bibliography reads only their sources."""
    return [
        Evidence(project=project, source=Source.objects.create(project=project, key=k, csl=csl))
        for k, csl in records.items()
    ]


def test_a_list_of_turkish_works_alone_sorts_by_the_turkish_alphabet(small_project):
    works = {
        "sahin": article("Şahin", "tr"),
        "sancak": article("Sancak", "tr"),
        "suleymanov": article("Suleymanov", "tr-TR"),
        "tuna": article("Tuna", "Turkish"),
    }
    keys = [e["key"] for e in bibliography(small_project, cited(small_project, works))]
    assert keys == ["sancak", "suleymanov", "sahin", "tuna"]  # ş is the letter after s


def test_one_english_work_makes_the_list_root_collated(small_project):
    works = {
        "sahin": article("Şahin", "tr"),
        "sancak": article("Sancak", "tr"),
        "suleymanov": article("Suleymanov", None),
        "zabanova": article("Zabanova", "en"),
    }
    keys = [e["key"] for e in bibliography(small_project, cited(small_project, works))]
    assert keys == ["sahin", "sancak", "suleymanov", "zabanova"]


def test_the_demos_turkish_titles_are_printed_as_written_and_english_ones_title_cased(demo):
    entries = {e["key"]: e["text"] for e in demo_bibliography(demo)}
    assert (
        "“Türkiye’nin Azerbaycan’a Yönelik Kamu Diplomasisi ve Etkileri”"
        in (entries["sahinselvi2022"])
    )
    assert (
        "“Son Dönem Türkiye-Azerbaycan İlişkileri Çerçevesinde Yaşanan Bayrak Krizi’nin "
        in (entries["gaytancioglu2010"])
    )
    assert " Türk Dış Politikası. " in entries["oran2002"]
    assert (
        "“Azerbaycan-Türkiye İlişkileri ve Sivil Toplum Kuruluşları”"
        in (entries["aslanlikurban2016"])
    )
    # An English title is still title-cased by the style ("the" -> "The").
    assert "“The Relations Between Turkey and the Caucasus”" in entries["bulentakpinarnd"]


def test_no_entry_of_the_demo_repeats_a_label(demo):
    for entry in demo_bibliography(demo):
        assert "Edition" not in entry["text"], entry["key"]
    star = next(e for e in demo_bibliography(demo) if e["key"] == "starrefinerynd")
    assert star["text"].endswith("in 2022. Accessed September 16, 2023. " + STAR_URL + ".")
