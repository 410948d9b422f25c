"""Reliability data from the database: the ORM adapter of the pure agreement engine.

The unit of coding is an (evidence item, criterion) pair, over the items that every listed coder
has submitted (default: every coder with a submitted item; drafts never count). Two questions are
asked of each criterion, and of each framework group and the whole codebook by pooling their units:

- **application**: did the coder apply the criterion at all? 1 if they coded it (any value,
  0 included: 0 is contrary evidence, still an application), 0 if not; nominal alpha with the
  categories [0, 1], percent agreement and Gwet's AC1. AC1 is there because most criteria are
  absent from most items, which depresses alpha and kappa (the "paradox" of high agreement and
  low alpha);
- **value**: where at least two of the coders applied it, did they give the same value? Ordinal
  alpha on the codebook's scale (all of it, so the metric knows the values nobody used).

Each figure comes with its number of units, a bootstrap interval (Hayes & Krippendorff 2007) and
Krippendorff's reading: alpha >= .800 reliable; .667 to .800 for tentative conclusions only;
below .667 not reliable; "not conclusive" instead where fewer than 10 units, an interval wider
than 0.5 or (for a positive reading) percent agreement below 70% cannot carry it, with the
reasons in ``reading_note`` (``cases.review.agreement.reading``). An undefined alpha is reported
as such, with the reason.

Two diagnostics look at the coders one by one: alpha with each coder left out
(``leave_one_coder_out``), and each coder's codes against the items' consensus
(``coders_against_consensus``).

The public functions (``agreement_rows``, ``coder_pair_kappas``, ``stage_judgment_agreement``
and the diagnostics) return plain dicts with fixed keys, for the agreement page, the exports and
the API alike. They read the database in a fixed number of queries whatever the project's size
and hand numpy arrays to ``cases.review.agreement``, where all the arithmetic is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import chain, combinations
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model

from cases.codebooks.snapshots import codes_in_version
from cases.models import (
    Assignment,
    Coding,
    Criterion,
    Dyad,
    Project,
    ScaleValue,
    Stage,
    StageJudgment,
)
from cases.review.agreement import alpha_coefficient, alpha_figures, cohen_kappa_table
from cases.review.agreement.reading import RELIABLE, TENTATIVE, krippendorff_band
from cases.review.consensus import ItemConsensus, consensus_for

# The rules and keys of these figures: part of the key of every cache that holds them, so that
# figures cached before a change of rules are not served after it.
FIGURES_VERSION = 2
NOT_CODED = -1  # the "not coded" category of the coder-pair kappas
STAGE_ORDER = [Stage.NONE.value, Stage.NASCENT.value, Stage.ASCENDANT.value, Stage.MATURE.value]

ROW_KEYS = (
    "scope",
    "key",
    "framework",
    "group",
    "measure",
    "n_units",
    "alpha",
    "level",
    "percent_agreement",
    "ac1",
    "ci_low",
    "ci_high",
    "ci_method",
    "reading",
    "undefined_reason",
    "reading_note",
)
APPLICATION_LABELS = {0: "not applied", 1: "applied"}


def reading(alpha: float | None) -> str:
    """Krippendorff's (2004) reading of an alpha alone; the rows' ``reading`` also weighs the
    units, the interval and percent agreement behind it (``cases.review.agreement.reading``)."""
    return krippendorff_band(alpha)


# --- loading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionInfo:
    pk: int
    code: str
    name: str
    framework: str
    group: str


@dataclass(frozen=True)
class SubmittedCodes:
    """Every submitted code set of a project (or one dyad), as loaded in five queries.

    ``coders`` (usernames, sorted) and ``items`` (ids, ascending) are the rows and columns of
    ``submitted``, which says who submitted what. The codings of those submitted (item, coder)
    pairs are kept as parallel arrays: ``coder`` and ``item`` are positions in those lists,
    ``column`` the criterion's position in ``criteria``. Arrays rather than a dict per
    (item, coder), because building the dicts cost most of the agreement page on large projects.
    """

    criteria: list[CriterionInfo]
    scale: list[int]
    coders: list[str]
    items: np.ndarray
    submitted: np.ndarray
    coder: np.ndarray
    item: np.ndarray
    column: np.ndarray
    value: np.ndarray

    def common_items(self, coders: list[str]) -> np.ndarray:
        """Positions in ``items`` of the items every one of the coders submitted, in id order."""
        rows = self._rows(coders)
        if not coders or None in rows:
            return np.empty(0, dtype=np.intp)
        return np.flatnonzero(self.submitted[rows].all(axis=0))

    def value_cube(self, coders: list[str], items: np.ndarray) -> np.ndarray:
        """coders x items x criteria, NaN where the coder did not code the criterion.

        ``items`` are positions in ``items``, as ``common_items`` gives them."""
        cube = np.full((len(coders), len(items), len(self.criteria)), np.nan)
        row, unit, kept = self._cells(coders, items)
        cube[row, unit, self.column[kept]] = self.value[kept]
        return cube

    def category_cube(self, coders: list[str], items: np.ndarray) -> np.ndarray:
        """``value_cube`` as positions in [not coded, *scale]: 0 where nothing was coded."""
        cube = np.zeros((len(coders), len(items), len(self.criteria)), dtype=np.intp)
        row, unit, kept = self._cells(coders, items)
        values = self.value[kept]
        position = _positions(np.asarray(self.scale, dtype=np.int64), values)
        if (position < 0).any():
            raise ValueError(f"value {values[position < 0][0]} is not in the category list")
        cube[row, unit, self.column[kept]] = position + 1
        return cube

    def _cells(self, coders: list[str], items: np.ndarray) -> tuple[np.ndarray, ...]:
        """Where the codings of those coders on those items go in their cube (coder row and
        item row), and which codings those are."""
        coder_row = np.full(len(self.coders), -1, dtype=np.intp)
        for i, row in enumerate(self._rows(coders)):
            if row is not None:
                coder_row[row] = i
        item_row = np.full(len(self.items), -1, dtype=np.intp)
        item_row[items] = np.arange(len(items))
        row, unit = coder_row[self.coder], item_row[self.item]
        kept = (row >= 0) & (unit >= 0)
        return row[kept], unit[kept], kept

    def _rows(self, coders: list[str]) -> list[int | None]:
        """Each coder's row in ``submitted``, None for a coder who submitted nothing."""
        row = {name: i for i, name in enumerate(self.coders)}
        return [row.get(name) for name in coders]


