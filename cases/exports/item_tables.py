"""The item-level export tables: one row per coding, and one per item and criterion of the
settled consensus, each starting with the item's evidence columns and its citation.

Read a batch of items at a time (``BATCH``), the items already in export order, so a writer can
stream the rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from cases.exports.scope import OPERATOR, Codings, ExportScope
from cases.exports.tables import (
    BATCH,
    CHUNK,
    Citations,
    CriterionInfo,
    Row,
    Table,
    batched,
    criteria_of,
    iso_date,
    iso_datetime,
)
from cases.models import Assignment, Coding, Consensus, Evidence, Project, codebook_order
from cases.review.consensus import consensus_for
from cases.sources.citations import ItemCite
from cases.visibility import Visibility

# The evidence columns every item-level table starts with, and the query fields behind them.
# The work an item is quoted from (when it rests on a source that work cites) and the page
# there come last in each table (VIA_COLUMNS), so files written before them keep their columns.
EVIDENCE_COLUMNS = (
    "project",
    "dyad",
    "period",
    "evidence",
    "date",
    "date_start",
    "date_end",
    "evidence_type",
    "source",
    "citation",
    "locator",
)


VIA_COLUMNS = ("via_source", "via_locator")


def _evidence_cells(slug: str, item: Sequence[Any], citation: str) -> list[Any]:
    dyad, period, key, when, start, end, kind, source, locator = item[:9]
    return [
        slug,
        dyad,
        period,
        key,
        when,
        iso_date(start),
        iso_date(end),
        kind,
        source,
        citation,
        locator or None,
    ]


def _evidence_fields(prefix: str = "") -> list[str]:
    p = prefix
    return [
        f"{p}dyad__code",
        f"{p}period__code",
        f"{p}key",
        f"{p}date",
        f"{p}date_start",
        f"{p}date_end",
        f"{p}evidence_type",
        f"{p}source__key",
        f"{p}locator",
        f"{p}via_source__key",
        f"{p}via_locator",
        f"{p}states",
    ]


def _cite(row: Sequence[Any]) -> ItemCite:
    """An export row's citation key: (source, page, via-source, page there)."""
    return (row[8], row[9], row[10] or "", row[11])


def _via_cells(row: Sequence[Any]) -> list[Any]:
    return [row[10], row[11] or None]


# --- raw codings --------------------------------------------------------------------------------

CODING_COLUMNS = (
    *EVIDENCE_COLUMNS,
    "criterion",
    "framework",
    "group",
    "coder",
    "value",
    "note",
    "status",
    "submitted_at",
    *VIA_COLUMNS,
)


def codings_table(project: Project, scope: ExportScope) -> Table:
    """One row per coding: admins and reviewers get every coder's codings of submitted items;
    a coder gets their own, drafts included (status "draft"); observers are refused."""
    scope.check_raw()
    return Table("codings", CODING_COLUMNS, _coding_rows(project, scope), has_yes_no=False)


def _items_in_export_order(project: Project):
    """The project's items as (id, *evidence fields) rows, by dyad, start date and key."""
    return (
        Evidence.objects.filter(project=project)
        .order_by("dyad__code", "date_start", "key")
        .values_list("pk", *_evidence_fields())
    )


def _coding_rows(project: Project, scope: ExportScope) -> Iterator[Row]:
    # A batch of items at a time, the items already in export order, rather than every coding
    # sorted in one query: on a large project that sort spilled to disk and took seconds before
    # the first row, while a batch's codings are a few thousand rows, and the item's cells and
    # citation are worked out once per item instead of once per coding.
    items = _items_in_export_order(project)
    citations = Citations(project)
    for batch in batched(items.iterator(chunk_size=CHUNK), BATCH):
        codings = _codings_by_item([r[0] for r in batch], scope)
        coded = [r for r in batch if r[0] in codings]
        cited = citations.for_items(_cite(r) for r in coded)
        for r in coded:
            evidence = _evidence_cells(project.slug, r[1:], cited[_cite(r)])
            via = _via_cells(r)
            for cells in codings[r[0]]:
                yield [*evidence, *cells, *via]


