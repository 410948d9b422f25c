"""Evidence search: words in any order, case- and accent-insensitive, the same on the page and in
the API (DESIGN.md: "Turkiye" finds "Türkiye", "TANAP pipeline" finds the TANAP item). Both use
one FilterSet, ``EvidenceSearchFilter``; the API's evidence filters extend it.

A word is looked for in the item's own text (key, quote, summary, page note), in the coding notes
and in the consensus rationales the reader may read, and nowhere else: a search must never
answer a question its reader could not ask the pages. Notes are a coder's codes: a coder's words
match only their own notes; admins and reviewers, who read every coder's codes, match all notes;
observers, who read none, match none. A decision's rationale may quote the coders' values: a
coder's words match it only on items they have submitted (``cases.visibility``'s rule);
observers, admins and reviewers match every rationale.

On PostgreSQL the matching items come ranked by full-text relevance (``SearchRank`` of the
folded text against the words as a web search query), best first, unless an order is asked
for; SQLite keeps the list's own order. Which items match is the same on both databases.

Both sides of a comparison are folded by one character table: capitals to small letters, Latin
letters with diacritics to their base letter (Türkiye → turkiye, Şuşa → susa), the Turkish dotted
and dotless i (İ, ı) to i, combining accents dropped. The database folds the stored text with the
same table: on PostgreSQL a function ``sccoder_fold`` created by migration 0009, on SQLite the
Python function below, registered on every connection (``cases.apps``). A table rather than the
database's own ``lower()`` keeps both databases, and every collation, giving the same answer.
"""

from __future__ import annotations

import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import CharField, Exists, F, Func, OuterRef, Q, QuerySet
from django_filters import rest_framework as filters

from cases.models import Assignment, Coding, Consensus, Membership


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


def search_words(query: str) -> list[str]:
    """The query's words, folded; empty when there is nothing to look for."""
    return [w for w in (fold(word) for word in query.split()) if w]


def search_evidence(items: QuerySet, query: str, membership: Membership | None = None) -> QuerySet:
    """Items holding every word of ``query``, in any order, each word in the item's own text or
    in a note or rationale ``membership`` may read (None: the item's own text only)."""
    words = search_words(query)
    if not words:
        return items
    items = items.alias(**{f"folded_{name}": Fold(F(name)) for name in EVIDENCE_TEXT_FIELDS})
    notes, rationales = _readable_notes(membership), _readable_rationales(membership)
    for word in words:
        match = Q()
        for name in EVIDENCE_TEXT_FIELDS:
            match |= Q(**{f"folded_{name}__contains": word})
        if notes is not None:
            match |= Exists(_holding(notes, "note", word))
        if rationales is not None:
            match |= Exists(_holding(rationales, "rationale", word))
        items = items.filter(match)
    return items


def _holding(rows: QuerySet, field: str, word: str) -> QuerySet:
    return (
        rows.filter(evidence=OuterRef("pk"))
        .alias(folded=Fold(F(field)))
        .filter(folded__contains=word)
    )


def _readable_notes(membership: Membership | None) -> QuerySet | None:
    """The coding notes the reader may search, or None for none at all."""
    if membership is None:
        return None
    notes = Coding.objects.exclude(note="")
    if membership.can_read_all_codings:
        return notes
    if membership.can_code:
        return notes.filter(coder_id=membership.user_id)
    return None


def _readable_rationales(membership: Membership | None) -> QuerySet | None:
    """The consensus rationales the reader may search, or None for none at all."""
    if membership is None:
        return None
    rationales = Consensus.objects.exclude(rationale="")
    if membership.can_code and not membership.can_read_all_codings:
        submitted = Assignment.objects.filter(
            evidence=OuterRef("evidence"),
            coder_id=membership.user_id,
            status=Assignment.Status.SUBMITTED,
        )
        return rationales.filter(Exists(submitted))
    return rationales


def rank_by_relevance(items: QuerySet, query: str) -> QuerySet:
    """On PostgreSQL, the best matches first (full-text rank of the item's folded quote,
    summary and key), the list's own order breaking ties; elsewhere the items as they are."""
    words = search_words(query)
    if connection.vendor != "postgresql" or not words:
        return items
    vector = SearchVector(Fold(F("quote")), Fold(F("summary")), Fold(F("key")), config="simple")
    # Any word ranks (the filter already asked for every word, also inside longer words).
    wanted = SearchQuery(" or ".join(words), config="simple", search_type="websearch")
    ranked = items.annotate(search_rank=SearchRank(vector, wanted))
    return ranked.order_by("-search_rank", *items.query.order_by, "pk")


class EvidenceSearchFilter(filters.FilterSet):
    """``?q=``: the one search of evidence, on the evidence page and in the API alike. The
    reader's membership says which notes and rationales their words may match."""

    q = filters.CharFilter(
        method="search",
        label="Words in any order in the key, quote, summary or page note, in coding notes and "
        "in decisions' rationales you may read; capitals and accents do not matter (Turkiye "
        "finds Türkiye). The evidence page's search is the same.",
    )

    def __init__(self, *args, membership: Membership | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership

    def search(self, qs, name, value):
        return rank_by_relevance(search_evidence(qs, value, self.membership), value)


def postgresql_function_sql() -> str:
    """The ``sccoder_fold`` function for PostgreSQL: ``translate`` with this module's table."""

    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    return (
        "CREATE OR REPLACE FUNCTION sccoder_fold(t text) RETURNS text AS $$ "
        f"SELECT translate(t, {literal(FOLD_FROM + FOLD_DROPPED)}, {literal(FOLD_TO)}) "
        "$$ LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE"
    )