def resolve_dyad(project: Project, dyad: Dyad | str | None) -> Dyad | None:
    """Accept a Dyad of the project, its code (either order of the states), or None."""
    if dyad is None or isinstance(dyad, Dyad):
        if dyad is not None and dyad.project_id != project.pk:
            raise ValueError(f"dyad {dyad.code} belongs to another project")
        return dyad
    from cases.classification.inputs import find_dyads

    return find_dyads(project, dyad)[0]


def load_submitted_codes(
    project: Project, dyad: Dyad | None = None, *, codebook_version: int | None = None
) -> SubmittedCodes:
    """Without ``codebook_version``, the current criteria (not retired) and every coding on
    them; with it, that version's criteria and the codings made under it."""
    criteria, scale = _codebook(project, codebook_version)
    assignments = Assignment.objects.filter(
        evidence__project=project, status=Assignment.Status.SUBMITTED
    ).order_by()
    # Only codings of submitted (item, coder) pairs are kept below, so the codings need no join
    # to the assignments nor to the users: on large projects those joins cost seconds.
    codings = Coding.objects.for_project(project).order_by()
    if codebook_version is not None:
        codings = codings.filter(codebook_version=codebook_version)
    if dyad is not None:
        assignments = assignments.filter(evidence__dyad=dyad)
        codings = codings.filter(evidence__dyad=dyad)
    coders, coder_ids, items, submitted = _submissions(assignments)
    item, coder, criterion, value = _int_columns(
        codings, "evidence_id", "coder_id", "criterion_id", "value"
    )
    coder, item = _positions(coder_ids, coder), _positions(items, item)
    column = _positions(np.array([c.pk for c in criteria], dtype=np.int64), criterion)
    kept = (coder >= 0) & (item >= 0) & (column >= 0)
    kept[kept] = submitted[coder[kept], item[kept]]
    return SubmittedCodes(
        criteria=criteria,
        scale=scale,
        coders=coders,
        items=items,
        submitted=submitted,
        coder=coder[kept],
        item=item[kept],
        column=column[kept],
        value=value[kept],
    )