def _codings_by_item(ids: list[int], scope: ExportScope) -> dict[int, list[tuple]]:
    """The items' codings in scope, by item, each item's in criterion then coder order: the
    cells from criterion to submitted_at."""
    own = scope.codings is Codings.OWN
    codings = Coding.objects.filter(evidence_id__in=ids)
    if own:
        codings = codings.filter(coder_id=scope.user_id)
    rows = codings.order_by(*codebook_order(via="criterion__"), "coder__username").values_list(
        "evidence_id",
        "coder_id",
        "criterion__code",
        "criterion__framework",
        "criterion__group",
        "coder__username",
        "value",
        "note",
    )
    states = _assignment_states(ids, scope)
    by_item: dict[int, list[tuple]] = defaultdict(list)
    for item, coder_id, code, framework, group, coder, value, note in rows:
        status, submitted_at = states.get((item, coder_id), UNASSIGNED)
        # Admins and reviewers get submitted items only: drafts are the coder's own business.
        if own or status == "submitted":
            by_item[item].append(
                (code, framework, group, coder, value, note or None, status, submitted_at)
            )
    return by_item


# The status and submitted_at cells of a coding whose coder has no assignment for the item.
UNASSIGNED = ("draft", None)


def _assignment_states(ids: list[int], scope: ExportScope) -> dict[tuple[int, int], tuple]:
    """(item, coder) -> the status and submitted_at cells, in one query per batch: a subquery
    per coding looked the same assignment up again for every criterion, and filtering codings
    on a submitted assignment in SQL made the planner hash every assignment of the database."""
    assignments = Assignment.objects.filter(evidence_id__in=ids)
    if scope.codings is Codings.OWN:
        assignments = assignments.filter(coder_id=scope.user_id)
    # .order_by(): the default ordering joins the users to sort rows that go into a dict.
    rows = assignments.order_by().values_list("evidence_id", "coder_id", "status", "submitted_at")
    return {
        (item, coder): (
            "submitted" if status == Assignment.Status.SUBMITTED else "draft",
            iso_datetime(submitted_at),
        )
        for item, coder, status, submitted_at in rows
    }


# --- consensus ----------------------------------------------------------------------------------

CONSENSUS_COLUMNS = (
    *EVIDENCE_COLUMNS,
    "criterion",
    "framework",
    "group",
    "value",
    "method",
    "decided_by",
    "rationale",
    *VIA_COLUMNS,
    "states",  # last: files written before communities keep their columns
)


def consensus_table(project: Project, scope: ExportScope = OPERATOR) -> Table:
    """One row per item and criterion of the settled consensus: what the classification reads.

    ``method``: ``adjudicated`` for a reviewer's decision, ``unanimous`` where the value is the
    submitted coders' own, every one of them having given it (recorded as a row or not: one name
    for one thing). Items awaiting
    adjudication are left out whole, as the classification leaves them out; criteria decided
    "not coded" have no row (not coded is no row everywhere). So are the items the viewer
    still has to code (``scope.visibility``), and a coder gets the rationale of a decision only
    on the items they have submitted.
    """
    rows = _consensus_rows(project, scope.visibility)
    return Table("consensus", CONSENSUS_COLUMNS, rows, has_yes_no=False)


# A value with no row: the submitted coders' own, which every one of them gave.
FROM_THE_CODERS = (Consensus.Method.UNANIMOUS.value, None, "")


def _consensus_rows(project: Project, visibility: Visibility) -> Iterator[Row]:
    hidden = visibility.hidden
    criteria = criteria_of(project.codebook_id)
    items = _items_in_export_order(project)
    citations = Citations(project)
    for batch in batched(items.iterator(chunk_size=CHUNK), BATCH):
        ids = [r[0] for r in batch]
        consensus = consensus_for(ids, hidden=hidden)
        decisions = {
            (item_id, code): (method, decided_by, rationale)
            for item_id, code, method, decided_by, rationale in Consensus.objects.filter(
                evidence_id__in=[i for i in ids if i not in hidden]
            ).values_list(
                "evidence_id", "criterion__code", "method", "decided_by__username", "rationale"
            )
        }
        settled = [
            r for r in batch if not (consensus[r[0]].awaits_adjudication or consensus[r[0]].hidden)
        ]
        cited = citations.for_items(_cite(r) for r in settled)
        for r in settled:
            values = consensus[r[0]].values
            evidence = _evidence_cells(project.slug, r[1:], cited[_cite(r)])
            via = _via_cells(r)
            for code in sorted(values, key=lambda c: _criterion_order(criteria, c)):
                method, decided_by, rationale = decisions.get((r[0], code), FROM_THE_CODERS)
                info = criteria.get(code)
                yield [
                    *evidence,
                    code,
                    info.framework if info else None,
                    info.group if info else None,
                    values[code],
                    method,
                    decided_by,
                    (rationale if visibility.shows_rationale(r[0]) else "") or None,
                    *via,
                    r[12] or None,  # the members of its community the item concerns
                ]


def _criterion_order(criteria: dict[str, CriterionInfo], code: str) -> tuple[int, str]:
    info = criteria.get(code)
    return (info.order if info else len(criteria), code)
