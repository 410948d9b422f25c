"""An agreement figure's reading notes in the reader's language on the pages; in English, as
before, in the API and the exports."""

import html

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from cases.review.agreement.reading import ENGLISH_READING, Prevalent, ReadingWords, read_alpha
from cases.review.reading_words import reading_words
from cases.review.reliability import agreement_rows


def turkish_notes(*args, **kwargs) -> tuple[str, ...]:
    with translation.override("tr"):
        return read_alpha(*args, **kwargs, words=reading_words()).notes


def test_the_notes_that_hold_a_reading_back_in_turkish():
    notes = turkish_notes(0.85, n_units=6, interval=(0.2, 0.95), percent_agreement=0.69996)
    assert notes == (
        "çok az birim (n = 6)",
        "aralık çok geniş (0.200–0.950)",
        "yüzde uyum %70'in altında (%69.9)",
    )


def test_the_paradox_notes_in_turkish():
    labels = {0: "uygulanmadı", 1: "uygulandı"}
    almost = turkish_notes(
        0.1, n_units=40, percent_agreement=0.95, prevalent=Prevalent(0, 76, 80), labels=labels
    )
    assert almost == (
        "neredeyse her değer aynı (uygulanmadı: 80 değerin 76 tanesi, %95.0): α burada uyumu "
        "rastlantıdan ayıramaz",
    )
    every = turkish_notes(
        None, n_units=40, percent_agreement=1.0, prevalent=Prevalent(1, 80, 80), labels=labels
    )
    assert every == (
        "her değer aynı (uygulandı: 80 değerin 80 tanesi): α burada uyumu rastlantıdan ayıramaz",
    )


def test_english_from_the_catalogue_is_the_pure_modules_english():
    with translation.override("en"):
        assert reading_words() == ENGLISH_READING == ReadingWords()
    notes = read_alpha(0.85, n_units=6, interval=(0.2, 0.95), percent_agreement=0.69996).notes
    assert notes == (
        "too few units (n = 6)",
        "interval too wide (0.200–0.950)",
        "percent agreement below 70% (69.9%)",
    )


OVERALL_TR = "çok az birim (n = 3); aralık çok geniş (-0.667–1.000)"
OVERALL_EN = "too few units (n = 3); interval too wide (-0.667–1.000)"


@pytest.mark.django_db
def test_the_agreement_page_reads_in_turkish_the_api_and_the_rows_stay_english(small_project):
    client = Client()
    client.force_login(User.objects.get(username="ada"))
    page = html.unescape(
        client.get("/p/small/review/agreement/", HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    )
    assert OVERALL_TR in page
    assert "too few units" not in page
    english = html.unescape(
        client.get("/p/small/review/agreement/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert OVERALL_EN in english

    with translation.override("tr"):
        rows = agreement_rows(small_project)
    overall = next(r for r in rows if (r["scope"], r["measure"]) == ("overall", "application"))
    assert overall["reading_note"] == OVERALL_EN

    api = client.get("/api/projects/small/agreement/", HTTP_ACCEPT_LANGUAGE="tr")
    assert api.status_code == 200
    assert api["Content-Language"] == "tr"
    notes = [r["reading_note"] for r in _results(api.json())]
    assert OVERALL_EN in notes and OVERALL_TR not in notes


@pytest.mark.django_db
def test_the_reports_agreement_notes_read_in_turkish(small_project):
    client = Client()
    client.force_login(User.objects.get(username="ada"))
    page = html.unescape(
        client.get("/p/small/reports/FRA-DEU/", HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    )
    assert "çok az birim (n = " in page
    assert "too few units" not in page
    data = client.get("/p/small/reports/FRA-DEU/report.json", HTTP_ACCEPT_LANGUAGE="tr").json()
    assert any(r["reading_note"].startswith("too few units") for r in _measures(data))


def _results(body):
    return body["results"] if isinstance(body, dict) else body


def _measures(report: dict) -> list[dict]:
    return [
        row[measure]
        for row in report["agreement"]
        for measure in ("application", "value")
        if row.get(measure)
    ]