def _codebook(
    project: Project, codebook_version: int | None = None
) -> tuple[list[CriterionInfo], list[int]]:
    """The project's criteria (of a codebook version, or the current ones) in codebook order,
    and its scale."""
    rows = Criterion.objects.filter(codebook_id=project.codebook_id)
    codes = (
        None
        if codebook_version is None
        else codes_in_version(project.codebook_id, codebook_version)
    )
    rows = rows.current() if codes is None else rows.filter(code__in=codes)
    criteria = [
        CriterionInfo(*row)
        for row in rows.in_codebook_order().values_list("pk", "code", "name", "framework", "group")
    ]
    # Straight from the codebook's id, ordered as ``Codebook.scale_values``: going through
    # ``project.codebook`` would cost one query more.
    scale = ScaleValue.objects.filter(codebook_id=project.codebook_id).order_by("value")
    return criteria, list(scale.values_list("value", flat=True))


def _submissions(assignments) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The coders (usernames, sorted) and their ids, the submitted items (ids, ascending) and
    the coders x items ``submitted`` table of some submitted assignments.

    The usernames come from their own small query: joining them to every assignment would
    fetch one string per assignment."""
    item, coder = _int_columns(assignments, "evidence_id", "coder_id")
    names = dict(
        get_user_model()
        .objects.filter(pk__in=np.unique(coder).tolist())
        .values_list("pk", "username")
    )
    coder_ids = np.array(sorted(names, key=names.__getitem__), dtype=np.int64)
    items = np.unique(item)
    submitted = np.zeros((coder_ids.size, items.size), dtype=bool)
    submitted[_positions(coder_ids, coder), _positions(items, item)] = True
    return [names[pk] for pk in coder_ids.tolist()], coder_ids, items, submitted


def _int_columns(queryset, *fields: str) -> tuple[np.ndarray, ...]:
    """Integer fields of a query as int64 arrays, one per field, filled straight from the
    fetched rows: no Python work per row, which is what made loading slow."""
    flat = np.fromiter(chain.from_iterable(queryset.values_list(*fields)), dtype=np.int64)
    return tuple(flat.reshape(-1, len(fields)).T)


def _positions(keys: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The position of each id in ``keys`` (distinct ids, in any order), -1 when absent."""
    if keys.size == 0:
        return np.full(ids.shape, -1, dtype=np.intp)
    order = np.argsort(keys, kind="stable")
    found = np.minimum(np.searchsorted(keys[order], ids), keys.size - 1)
    return np.where(keys[order][found] == ids, order[found], -1)


def _listed_coders(data: SubmittedCodes, coders) -> list[str]:
    if coders is None:
        return data.coders
    names = sorted({getattr(c, "username", c) for c in coders})
    if len(names) < 2:
        raise ValueError("list at least two coders")
    return names


# --- one row of figures --------------------------------------------------------------------


def _undefined_row(n_units: int, reason: str) -> dict[str, Any]:
    return {
        "n_units": n_units,
        "alpha": None,
        "percent_agreement": None,
        "ac1": None,
        "ci_low": None,
        "ci_high": None,
        "ci_method": None,
        "reading": "undefined",
        "undefined_reason": reason,
        "reading_note": "",
    }


