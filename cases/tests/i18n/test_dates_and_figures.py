"""Dates and figures under either language: timestamps in prose carry the month's name in the
reader's language; statistical figures keep a decimal point in both (docs/i18n.md)."""

import re

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.dates import MONTHS

from cases.models import Evidence

pytestmark = pytest.mark.django_db


def client_in(language, people, username="rita"):
    client = Client()
    client.force_login(people[username])
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client


@pytest.mark.parametrize("language", ["tr", "en"])
def test_the_evidence_page_names_the_month_in_the_readers_language(people, language):
    item = Evidence.objects.get(key="E1")
    page = client_in(language, people).get(f"/p/small/evidence/{item.pk}/").content.decode()
    created = timezone.localtime(item.created_at)
    with translation.override(language):
        month = str(MONTHS[created.month])
    assert f"{created.day} {month} {created.year}" in page
    assert ("Aralık" in str(MONTHS[12])) == (language == "tr")


@pytest.mark.parametrize("language", ["tr", "en"])
def test_agreement_figures_keep_a_decimal_point_in_both_languages(people, language):
    client = client_in(language, people)
    for address in ("/p/small/reports/FRA-DEU/", "/p/small/review/agreement/"):
        page = client.get(address).content.decode()
        assert re.search(r"\b[01]\.\d{2,3}\b|\B\.\d{3}\b", page), address
        # No figure with a decimal comma, in a table cell or after "α =".
        assert not re.search(r'class="num"[^>]*>-?\d,\d', page), address
        assert not re.search(r"α = -?\d,\d", page), address


@pytest.mark.parametrize("language", ["tr", "en"])
def test_the_charts_draw_their_words_in_the_readers_language(people, language):
    """The agreement chart's legend and axis, and the report's stage chart, follow the reader's
    language; their figures keep a decimal point (the threshold lines at .667 and .800)."""
    client = client_in(language, people)
    agreement = client.get("/p/small/review/agreement.svg").content.decode()
    stages = client.get("/p/small/reports/FRA-DEU/stages.svg").content.decode()
    if language == "tr":
        assert "uygulama (nominal α)" in agreement
        assert "çizgiler .667 ve .800 değerlerinde" in agreement
        assert ">yıl<" in stages and ">olgunluk<" in stages
    else:
        assert "application (nominal α)" in agreement
        assert "lines at .667 and .800" in agreement
        assert ">year<" in stages and ">mature<" in stages
