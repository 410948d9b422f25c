"""The classification's explanations in the reader's language on the pages, and in English,
unchanged, wherever a script reads them (the classify command, the period table, the report's
JSON)."""

import html
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from cases.classification.explain import ENGLISH, explain
from cases.classification.explain_words import explain_words
from cases.classification.rule import RULE_V1, RULE_V2, PeriodInput, classify
from cases.exports.period_table import periods_table
from cases.models import Membership
from cases.reports.build import build_report
from cases.tests.classification.test_classification_rule import (
    ASCENDANT,
    LOOSE,
    MATURE,
    NASCENT,
    TIGHTLY,
    one,
    period,
)
from cases.tests.classification.test_classification_rule_v2 import ASCENDANT_V2

# The small project's FRA-DEU, P2 (docs: cases/tests/bundle_factory.py), in both languages.
P2_ENGLISH = (
    "1963 onward: none — no security-community dynamic yet; not nascent because the strongest "
    "Tier-1 trigger is 0 (needs 2). Carried forward: AB-T2-TRANS from P1. Override: "
    "AB-T3-TRUST set to 2 instead of 0 (Polls from the 1970s, outside our sources)."
)
P2_TURKISH = (
    "1963 ve sonrası: yok — henüz bir güvenlik topluluğu dinamiği yok; doğuş değil, çünkü en "
    "güçlü 1. katman tetikleyicisi 0 düzeyinde (2 gerekir). İleri taşınan: P1 döneminden "
    "AB-T2-TRANS. Düzeltme: AB-T3-TRUST, 0 yerine 2 yapıldı (Polls from the 1970s, outside "
    "our sources)."
)


def turkish(result, rule=None) -> str:
    with translation.override("tr"):
        return explain(result, rule, explain_words())


def test_an_ascendant_period_in_turkish():
    values = {**ASCENDANT, "D-VAL": 2, "D-RESP": 2, **dict.fromkeys(LOOSE[:3], 2)}
    assert turkish(one(values, start=2010, end=2019)) == (
        "2010–2019: yükseliş — işlemler, kurumlar, toplumsal öğrenme, güven ve kimlik hepsi en "
        "az orta; olgunluk değil, çünkü güven 2 düzeyinde (3 gerekir), kimlik 2 düzeyinde "
        "(3 gerekir) ve güvenilir beklentiler 0 düzeyinde (2 gerekir)."
    )


def test_the_couplings_and_counted_indicators_in_turkish():
    text = turkish(one(MATURE, start=2020))
    assert text.startswith(
        "2020 ve sonrası: olgunluk, gevşek bağlı — güven ve kimlik ikisi de güçlü;"
    )
    assert "5 gevşek bağlılık göstergeleri arasından 3 tanesi en az orta" in text
    assert text.endswith(
        "; sıkı bağlı değil, çünkü karşılıklı yardım 0 düzeyinde (2 gerekir), devletin üstünde "
        "ortak yönetim 0 düzeyinde (2 gerekir) ve 6 sıkı bağlılık göstergeleri arasından "
        "yalnızca 0 tanesi en az orta (4 gerekir)."
    )
    tight = turkish(one(TIGHTLY, start=1993, end=1993))
    assert tight.startswith("1993: olgunluk, sıkı bağlı — ")
    assert "karşılıklı yardım en az orta (AB-TC-COLLSEC, AB-TC-MILINT)" in tight


def test_the_notes_in_turkish():
    results = classify(
        [
            period("P1", {"AB-T1-THREAT": 2}),
            period(
                "P2",
                {"AB-T2-ORG": 2, "AB-T3-ID": 0},
                {"AB-T3-ID": 2},
                pending=2,
                overrides={"AB-T3-TRUST": (2, "polls outside our sources.")},
            ),
        ]
    )
    assert turkish(results[1]) == (
        "2010 ve sonrası: doğuş — bir 1. katman tetikleyicisi en az orta (AB-T1-THREAT); "
        "işlemler veya kurumlar en az orta (AB-T2-ORG); yükseliş değil, çünkü işlemler 0 "
        "düzeyinde (2 gerekir) ve toplumsal öğrenme 0 düzeyinde (2 gerekir)."
        " İleri taşınan: P1 döneminden AB-T1-THREAT."
        " Düzeltme: AB-T3-TRUST, 0 yerine 2 yapıldı (polls outside our sources)."
        " Tartışmalı (2 veya daha yüksek bir değerin yanında bir 0): AB-T3-ID."
        " Hakem kararı bekleyen 2 öğe dışarıda bırakıldı."
    )
    with translation.override("tr"):
        one_pending = explain(classify([period("P1", pending=1)])[0], None, explain_words())
    assert one_pending.endswith(" Hakem kararı bekleyen 1 öğe dışarıda bırakıldı.")