def _figures(
    matrix: np.ndarray, *, level: str, categories: list, draws: int, seed: int, empty: str
) -> dict[str, Any]:
    """alpha, its interval and reading, percent agreement (and AC1 for application) of one
    coders x units matrix; ``empty`` is the reason given when it has no unit."""
    n_units = int(matrix.shape[1])
    if n_units == 0:
        return _undefined_row(0, empty)
    found = alpha_figures(matrix, level=level, categories=categories, draws=draws, seed=seed)
    alpha, interval = found.alpha, found.interval
    figures = _undefined_row(n_units, alpha.reason or "")
    figures["percent_agreement"] = found.percent_agreement.value
    read = found.reading(
        APPLICATION_LABELS if level == "nominal" else {c: f"value {c}" for c in categories}
    )
    figures["reading_note"] = read.note
    if level == "nominal":
        figures["ac1"] = found.ac1.value
    if interval is not None:
        figures.update(
            alpha=alpha.value,
            reading=read.label,
            undefined_reason=None,
            ci_low=interval.ci[0] if interval.ci else None,
            ci_high=interval.ci[1] if interval.ci else None,
            ci_method=interval.method if interval.ci else None,
        )
    return figures


class _Pools:
    """The coders x units matrices of any set of criteria, cut from one coders x items x
    criteria cube: which cells were applied, and by how many coders, is worked out once for
    the cube rather than again for every criterion, group and the whole codebook."""

    def __init__(self, cube: np.ndarray) -> None:
        self.cube = cube
        applied = ~np.isnan(cube)
        self.applied = applied.astype(float)
        self.pairable = applied.sum(axis=0) >= 2  # items x criteria

    def application(self, columns: list[int]) -> np.ndarray:
        """1 where the coder applied the criterion, 0 where not; units are (item, criterion)
        pairs, item by item, the criteria in ``columns`` order within an item."""
        return self._units(self.applied, columns)

    def values(self, columns: list[int]) -> np.ndarray:
        """The values, over the units where at least two coders applied the criterion."""
        pairable = _in_columns(self.pairable, columns).reshape(-1)
        return self._units(self.cube, columns)[:, pairable]

    def _units(self, cube: np.ndarray, columns: list[int]) -> np.ndarray:
        coders, items = cube.shape[:2]
        units = _in_columns(cube, columns).reshape(coders, items * len(columns))
        # One criterion's cells lie a whole row of criteria apart: the coefficients run
        # markedly faster on a contiguous copy, which costs little.
        return np.ascontiguousarray(units)


def _in_columns(array: np.ndarray, columns: list[int]) -> np.ndarray:
    """The criteria ``columns`` of the last axis: a view, not a copy, when they follow one
    another (the whole codebook then needs no copy at all)."""
    if columns and columns == list(range(columns[0], columns[-1] + 1)):
        return array[..., columns[0] : columns[-1] + 1]
    return array[..., columns]


# --- the public functions ------------------------------------------------------------------


def agreement_rows(
    project: Project,
    *,
    dyad: Dyad | str | None = None,
    coders=None,
    draws: int = 1000,
    seed: int = 1,
    codebook_version: int | None = None,
) -> list[dict[str, Any]]:
    """One dict per (scope, key, measure): every criterion, then every framework group, then
    the whole codebook ("overall"), each with its application and its value row.

    ``coders``: usernames (or users) whose agreement to measure, at least two; default every
    coder with a submitted item. ``codebook_version``: as ``load_submitted_codes``. Keys: see
    ``ROW_KEYS``.
    """
    data = load_submitted_codes(
        project, resolve_dyad(project, dyad), codebook_version=codebook_version
    )
    return _rows_of(data, coders, draws=draws, seed=seed)


