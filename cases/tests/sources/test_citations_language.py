"""Titles of non-English sources keep their case: CSL title-cases English records only, and a
record's ``language`` says which it is."""

import pytest

from cases.sources.citations import format_bibliography

TURKISH_TITLE = "Türkiye-Azerbaycan ilişkilerinde son dönem"


def turkish(language=None) -> dict:
    record = {
        "type": "article-journal",
        "title": TURKISH_TITLE,
        "author": [{"family": "Yılmaz", "given": "Sait"}],
        "container-title": "Karadeniz Araştırmaları",
        "issued": {"date-parts": [[2010]]},
    }
    if language is not None:
        record["language"] = language
    return record


@pytest.mark.parametrize("language", ["tr", "tr-TR", "TR", "Turkish", "turkish", "Türkçe"])
@pytest.mark.parametrize("style", ["chicago-author-date", "modern-language-association"])
def test_a_turkish_title_is_printed_as_written(language, style):
    (entry,) = format_bibliography({"yilmaz2010": turkish(language)}, style)
    assert f"“{TURKISH_TITLE}" in entry
    assert "Son Dönem" not in entry


def test_an_english_title_is_still_title_cased_whatever_the_spelling_of_english():
    record = {
        "type": "article-journal",
        "title": "turkey and azerbaijan drift apart",
        "author": [{"family": "Ismailzade", "given": "Fariz"}],
        "issued": {"date-parts": [[2005]]},
    }
    for language in [None, "en", "EN", "en-US", "English", "english"]:
        given = record if language is None else {**record, "language": language}
        (entry,) = format_bibliography({"ismailzade2005": given})
        assert "Turkey and Azerbaijan Drift Apart" in entry, language


def test_a_record_without_a_language_reads_as_english():
    # So a Turkish source needs its "language": the style cannot tell from the title, and
    # English title case even gets Turkish capitals wrong (i -> I, not İ).
    (entry,) = format_bibliography({"yilmaz2010": turkish()})
    assert "Ilişkilerinde Son Dönem" in entry


def test_the_stored_record_keeps_its_language_as_given():
    record = turkish("Turkish")
    format_bibliography({"yilmaz2010": record})
    assert record["language"] == "Turkish"


def test_the_demos_turkish_sources_say_so_and_keep_their_titles():
    """The demo's Turkish-language works carry ``language: tr``; Chicago would otherwise print
    "Türkiye Ile Azerbaycan" for "Türkiye ile Azerbaycan"."""
    import json

    from django.conf import settings

    bundle = json.loads((settings.BASE_DIR / "fixtures" / "turkiye-azerbaijan.json").read_text())
    sources = {s["key"]: s["csl"] for s in bundle["sources"]}
    assert sources["progonati2021"]["language"] == "tr"
    entries = format_bibliography({"progonati2021": sources["progonati2021"]})
    (entry,) = entries
    assert "Türkiye ile Azerbaycan Arasındaki" in entry
    without = {**sources["progonati2021"]}
    del without["language"]
    (title_cased,) = format_bibliography({"progonati2021": without})
    assert "Türkiye Ile Azerbaycan" in title_cased