def test_a_fall_on_silence_in_turkish():
    """P2 documents nothing about military coordination or borders (never carried)."""
    p1 = PeriodInput("P1", 1990, 1999, [ASCENDANT_V2])
    p2 = PeriodInput("P2", 2000, 2009, [NASCENT])
    _, second = classify([p1, p2], rule=RULE_V2)
    assert second.indeterminate
    assert turkish(second).endswith(
        " Belirsiz: AB-LC-MILPLAN ve AB-LC-BORDER bu dönemde belgelenmemiş; "
        "önceki döneme göre düşüş kanıta değil, bu sessizliğe dayanıyor."
    )


def test_the_catalogues_english_words_are_the_pure_modules_english():
    """English from the catalogue writes byte for byte what the machine outputs write."""
    results = []
    for rule in (RULE_V1, RULE_V2):
        for values in ({}, {"AB-T1-ECON": 1}, ASCENDANT, MATURE, TIGHTLY):
            results += classify(
                [
                    period("P1", values, start=1990, end=1999),
                    period("P2", {"AB-T3-ID": 0, "AB-T2-ORG": 3}, {"AB-T3-ID": 2}, pending=1),
                    period("P3", start=2010),
                ],
                rule=rule,
            )
    with translation.override("en"):
        words = explain_words()
    assert [explain(r, None, words) for r in results] == [explain(r) for r in results]
    assert [explain(r, None, ENGLISH) for r in results] == [explain(r) for r in results]


@pytest.mark.django_db
def test_the_report_html_speaks_turkish_and_its_json_stays_english(small_project):
    ada = Membership.objects.get(project=small_project, user__username="ada")
    english = build_report(small_project, "FRA-DEU", ada)
    assert english["periods"][1]["explanation"] == P2_ENGLISH
    client = Client()
    client.force_login(ada.user)
    page = client.get("/p/small/reports/FRA-DEU/", HTTP_ACCEPT_LANGUAGE="tr")
    assert page["Content-Language"] == "tr"
    shown = html.unescape(page.content.decode())
    assert P2_TURKISH in shown
    assert P2_ENGLISH not in shown
    data = client.get("/p/small/reports/FRA-DEU/report.json", HTTP_ACCEPT_LANGUAGE="tr")
    assert data.json()["periods"][1]["explanation"] == P2_ENGLISH
    assert data.json()["periods"] == json.loads(json.dumps(english["periods"]))
    page = client.get("/p/small/reports/FRA-DEU/", HTTP_ACCEPT_LANGUAGE="en")
    assert P2_ENGLISH in html.unescape(page.content.decode())


@pytest.mark.django_db
def test_the_classify_command_and_the_period_table_stay_english_under_turkish(small_project):
    def classified() -> str:
        out = StringIO()
        call_command("classify", "small", "--json", stdout=out)
        return out.getvalue()

    english = classified()
    rows = list(periods_table(small_project).rows)
    with translation.override("tr"):
        assert classified() == english
        assert list(periods_table(small_project).rows) == rows
    explanations = {
        p["code"]: p["explanation"]
        for d in json.loads(english)["dyads"]
        if d["code"] == "FRA-DEU"
        for p in d["periods"]
    }
    assert explanations["P2"] == P2_ENGLISH


@pytest.mark.django_db
def test_the_authors_own_stage_is_named_in_the_pages_words_and_the_json_keeps_english():
    """The demo's author assessments (KAR-058: nascent): "doğuş" on the Turkish page, the
    codebook's term in the report's JSON."""
    from cases.bundles import import_bundle, parse_bundle
    from cases.tests.cli import REPO

    project = import_bundle(
        parse_bundle((REPO / "fixtures" / "turkiye-azerbaijan.json").read_bytes())
    )
    ada = Membership.objects.get(project=project, user__username="ada")
    english = build_report(project, "TUR-AZE", ada)
    (first,) = english["periods"][0]["author_assessments"]
    assert (first["key"], first["verdict"]) == ("KAR-058", "nascent")
    client = Client()
    client.force_login(ada.user)
    page = html.unescape(
        client.get(
            f"/p/{project.slug}/reports/TUR-AZE/", HTTP_ACCEPT_LANGUAGE="tr"
        ).content.decode()
    )
    assert "Yazarın P1 için kendi değerlendirmesi: <strong>doğuş</strong>" in page
    data = client.get(f"/p/{project.slug}/reports/TUR-AZE/report.json", HTTP_ACCEPT_LANGUAGE="tr")
    assert data.json()["periods"][0]["author_assessments"][0]["verdict"] == "nascent"