def _rows_of(data: SubmittedCodes, coders, *, draws: int, seed: int) -> list[dict[str, Any]]:
    listed = _listed_coders(data, coders)
    items = data.common_items(listed if len(listed) >= 2 else [])
    pools = _Pools(data.value_cube(listed, items))
    scale = list(data.scale)
    no_items = _no_items_reason(listed)

    def rows_for(scope: str, key: str, framework: str, group: str, columns: list[int]):
        shared = {"scope": scope, "key": key, "framework": framework, "group": group}
        application = _figures(
            pools.application(columns),
            level="nominal",
            categories=[0, 1],
            draws=draws,
            seed=seed,
            empty=no_items,
        )
        value = _figures(
            pools.values(columns),
            level="ordinal",
            categories=scale,
            draws=draws,
            seed=seed,
            empty=no_items if items.size == 0 else "no item on which two coders applied it",
        )
        return [
            {**shared, "measure": "application", "level": "nominal", **application},
            {**shared, "measure": "value", "level": "ordinal", **value},
        ]

    rows: list[dict[str, Any]] = []
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for j, criterion in enumerate(data.criteria):
        rows += rows_for("criterion", criterion.code, criterion.framework, criterion.group, [j])
        groups[(criterion.framework, criterion.group)].append(j)
    for (framework, group), columns in groups.items():
        rows += rows_for("group", group, framework, group, columns)
    rows += rows_for("overall", "all", "", "", list(range(len(data.criteria))))
    return [{key: row[key] for key in ROW_KEYS} for row in rows]


def _no_items_reason(coders: list[str]) -> str:
    if len(coders) < 2:
        return "fewer than two coders have submitted items"
    return f"no item has been submitted by every listed coder ({', '.join(coders)})"


def coder_pair_kappas(project: Project, *, dyad: Dyad | str | None = None) -> list[dict]:
    """Cohen's kappa for every pair of coders with submitted items.

    Units: every (item, criterion) of the items both coders submitted; categories: "not coded"
    and each value of the scale, nominal. So the kappa counts a disagreement whenever the two
    codes differ, whether one applied the criterion and the other did not or both applied it
    with different values.
    """
    return _kappas_of(load_submitted_codes(project, resolve_dyad(project, dyad)))


def _kappas_of(data: SubmittedCodes) -> list[dict]:
    categories = [NOT_CODED, *data.scale]
    found = []
    for coder_a, coder_b in combinations(data.coders, 2):
        items = data.common_items([coder_a, coder_b])
        row = {"coder_a": coder_a, "coder_b": coder_b, "n_units": 0}
        if items.size == 0:
            found.append({**row, "cohen_kappa": None, "reason": "no item submitted by both"})
            continue
        table = _pair_table(data.category_cube([coder_a, coder_b], items), len(categories))
        kappa = cohen_kappa_table(table, categories=categories)
        found.append(
            {
                **row,
                "n_units": len(items) * len(data.criteria),
                "cohen_kappa": kappa.value,
                "reason": kappa.reason,
            }
        )
    return found


def _pair_table(cube: np.ndarray, size: int) -> np.ndarray:
    """First coder x second coder counts of every (item, criterion) unit of a 2 x items x
    criteria cube of category positions."""
    pairs = cube[0].reshape(-1) * size + cube[1].reshape(-1)
    return np.bincount(pairs, minlength=size * size).reshape(size, size).astype(np.float64)


# --- coder diagnostics ---------------------------------------------------------------------


def leave_one_coder_out(project: Project, *, dyad: Dyad | str | None = None, coders=None) -> dict:
    """Overall alpha (application and value) with each listed coder left out.

    The units stay those of the overall row, the items every listed coder submitted, so a
    change is the coder's doing and not a change of items. ``change`` is alpha without the
    coder minus alpha with everyone: above zero, agreement is higher without them. Needs three
    coders at least (leaving one of two out leaves nobody to agree with).
    """
    return _left_out_of(load_submitted_codes(project, resolve_dyad(project, dyad)), coders)


