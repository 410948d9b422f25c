"""Evidence search: words in any order, case- and accent-insensitive, the same on the page and in
the API (DESIGN.md: "Turkiye" finds "Türkiye", "TANAP pipeline" finds the TANAP item).

Both sides of a comparison are folded by one character table: capitals to small letters, Latin
letters with diacritics to their base letter (Türkiye → turkiye, Şuşa → susa), the Turkish dotted
and dotless i (İ, ı) to i, combining accents dropped. The database folds the stored text with the
same table: on PostgreSQL a function ``sccoder_fold`` created by migration 0009, on SQLite the
Python function below, registered on every connection (``cases.apps``). A table rather than the
database's own ``lower()`` keeps both databases, and every collation, giving the same answer.
"""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, F, Func, Q, QuerySet


def _table() -> tuple[str, str, str]:
    """(from, to, dropped): the characters folded one to one, and those removed."""
    source, target = [], []
    for code in range(0x41, 0x5B):  # A-Z
        source.append(chr(code))
        target.append(chr(code + 32))
    for code in range(0xC0, 0x250):  # Latin-1 Supplement, Latin Extended-A and -B
        char = chr(code)
        base = unicodedata.normalize("NFKD", char)[:1].lower()
        if base.isascii() and base.isalpha() and base != char:
            source.append(char)
            target.append(base)
    source += ["ı", "İ"]
    target += ["i", "i"]
    dropped = "".join(chr(c) for c in range(0x300, 0x370))  # combining diacritical marks
    # İ decomposes to I + a combining dot; it is listed once, explicitly, as i.
    pairs = dict(zip(source, target, strict=True))
    return "".join(pairs), "".join(pairs.values()), dropped


FOLD_FROM, FOLD_TO, FOLD_DROPPED = _table()
_TRANSLATION = str.maketrans(FOLD_FROM, FOLD_TO, FOLD_DROPPED)

# The fields a word is looked for in.
EVIDENCE_TEXT_FIELDS = ("key", "quote", "summary", "locator_note")


def fold(text: str | None) -> str | None:
    """The text as search compares it (the SQLite function; PostgreSQL's does the same)."""
    return None if text is None else text.translate(_TRANSLATION)


class Fold(Func):
    function = "sccoder_fold"
    output_field = CharField()


def search_evidence(items: QuerySet, query: str) -> QuerySet:
    """Items holding every word of ``query`` in one of their text fields, in any order."""
    words = [w for w in (fold(word) for word in query.split()) if w]
    if not words:
        return items
    items = items.alias(**{f"folded_{name}": Fold(F(name)) for name in EVIDENCE_TEXT_FIELDS})
    for word in words:
        match = Q()
        for name in EVIDENCE_TEXT_FIELDS:
            match |= Q(**{f"folded_{name}__contains": word})
        items = items.filter(match)
    return items


def postgresql_function_sql() -> str:
    """The ``sccoder_fold`` function for PostgreSQL: ``translate`` with this module's table."""

    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    return (
        "CREATE OR REPLACE FUNCTION sccoder_fold(t text) RETURNS text AS $$ "
        f"SELECT translate(t, {literal(FOLD_FROM + FOLD_DROPPED)}, {literal(FOLD_TO)}) "
        "$$ LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE"
    )
