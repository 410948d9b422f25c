"""Sorting text as readers of a language expect: the Unicode Collation Algorithm.

Pure: no Django. ``sort_key_for(language)`` gives a key function for ``sorted``:

- the root collation (the UCA's default table, DUCET, through pyuca) for every language but
  Turkish: accented letters sort with their base letter, the accent deciding only between
  otherwise equal words ("Şahin" beside "Sahin", among the S names; "İbrahimova" after
  "Ibrahimov"), and capitals beside small letters. Python's own ``sorted`` compares code points
  instead and puts every Ş, İ, Ç or Ö after Z.
- the Turkish tailoring (CLDR's ``tr`` rules) for Turkish (``tr``, ``tr-TR``): ç, ğ, ı, ö, ş
  and ü are letters of their own, in the alphabet's order a b c ç d e f g ğ h ı i j k l m n o ö
  p r s ş t u ü v y z, so "Şahin" comes after every S name and before the T names. Dotless ı
  comes before i, and its capital is I, while İ is the capital of i.

pyuca knows no tailorings, so the Turkish one is written here on top of its table, as CLDR
states it (``&C<ç<<<Ç &G<ğ<<<Ğ &[before 1]i<ı<<<I &i<<<İ &O<ö<<<Ö &S<ş<<<Ş &U<ü<<<Ü``): a
letter that sorts right after a base letter (ç after c) is weighed as the base letter followed
by a weight above every letter of the table. It then compares after every word that goes on
from that base letter ("czar" < "çay") and before the next letter ("çöl" < "dağ"), which is
where a letter of its own between c and d would compare; ı is weighed as h followed by that
weight, before i.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from pyuca import Collator

ROOT = "root"
TURKISH = "tr"

# The Turkish letters that follow a base letter, as the NFD sequences pyuca looks up.
_AFTER_BASE = {
    "c\u0327": "c",  # ç
    "g\u0306": "g",  # ğ
    "o\u0308": "o",  # ö
    "s\u0327": "s",  # ş
    "u\u0308": "u",  # ü
}


def collation_for(language: str | None) -> str:
    """The collation a language tag or name asks for: ``tr`` for Turkish, ``root`` for all
    else (English included: the root collation orders English as English dictionaries do)."""
    text = (language or "").strip().casefold().replace("_", "-")
    if text.split("-")[0] in {"tr", "tur", "turkish", "türkçe"}:
        return TURKISH
    return ROOT


def collation_of_list(languages: Iterable[str | None]) -> str:
    """The one collation of a list of works (a bibliography), from their languages: Turkish
    when every work is in Turkish, otherwise the root collation.

    One collation serves the whole list, so that it reads in one order. A project has no
    language of its own, and the citation styles write their lists in English ("n.d.",
    "Accessed"), so a list that mixes Turkish and English works is an English list with Turkish
    names in it: the root collation, which English readers expect, places Şahin among the S
    names and İsmailzade among the I's. Only a list of Turkish works alone is a Turkish list,
    sorted by the Turkish alphabet. A work without a language (None or "") is English, as the
    styles read a CSL record without ``language``."""
    collations = {collation_for(language or "en") for language in languages}
    return TURKISH if collations == {TURKISH} else ROOT


def sort_key_for(language: str | None = None) -> Callable[[str], tuple[int, ...]]:
    """A ``sorted`` key ordering strings in the collation of ``language`` (see the module)."""
    return _collator(collation_for(language)).sort_key


@lru_cache(maxsize=2)
def _collator(collation: str) -> Collator:
    collator = Collator()
    if collation == TURKISH:
        _tailor_turkish(collator)
    return collator


def _elements(collator: Collator, text: str) -> list[list[int]]:
    return [list(e) for e in collator.collation_elements(unicodedata.normalize("NFD", text))]


def _tailor_turkish(collator: Collator) -> None:
    top = 1 + max(
        element[0] for elements in _values(collator.table.root) for element in elements if element
    )
    after = [top, 0x0020, 0x0002]  # primary above every letter; plain secondary and tertiary
    entries = {}
    for letter, base in _AFTER_BASE.items():
        for case in (str.lower, str.upper):  # ç<<<Ç: the capital differs at the third level
            entries[case(letter)] = [*_elements(collator, case(base)), after]
    entries["ı"] = [*_elements(collator, "h"), after]  # &[before 1]i<ı
    entries["I"] = [*_elements(collator, "H"), after]  # ı<<<I
    entries["I\u0307"] = _elements(collator, "I")  # &i<<<İ: the capital of i
    for sequence, elements in entries.items():
        collator.table.add([ord(c) for c in sequence], elements)


def _values(node):
    """Every collation element list in pyuca's trie."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.value:
            yield current.value
        if current.children:
            stack.extend(current.children.values())


__all__ = ["ROOT", "TURKISH", "collation_for", "collation_of_list", "sort_key_for"]