def _left_out_of(data: SubmittedCodes, coders) -> dict:
    listed = _listed_coders(data, coders)
    found: dict[str, Any] = {"n_coders": len(listed), "reason": None, "all": None, "coders": []}
    if len(listed) < 3:
        found["reason"] = f"leaving a coder out needs at least three coders (here {len(listed)})"
        return found
    items = data.common_items(listed)
    if items.size == 0:
        found["reason"] = _no_items_reason(listed)
        return found
    cube = data.value_cube(listed, items)
    everyone = _overall_alphas(cube, data.scale)
    found["all"] = everyone
    for i, coder in enumerate(listed):
        without = _overall_alphas(np.delete(cube, i, axis=0), data.scale)
        for measure, figures in without.items():
            alpha, base = figures["alpha"], everyone[measure]["alpha"]
            figures["change"] = None if alpha is None or base is None else alpha - base
        found["coders"].append({"coder": coder, **without})
    return found


def _overall_alphas(cube: np.ndarray, scale: list[int]) -> dict[str, dict[str, Any]]:
    """Application and value alpha over every criterion of a coders x items x criteria cube,
    with their units, as the overall row computes them (without the bootstrap)."""
    pools = _Pools(cube)
    columns = list(range(cube.shape[2]))
    matrices = {
        "application": (pools.application(columns), "nominal", [0, 1]),
        "value": (pools.values(columns), "ordinal", scale),
    }
    found = {}
    for measure, (matrix, level, categories) in matrices.items():
        alpha = alpha_coefficient(matrix, level=level, categories=categories)
        found[measure] = {"n_units": int(matrix.shape[1]), "alpha": alpha.value}
        found[measure]["reason"] = (
            alpha.reason if matrix.shape[1] else "no item on which two coders applied a criterion"
        )
    return found


def coders_against_consensus(
    project: Project, *, dyad: Dyad | str | None = None, coders=None
) -> list[dict]:
    """Each coder's submitted codes against the consensus of the same items.

    Units: every (item, criterion) of the items the coder submitted whose consensus is settled
    (every assigned coder has submitted and nothing awaits adjudication); categories "not coded"
    and each value of the scale, nominal, as for the coder-pair kappas. Per coder: ``n_items``,
    ``n_units``, percent agreement, Cohen's kappa (or None and the reason) and ``n_unsettled``,
    the coder's submitted items left out because their consensus is not settled yet.

    Where the coders agreed, the consensus is their codes: the figures differ between coders
    only on the items a reviewer decided.
    """
    chosen = resolve_dyad(project, dyad)
    data = load_submitted_codes(project, chosen)
    return _against_consensus_of(data, coders, _consensus_of(project, chosen, data))


def _consensus_of(
    project: Project, dyad: Dyad | None, data: SubmittedCodes
) -> dict[int, ItemConsensus]:
    """The consensus of every submitted item of ``data``, in three queries (the ids go to the
    database as a subquery, not as a list)."""
    submitted = Assignment.objects.filter(
        evidence__project=project, status=Assignment.Status.SUBMITTED
    )
    if dyad is not None:
        submitted = submitted.filter(evidence__dyad=dyad)
    among = submitted.order_by().values_list("evidence_id", flat=True)
    return consensus_for(data.items.tolist(), among=among)


def _against_consensus_of(
    data: SubmittedCodes, coders, consensus: dict[int, ItemConsensus]
) -> list[dict]:
    listed = data.coders if coders is None else _listed_coders(data, coders)
    categories = [NOT_CODED, *data.scale]
    settled, decided = _consensus_matrix(data, consensus)
    rows = {name: i for i, name in enumerate(data.coders)}
    found = []
    for coder in listed:
        row = rows.get(coder)
        mine = np.flatnonzero(data.submitted[row]) if row is not None else np.empty(0, np.intp)
        items = mine[settled[mine]]
        figures = {
            "coder": coder,
            "n_items": int(items.size),
            "n_units": int(items.size) * len(data.criteria),
            "n_unsettled": int(mine.size - items.size),
            "percent_agreement": None,
            "cohen_kappa": None,
            "reason": None,
        }
        if items.size == 0:
            figures["reason"] = "none of their items has a settled consensus yet"
            found.append(figures)
            continue
        pair = np.stack([data.category_cube([coder], items)[0], decided[items]])
        table = _pair_table(pair, len(categories))
        kappa = cohen_kappa_table(table, categories=categories)
        figures["percent_agreement"] = float(np.trace(table) / table.sum())
        figures["cohen_kappa"], figures["reason"] = kappa.value, kappa.reason
        found.append(figures)
    return found


