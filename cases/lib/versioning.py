"""The one version check: every write to a row with a ``version`` goes through ``claim_version``.

A page, an API client or the admin says which version of the row it last showed; the write
goes ahead only if that is still the row's version, and bumps it, so that of two writers who
saw version 3 exactly one writes version 4 and the other is refused instead of overwriting the
first one's change. The check and the bump are a single conditional UPDATE, atomic on SQLite and
PostgreSQL alike; callers run it inside the transaction of their write, so the full save that
follows (which records the history) is part of the same all-or-nothing change.

Every interface turns ``StaleWrite`` into its own refusal: 409 with the current record in the
API, a message on the page, an error message in the admin.
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Model, QuerySet
from django.utils.translation import gettext_lazy

STALE = gettext_lazy(
    "Changed in another tab or window since this page loaded; your change was not saved."
)


class StaleWrite(Exception):
    """Someone changed the row since the caller last saw it; nothing was written.

    ``current_version`` is the row's version now (None: the row is gone, or was never there);
    a caller may attach the ``current`` row to show it beside the refusal.
    """

    def __init__(self, message: str = STALE, *, current_version: int | None = None, current=None):
        super().__init__(message)
        self.current_version = current_version
        self.current = current


def claim_version(rows: type[Model] | QuerySet, pk, seen_version: int) -> int:
    """Bump the row's version if it is still ``seen_version``; return the new version.

    ``rows`` is the model or a queryset of it (e.g. already limited to a project). Raises
    StaleWrite, carrying the current version, when the row has changed or is not there.
    """
    queryset = rows._default_manager.all() if isinstance(rows, type) else rows
    claimed = queryset.filter(pk=pk, version=seen_version).update(version=F("version") + 1)
    if not claimed:
        current = queryset.filter(pk=pk).values_list("version", flat=True).first()
        raise StaleWrite(current_version=current)
    return seen_version + 1


def write_versioned(
    model: type[Model],
    row: Model | None,
    seen_version: int,
    *,
    create: dict,
    change: dict,
    touched: tuple[str, ...] = (),
) -> Model:
    """Create the row from ``create`` and ``change`` (``seen_version`` 0: the writer saw none),
    or compare-and-set ``row`` at ``seen_version`` and write ``change`` to it, with ``touched``
    (fields that update themselves, such as an auto_now time); a concurrent writer makes it
    raise StaleWrite. Runs inside the caller's transaction, so the history row is written with
    the change or not at all; the create has a savepoint of its own, so a row created a moment
    ago by someone else (the unique constraint) leaves that transaction usable."""
    if row is None:
        if seen_version != 0:
            raise StaleWrite(STALE)
        try:
            with transaction.atomic():
                return model._default_manager.create(**create, **change)
        except IntegrityError:  # another writer created it a moment ago
            raise StaleWrite(STALE) from None
    claim_version(model, row.pk, seen_version)
    row.refresh_from_db()
    for name, value in change.items():
        setattr(row, name, value)
    if change:
        row.save(update_fields=[*change, *touched])
    return row
