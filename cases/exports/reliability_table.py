"""One criterion's reliability data as an export table, in the ``agreement`` command's format:
units x coders."""

from __future__ import annotations

from itertools import groupby

from django.db.models import OuterRef, Subquery

from cases.exports.scope import ExportScope
from cases.exports.tables import CHUNK, Table
from cases.models import Assignment, Coding, Criterion, Project

VARIANTS = ("value", "application")


def reliability_table(
    project: Project, criterion: Criterion, scope: ExportScope, *, variant: str = "value"
) -> Table:
    """Units × coders for one criterion, in the ``agreement`` command's CSV format.

    Units are the evidence items (by key) that at least one coder submitted; a column per coder
    who submitted anything. ``value``: the coder's value, empty if the coder did not submit the
    item *or did not code the criterion* (so "not coded" reads as missing). ``application``:
    1 if the coder applied the criterion (any value, 0 included), 0 if they submitted the item
    without it, empty if they did not submit the item.
    """
    scope.check_reliability()
    if variant not in VARIANTS:
        raise ValueError(f"variant: use one of {', '.join(VARIANTS)}, not {variant!r}")
    submitted = Assignment.objects.filter(
        evidence__project=project, status=Assignment.Status.SUBMITTED
    )
    coders = list(
        submitted.order_by("coder__username").values_list("coder__username", flat=True).distinct()
    )
    return Table(
        f"reliability-{criterion.code}",
        ("unit", *coders),
        _reliability_rows(submitted, criterion, coders, variant),
    )


def _reliability_rows(submitted, criterion: Criterion, coders: list[str], variant: str):
    value = Coding.objects.filter(
        evidence_id=OuterRef("evidence_id"), coder_id=OuterRef("coder_id"), criterion=criterion
    ).values("value")[:1]
    rows = (
        submitted.annotate(coded=Subquery(value))
        .order_by("evidence__dyad__code", "evidence__date_start", "evidence__key")
        .values_list("evidence_id", "evidence__key", "coder__username", "coded")
    )
    for (_, key), cells in groupby(rows.iterator(chunk_size=CHUNK), lambda r: r[:2]):
        given = {coder: coded for _, _, coder, coded in cells}
        if variant == "application":
            yield [key, *(_applied(coder, given) for coder in coders)]
        else:
            yield [key, *(given.get(coder) for coder in coders)]


def _applied(coder: str, given: dict[str, int | None]) -> int | None:
    if coder not in given:
        return None
    return 0 if given[coder] is None else 1
