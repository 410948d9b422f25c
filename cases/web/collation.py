"""Lists a page sorts by a name (coders, sources), in the collation of the interface's language:
Turkish rules under Turkish (Cem before Çelik, Işık before İpek), the root collation otherwise
(``cases.lib.collation``). Bibliographies are not sorted here: their order follows their works'
languages and the citation style, whoever reads them (``collation_of_list``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import get_language

from cases.lib.collation import sort_key_for

T = TypeVar("T")


def reader_sort_key() -> Callable[[str], tuple[int, ...]]:
    """A ``sorted`` key for names, in the collation of the language the page is written in."""
    return sort_key_for(get_language())


def sorted_for_reader(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    key = reader_sort_key()
    return sorted(items, key=lambda item: (key(name(item)), name(item)))


def ordered_for_reader(queryset: QuerySet, name: Callable) -> QuerySet:
    """The same rows as a queryset (a form's ModelChoiceField needs one), in the reader's order."""
    rows = sorted_for_reader(queryset, name)
    if not rows:
        return queryset
    position = Case(
        *(When(pk=row.pk, then=Value(index)) for index, row in enumerate(rows)),
        output_field=IntegerField(),
    )
    return queryset.order_by(position)
