"""Sorting by the Unicode Collation Algorithm (cases.lib.collation): the root collation, and the
Turkish tailoring with its own letters ç ğ ı ö ş ü."""

import random

import pytest

from cases.lib.collation import ROOT, TURKISH, collation_for, collation_of_list, sort_key_for

TURKISH_ALPHABET = list("abcçdefgğhıijklmnoöprsştuüvyz")


def shuffled_sort(words, language):
    words = list(words)
    random.Random(7).shuffle(words)
    return sorted(words, key=sort_key_for(language))


def test_the_turkish_alphabet_in_its_order_small_and_capital():
    assert shuffled_sort(TURKISH_ALPHABET, "tr") == TURKISH_ALPHABET
    capitals = list("ABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ")
    assert shuffled_sort(capitals, "tr") == capitals


@pytest.mark.parametrize(
    ("before", "letter", "after"),
    [
        ("Cz", "Ç", "D"),
        ("Gz", "Ğ", "H"),
        ("Hz", "I", "İ"),  # I is the capital of dotless ı, before İ, the capital of i
        ("Iz", "İ", "J"),
        ("Oz", "Ö", "P"),
        ("Sz", "Ş", "T"),
        ("Uz", "Ü", "V"),
    ],
)
def test_a_turkish_letter_comes_after_every_word_of_its_base_letter(before, letter, after):
    words = [f"{after}ağ", f"{letter}ahin", f"{before}ymanov"]
    assert shuffled_sort(words, "tr") == [f"{before}ymanov", f"{letter}ahin", f"{after}ağ"]


def test_turkish_names_in_a_turkish_list():
    names = ["Sancak", "Şahin", "Suleymanov", "Ter-Matevosyan", "Yılmaz", "Zabanova", "Çelik"]
    names += ["Cengiz", "Işık", "İnan", "Ilgaz", "Özyakışır", "Oran", "Üstün", "Uzun", "Ğ"]
    assert shuffled_sort(names, "tr-TR") == [
        "Cengiz",
        "Çelik",
        "Ğ",
        "Ilgaz",
        "Işık",
        "İnan",
        "Oran",
        "Özyakışır",
        "Sancak",
        "Suleymanov",
        "Şahin",
        "Ter-Matevosyan",
        "Uzun",
        "Üstün",
        "Yılmaz",
        "Zabanova",
    ]


def test_the_root_collation_sorts_accented_letters_with_their_base_letter_never_after_z():
    names = ["Zabanova", "Şahin", "Sancak", "Rahmanov", "Ter-Matevosyan", "İsmailzade"]
    names += ["Ibrahimov", "İbrahimova", "Huseynli", "Jabrayilzade", "Özyakışır", "Oran"]
    assert shuffled_sort(names, None) == [
        "Huseynli",
        "Ibrahimov",
        "İbrahimova",  # İ after I: the dot decides only between otherwise equal names
        "İsmailzade",
        "Jabrayilzade",
        "Oran",
        "Özyakışır",
        "Rahmanov",
        "Şahin",  # among the S names (s-a-h before s-a-n), before the T's
        "Sancak",
        "Ter-Matevosyan",
        "Zabanova",
    ]
    assert sorted(names)[-1] == "Şahin"  # what Python's code-point order did


def test_case_decides_only_between_otherwise_equal_words():
    assert shuffled_sort(["beta", "Alpha", "alpha", "Beta"], "en") == [
        "alpha",
        "Alpha",
        "beta",
        "Beta",
    ]


@pytest.mark.parametrize(
    ("language", "collation"),
    [
        ("tr", TURKISH),
        ("tr-TR", TURKISH),
        ("TR_tr", TURKISH),
        ("Turkish", TURKISH),
        ("Türkçe", TURKISH),
        ("en", ROOT),
        ("en-US", ROOT),
        ("de", ROOT),
        ("", ROOT),
        (None, ROOT),
        ("trk", ROOT),
    ],
)
def test_the_collation_a_language_asks_for(language, collation):
    assert collation_for(language) == collation


def test_a_list_is_turkish_only_when_every_work_is_turkish():
    assert collation_of_list(["tr", "tr-TR", "Turkish"]) == TURKISH
    assert collation_of_list(["tr", "en"]) == ROOT
    assert collation_of_list(["tr", None]) == ROOT  # a record without a language is English
    assert collation_of_list([]) == ROOT
