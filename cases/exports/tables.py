"""The export tables as a header and a stream of rows: one source for CSV, XLSX and the package.

Every table is built lazily, so a writer can stream it: the raw rows come from querysets read
with ``.iterator(chunk_size=...)`` or a batch of items at a time, as flat ``values_list`` rows
(no model instances, no N+1), and everything that needs more than one row at a time (formatted
citations, the item consensus, an item's codings) is worked out per batch of rows. Cells are
``str``, ``int``, ``bool`` or ``None`` (missing); dates are ISO 8601 text, so no spreadsheet or
data frame reinterprets them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import groupby, islice
from typing import Any

from django.db.models import OuterRef, Subquery

from cases.classification.explain import explain
from cases.classification.inputs import build_inputs, carry_forward_codes, find_dyads
from cases.classification.rule import classify
from cases.exports.scope import OPERATOR, Codings, ExportScope
from cases.models import (
    Assignment,
    Codebook,
    Coding,
    Consensus,
    Criterion,
    Evidence,
    Project,
    Source,
    codebook_order,
)
from cases.review.consensus import consensus_for
from cases.sources.citations import ItemCite, format_item_citations
from cases.visibility import Visibility

CHUNK = 2000  # rows fetched from the database at a time
BATCH = 500  # rows whose citations (or item consensus) are worked out together

Row = Sequence[Any]


@dataclass
class Table:
    """A header and rows; ``rows`` is an iterator, so a table can be written once."""

    name: str
    header: tuple[str, ...]
    rows: Iterable[Row]
    # Whether a cell may be True or False. Writers must spell those out ("true"), which costs a
    # look at every cell; the two long tables have no such cell and skip it.
    has_yes_no: bool = True


def batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def iso_datetime(value: datetime | None) -> str | None:
    """UTC, to the second, with a Z: 2024-05-01T09:30:00Z."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- shared pieces ------------------------------------------------------------------------------


class Citations:
    """In-text citations, "(Doe 2020, 12)", in the project's CSL style, formatted per batch; an
    item quoted from one work that rests on another names both ("…, cited in …").

    Every source of the project goes to the formatter each time, so a style's disambiguation
    (2020a, 2020b) is the same in every batch.
    """

    def __init__(self, project: Project):
        self.style = project.citation_style
        self.sources = dict(Source.objects.filter(project=project).values_list("key", "csl"))
        # Citations already formatted: the same one recurs in every batch of a long export, and
        # citeproc took most of its time (bounded by the number of distinct citations, not rows).
        self.known: dict[ItemCite, str] = {}

    def for_items(self, cites: Iterable[ItemCite]) -> dict[ItemCite, str]:
        """(source, page, via-source or "", page there) -> the citation."""
        unique = list(dict.fromkeys(cites))
        new = [cite for cite in unique if cite not in self.known]
        if new:
            texts = format_item_citations(self.sources, new, self.style)
            self.known.update(zip(new, texts, strict=True))
        return {cite: self.known[cite] for cite in unique}


@dataclass(frozen=True)
class CriterionInfo:
    order: int
    framework: str
    group: str


def criteria_of(codebook_id: int) -> dict[str, CriterionInfo]:
    """The codebook's criteria by code, in codebook order (one small query)."""
    rows = (
        Criterion.objects.filter(codebook_id=codebook_id)
        .in_codebook_order()
        .values_list("code", "framework", "group")
    )
    return {code: CriterionInfo(i, fw, group) for i, (code, fw, group) in enumerate(rows)}


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
                ]


def _criterion_order(criteria: dict[str, CriterionInfo], code: str) -> tuple[int, str]:
    info = criteria.get(code)
    return (info.order if info else len(criteria), code)


# --- period values and the classification ------------------------------------------------------

PERIOD_COLUMNS = (
    "project",
    "dyad",
    "dyad_name",
    "period",
    "label",
    "start_year",
    "end_year",
    "criterion",
    "framework",
    "group",
    "own_value",
    "value",
    "carried_from",
    "overridden",
    "derived_value",
    "override_rationale",
    "contested",
    "stage",
    "coupling",
    "loose_count",
    "tight_count",
    "blocked_by",
    "pending_items",
    "rule",
    "explanation",
    "indeterminate",
    "undocumented",
)


def periods_table(project: Project, scope: ExportScope = OPERATOR) -> Table:
    """One row per dyad × period × criterion, with the period's classification on every row.

    ``own_value``: the highest consensus value among the period's own items (empty when none
    codes the criterion); ``value``: what the project's rule reads after carrying and overrides
    (0 when missing, CODEBOOK.md §4); ``derived_value``: the value an override replaced.
    Criteria come in codebook order, then any code the rule reads that the codebook lacks.
    Items the viewer still has to code count as not coded (``scope.visibility``).
    """
    return Table("periods", PERIOD_COLUMNS, _period_rows(project, scope))


def _period_rows(project: Project, scope: ExportScope) -> Iterator[Row]:
    criteria = criteria_of(project.codebook_id)
    dyads = find_dyads(project)
    inputs = build_inputs(project, dyads, scope.visibility)
    carry = carry_forward_codes(project)
    rule = project.rule
    for dyad in dyads:
        periods = {p.code: p for p in dyad.periods.all()}
        dyad_inputs = inputs[dyad.pk]
        results = classify(dyad_inputs, carry_forward=carry, rule=rule)
        for period_input, result in zip(dyad_inputs, results, strict=True):
            own = _own_values(period_input.items)
            overrides = {o.code: o for o in result.overrides}
            per_period = [
                result.stage,
                result.coupling,
                result.loose_count,
                result.tight_count,
                "; ".join(result.blocked_by) or None,
                result.pending_items,
                result.rule,
                explain(result, rule),
                result.indeterminate,
                "; ".join(result.undocumented) or None,
            ]
            extra = [c for c in result.values if c not in criteria]
            for code in [*criteria, *extra]:
                info = criteria.get(code)
                override = overrides.get(code)
                yield [
                    project.slug,
                    dyad.code,
                    dyad.name,
                    result.code,
                    periods[result.code].label or None,
                    result.start_year,
                    result.end_year,
                    code,
                    info.framework if info else None,
                    info.group if info else None,
                    own.get(code),
                    result.values.get(code, 0),
                    result.carried.get(code),
                    override is not None,
                    override.derived if override else None,
                    override.rationale if override else None,
                    code in result.contested,
                    *per_period,
                ]


def _own_values(items: Iterable[dict[str, int]]) -> dict[str, int]:
    values: dict[str, int] = {}
    for item in items:
        for code, value in item.items():
            values[code] = max(value, values.get(code, value))
    return values


# --- the codebook -------------------------------------------------------------------------------

CODEBOOK_COLUMNS = (
    "codebook",
    "codebook_version",
    "order",
    "code",
    "name",
    "framework",
    "group",
    "carry_forward",
    "verification",
    "definition",
    "indicators",
    "notes",
)
INDICATOR_SEPARATOR = " | "


def codebook_table(codebook: Codebook) -> Table:
    """One row per criterion in codebook order; indicators joined with " | "."""
    rows = (
        [
            codebook.name,
            codebook.version,
            position,
            c.code,
            c.name,
            c.framework,
            c.group,
            c.carry_forward,
            c.verification,
            c.definition,
            INDICATOR_SEPARATOR.join(c.indicators or []) or None,
            c.notes or None,
        ]
        for position, c in enumerate(codebook.criteria.in_codebook_order(), start=1)
    )
    return Table("codebook", CODEBOOK_COLUMNS, rows)


# --- reliability data (the ``agreement`` command's format) --------------------------------------

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
