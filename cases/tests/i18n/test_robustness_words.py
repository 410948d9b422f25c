"""The report's robustness paragraphs and sentences beside the rule in Turkish on the page, and
in English, unchanged, in the report's JSON and the replication package (the pure modules'
default)."""

from django.utils import translation

from cases.classification.rule import RULE_V1, classify
from cases.reports.audience import FULL
from cases.reports.beside import ENGLISH_BESIDE, Judgment, author_beside_rule, judgments_beside_rule
from cases.reports.page_words import beside_words, robustness_words
from cases.reports.robustness import ENGLISH_ROBUSTNESS, next_stage_gaps, robustness_entry
from cases.tests.reports.hand_made import ASCENDANT, by_period, period


def entries(words=None):
    """Two periods' paragraphs: one held back by a code no item shows, one hanging on items."""
    gap_periods = [period("P1", [{**ASCENDANT, "AB-T3-ID": 1}], 2010, 2019, pending=1)]
    held = classify(gap_periods)[0]
    gaps = next_stage_gaps(held, by_period(gap_periods)["P1"])
    fragile = classify([period("P1", [ASCENDANT], 2020)])[0]
    nascent = classify([period("P1", [{"AB-T1-THREAT": 2, "AB-T2-TRANS": 2}], 2020)])[0]
    hangs = [
        {"key": "K-1", "item_period": "P1", "stage": "nascent", "coupling": None},
        {"key": "K-0", "item_period": "P0", "stage": "nascent", "coupling": None},
    ]
    extra = {} if words is None else {"words": words}
    return [
        robustness_entry(held, [], held, 0, gaps, **extra)["summary"],
        robustness_entry(fragile, hangs, nascent, 3, [], assessments_here=1, **extra)["summary"],
    ]


def test_the_robustness_paragraphs_in_turkish():
    with translation.override("tr"):
        held, fragile = entries(robustness_words())
    assert held == (
        "Hiçbir öğenin tek başına çıkarılması doğuş hükmünü değiştirmez. İkilide dışarıda "
        "bırakılacak yazar değerlendirmesi öğesi yok. Hüküm yükseliş değil, çünkü kimlik "
        "(AB-T3-ID) 1 düzeyinde (2 gerekir): 2010–2019 tarihli hiçbir öğe onu 2 veya daha yüksek "
        "göstermiyor ve kural onu önceki bir dönemden asla taşımaz. Hakem kararı bekleyen 1 öğe "
        "dışarıda bırakıldı; karara bağlanmaları hükmü değiştirebilir."
    )
    assert fragile == (
        "Hüküm (yükseliş) tek öğelere bağlı: K-1 veya K-0 (P0) öğelerinden herhangi biri olmadan "
        "doğuş olurdu. Hüküm, ikilinin 3 yazar değerlendirmesi öğesi (bu dönemde 1) olmadan doğuş "
        "olurdu."
    )


def test_english_from_the_catalogue_is_the_pure_modules_english():
    english = entries()
    assert english[0].startswith("No single item's removal changes the nascent verdict.")
    assert entries(ENGLISH_ROBUSTNESS) == english
    with translation.override("en"):
        assert entries(robustness_words()) == english


def beside(words=None):
    """The coders' summaries (unanimous against the rule, split) and the author's sentences."""
    extra = {} if words is None else {"words": words}
    judgments = [
        Judgment("P1", "carl", "ascendant", None, ""),
        Judgment("P1", "cleo", "ascendant", None, ""),
        Judgment("P2", "carl", "mature", "loosely", ""),
        Judgment("P2", "cleo", "nascent", None, ""),
        Judgment("P2", "cora", "nascent", None, ""),
    ]
    results = classify([period("P1", [], 1990), period("P2", [ASCENDANT], 2000)])
    rows = judgments_beside_rule(results, judgments, FULL, **extra)
    lower = author_beside_rule(results[0], "nascent", None, RULE_V1, **extra)
    higher = author_beside_rule(results[1], "nascent", None, RULE_V1, **extra)
    return [row["summary"] for row in rows] + [lower["sentence"], higher["sentence"]], (
        rows,
        lower["deciding"],
    )


def test_the_sentences_beside_the_rule_in_turkish():
    with translation.override("tr"):
        sentences, (rows, deciding) = beside(beside_words())
    assert sentences == [
        "İki kodlayıcı da yükseliş hükmünü verdi; kural yok veriyor: bütüncül okuma ile "
        "kodlanmış kanıt ayrışıyor.",
        "3 kodlayıcının hükümleri: doğuş (2) ve olgunluk, gevşek bağlı (1); kural yükseliş "
        "veriyor.",
        "Yazar doğuş olarak değerlendiriyor, kural ise yok veriyor: max(AB-T1-*) = 0 "
        "(2 gerekir) ve max(AB-T2-TRANS, AB-T2-ORG) = 0 (2 gerekir) nedeniyle doğuş düzeyinin "
        "altında.",
        "Yazar doğuş olarak değerlendiriyor, kural ise yükseliş veriyor: yükseliş için her koşul "
        "sağlanıyor (AB-T2-TRANS = 2 (2 gerekir), AB-T2-ORG = 2 (2 gerekir), AB-T2-LEARN = 2 "
        "(2 gerekir), AB-T3-TRUST = 2 (2 gerekir) ve AB-T3-ID = 2 (2 gerekir)).",
    ]
    # The data beside the sentences stay as scripts read them.
    assert rows[1]["counts"] == {"mature, loosely coupled": 1, "nascent": 2}
    assert rows[1]["rule"] == "ascendant"
    assert deciding[0].endswith("= 0 (needs 2)")


def test_the_sentences_beside_the_rule_in_english_are_as_before():
    english, data = beside()
    assert english[0] == (
        "Both coders judged it ascendant; the rule gives none: "
        "the holistic reading and the coded evidence differ."
    )
    assert english[1] == (
        "The 3 coders judged it 2 nascent and 1 mature, loosely coupled; the rule gives ascendant."
    )
    assert beside(ENGLISH_BESIDE) == (english, data)
    with translation.override("en"):
        assert beside(beside_words()) == (english, data)