def _consensus_matrix(
    data: SubmittedCodes, consensus: dict[int, ItemConsensus]
) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``data.items`` have a settled consensus, and the consensus as an items x
    criteria array of positions in [not coded, *scale] (as ``category_cube`` gives a coder's)."""
    column = {criterion.code: j for j, criterion in enumerate(data.criteria)}
    position = {value: p + 1 for p, value in enumerate(data.scale)}
    settled = np.zeros(len(data.items), dtype=bool)
    decided = np.zeros((len(data.items), len(data.criteria)), dtype=np.intp)
    for i, item_id in enumerate(data.items.tolist()):
        found = consensus.get(item_id)
        if found is None or found.awaiting_coders or found.pending or found.hidden:
            continue
        settled[i] = True
        for code, value in found.values.items():
            if code in column:
                decided[i, column[code]] = position[value]
    return settled, decided


def stage_judgment_agreement(project: Project, *, dyad: Dyad | str | None = None) -> dict:
    """Ordinal alpha of the coders' holistic stage verdicts (none < nascent < ascendant < mature).

    Units are periods; ``n_periods`` counts those judged by at least two coders (the only ones
    alpha can use), ``n_coders`` every coder with a judgment.
    """
    judgments = StageJudgment.objects.filter(period__dyad__project=project)
    chosen = resolve_dyad(project, dyad)
    if chosen is not None:
        judgments = judgments.filter(period__dyad=chosen)
    verdicts: dict[int, dict[str, str]] = defaultdict(dict)
    for period_id, coder, stage in judgments.values_list("period_id", "coder__username", "stage"):
        verdicts[period_id][coder] = stage
    coders = sorted({c for by_coder in verdicts.values() for c in by_coder})
    n_periods = sum(1 for by_coder in verdicts.values() if len(by_coder) >= 2)
    result = {"n_periods": n_periods, "n_coders": len(coders), "alpha_ordinal": None}
    if len(coders) < 2:
        return {**result, "reason": "fewer than two coders have recorded stage judgments"}
    periods = sorted(verdicts)
    matrix = [[verdicts[p].get(c) for p in periods] for c in coders]
    alpha = alpha_coefficient(matrix, level="ordinal", categories=STAGE_ORDER)
    return {**result, "alpha_ordinal": alpha.value, "reason": alpha.reason}


def agreement_figures(
    project: Project,
    *,
    dyad: Dyad | str | None = None,
    coders=None,
    draws: int = 1000,
    seed: int = 1,
    codebook_version: int | None = None,
) -> dict[str, Any]:
    """Everything the agreement page shows, reading the codings once: ``rows`` as
    ``agreement_rows``, ``kappas`` as ``coder_pair_kappas``, ``stages`` as
    ``stage_judgment_agreement``, ``left_out`` as ``leave_one_coder_out`` and
    ``against_consensus`` as ``coders_against_consensus``."""
    chosen = resolve_dyad(project, dyad)
    data = load_submitted_codes(project, chosen, codebook_version=codebook_version)
    return {
        "rows": _rows_of(data, coders, draws=draws, seed=seed),
        "kappas": _kappas_of(data),
        "stages": stage_judgment_agreement(project, dyad=chosen),
        "left_out": _left_out_of(data, coders),
        "against_consensus": _against_consensus_of(
            data, coders, _consensus_of(project, chosen, data)
        ),
    }


__all__ = [
    "FIGURES_VERSION",
    "RELIABLE",
    "ROW_KEYS",
    "TENTATIVE",
    "SubmittedCodes",
    "agreement_figures",
    "agreement_rows",
    "coder_pair_kappas",
    "coders_against_consensus",
    "leave_one_coder_out",
    "load_submitted_codes",
    "reading",
    "resolve_dyad",
    "stage_judgment_agreement",
]
