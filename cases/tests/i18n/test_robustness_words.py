"""The report's robustness paragraph in Turkish on the page, and in English, unchanged, in the
report's JSON and the replication package (the pure module's default)."""

from django.utils import translation

from cases.classification.rule import classify
from cases.reports.robustness import ENGLISH_ROBUSTNESS, next_stage_gaps, robustness_entry
from cases.reports.robustness_words import robustness_words
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
