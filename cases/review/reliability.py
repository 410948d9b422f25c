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
below .667 not reliable. An undefined alpha is reported as such, with the reason.

The public functions (``agreement_rows``, ``coder_pair_kappas``, ``stage_judgment_agreement``)
return plain dicts with fixed keys, for the agreement page, the exports and the API alike. They
read the database in a fixed number of queries whatever the project's size and hand numpy arrays
to ``cases.review.agreement``, where all the arithmetic is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
from django.db.models import Count, Max, Sum

from ..models import Assignment, Coding, Criterion, Dyad, Evidence, Project, Stage, StageJudgment
from .agreement import (
    alpha_coefficient,
    cohen_kappa,
    gwet_ac1,
    krippendorff_alpha_bootstrap,
    percent_agreement,
)

RELIABLE = 0.800
TENTATIVE = 0.667
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
)


def reading(alpha: float | None) -> str:
    """Krippendorff's (2004) reading of an alpha."""
    if alpha is None:
        return "undefined"
    if alpha >= RELIABLE:
        return "reliable"
    if alpha >= TENTATIVE:
        return "tentative"
    return "not reliable"


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
    """Every submitted code set of a project (or one dyad), as loaded in four queries.

    ``codes[(item_id, coder)]`` maps criterion ids to values for each submitted (item, coder),
    an empty dict when the coder submitted the item without coding anything.
    """

    criteria: list[CriterionInfo]
    scale: list[int]
    codes: dict[tuple[int, str], dict[int, int]]

    @property
    def coders(self) -> list[str]:
        return sorted({coder for _, coder in self.codes})

    def items_of(self, coder: str) -> set[int]:
        return {item for item, who in self.codes if who == coder}

    def common_items(self, coders: list[str]) -> list[int]:
        """The items every one of the coders has submitted, in id order."""
        if not coders:
            return []
        common = set.intersection(*(self.items_of(c) for c in coders))
        return sorted(common)

    def value_cube(self, coders: list[str], items: list[int]) -> np.ndarray:
        """coders x items x criteria, NaN where the coder did not code the criterion."""
        column = {c.pk: j for j, c in enumerate(self.criteria)}
        cube = np.full((len(coders), len(items), len(self.criteria)), np.nan)
        # Gather the cells in lists and fill the cube in one assignment: setting numpy cells
        # one by one dominated the agreement page on large projects.
        where: tuple[list[int], list[int], list[int]] = ([], [], [])
        values: list[int] = []
        for i, coder in enumerate(coders):
            for u, item in enumerate(items):
                for criterion_id, value in self.codes[(item, coder)].items():
                    j = column.get(criterion_id)
                    if j is not None:
                        where[0].append(i)
                        where[1].append(u)
                        where[2].append(j)
                        values.append(value)
        cube[where] = values
        return cube


def resolve_dyad(project: Project, dyad: Dyad | str | None) -> Dyad | None:
    """Accept a Dyad of the project, its code (either order of the states), or None."""
    if dyad is None or isinstance(dyad, Dyad):
        if dyad is not None and dyad.project_id != project.pk:
            raise ValueError(f"dyad {dyad.code} belongs to another project")
        return dyad
    from ..classify_project import find_dyads

    return find_dyads(project, dyad)[0]


def load_submitted_codes(project: Project, dyad: Dyad | None = None) -> SubmittedCodes:
    criteria = [
        CriterionInfo(*row)
        for row in Criterion.objects.filter(codebook_id=project.codebook_id)
        .order_by("order", "code")
        .values_list("pk", "code", "name", "framework", "group")
    ]
    scale = project.codebook.scale_values()
    assignments = Assignment.objects.filter(
        evidence__project=project, status=Assignment.Status.SUBMITTED
    ).order_by()
    # Only codings of submitted (item, coder) pairs are kept below, so the codings need no join
    # to the assignments nor to the users: on large projects those joins cost seconds.
    codings = Coding.objects.for_project(project).order_by()
    if dyad is not None:
        assignments = assignments.filter(evidence__dyad=dyad)
        codings = codings.filter(evidence__dyad=dyad)
    names: dict[int, str] = {}
    codes: dict[tuple[int, str], dict[int, int]] = {}
    for item, coder_id, coder in assignments.values_list(
        "evidence_id", "coder_id", "coder__username"
    ):
        names[coder_id] = coder
        codes[(item, coder)] = {}
    for item, coder_id, criterion_id, value in codings.values_list(
        "evidence_id", "coder_id", "criterion_id", "value"
    ):
        found = codes.get((item, names.get(coder_id)))
        if found is not None:
            found[criterion_id] = value
    return SubmittedCodes(criteria=criteria, scale=scale, codes=codes)


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
    }


def _figures(
    matrix: np.ndarray, *, level: str, categories: list, draws: int, seed: int, empty: str
) -> dict[str, Any]:
    """alpha, its interval and reading, percent agreement (and AC1 for application) of one
    coders x units matrix; ``empty`` is the reason given when it has no unit."""
    n_units = int(matrix.shape[1])
    if n_units == 0:
        return _undefined_row(0, empty)
    alpha = alpha_coefficient(matrix, level=level, categories=categories)
    agreement = percent_agreement(matrix, categories=categories)
    figures = _undefined_row(n_units, alpha.reason or "")
    figures["percent_agreement"] = agreement.value
    if level == "nominal":
        figures["ac1"] = gwet_ac1(matrix, categories=categories).value
    if alpha.is_defined:
        interval = krippendorff_alpha_bootstrap(
            matrix, level=level, categories=categories, draws=draws, seed=seed
        )
        figures.update(
            alpha=alpha.value,
            reading=reading(alpha.value),
            undefined_reason=None,
            ci_low=interval.ci[0] if interval.ci else None,
            ci_high=interval.ci[1] if interval.ci else None,
            ci_method=interval.method if interval.ci else None,
        )
    return figures


def _pool(cube: np.ndarray, columns: list[int], *, value: bool) -> np.ndarray:
    """The coders x units matrix of some criteria's (item, criterion) units, pooled.

    For values, only the units where at least two coders applied the criterion."""
    part = cube[:, :, columns].reshape(cube.shape[0], cube.shape[1] * len(columns))
    applied = ~np.isnan(part)
    if not value:
        return applied.astype(float)
    return part[:, applied.sum(axis=0) >= 2]


# --- the public functions ------------------------------------------------------------------


def agreement_rows(
    project: Project,
    *,
    dyad: Dyad | str | None = None,
    coders=None,
    draws: int = 1000,
    seed: int = 1,
) -> list[dict[str, Any]]:
    """One dict per (scope, key, measure): every criterion, then every framework group, then
    the whole codebook ("overall"), each with its application and its value row.

    ``coders``: usernames (or users) whose agreement to measure, at least two; default every
    coder with a submitted item. Keys: see ``ROW_KEYS``.
    """
    data = load_submitted_codes(project, resolve_dyad(project, dyad))
    return _rows_of(data, coders, draws=draws, seed=seed)


def _rows_of(data: SubmittedCodes, coders, *, draws: int, seed: int) -> list[dict[str, Any]]:
    listed = _listed_coders(data, coders)
    items = data.common_items(listed) if len(listed) >= 2 else []
    cube = data.value_cube(listed, items)
    scale = list(data.scale)
    no_items = _no_items_reason(listed)

    def rows_for(scope: str, key: str, framework: str, group: str, columns: list[int]):
        shared = {"scope": scope, "key": key, "framework": framework, "group": group}
        application = _figures(
            _pool(cube, columns, value=False),
            level="nominal",
            categories=[0, 1],
            draws=draws,
            seed=seed,
            empty=no_items,
        )
        value = _figures(
            _pool(cube, columns, value=True),
            level="ordinal",
            categories=scale,
            draws=draws,
            seed=seed,
            empty=no_items if not items else "no item on which two coders applied it",
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
        if not items:
            found.append({**row, "cohen_kappa": None, "reason": "no item submitted by both"})
            continue
        cube = data.value_cube([coder_a, coder_b], items)
        matrix = np.nan_to_num(cube, nan=NOT_CODED).reshape(2, -1)
        kappa = cohen_kappa(matrix, categories=categories)
        found.append(
            {
                **row,
                "n_units": int(matrix.shape[1]),
                "cohen_kappa": kappa.value,
                "reason": kappa.reason,
            }
        )
    return found


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
) -> dict[str, Any]:
    """Everything the agreement page shows, reading the codings once: ``rows`` as
    ``agreement_rows``, ``kappas`` as ``coder_pair_kappas``, ``stages`` as
    ``stage_judgment_agreement``."""
    chosen = resolve_dyad(project, dyad)
    data = load_submitted_codes(project, chosen)
    return {
        "rows": _rows_of(data, coders, draws=draws, seed=seed),
        "kappas": _kappas_of(data),
        "stages": stage_judgment_agreement(project, dyad=chosen),
    }


def reliability_fingerprint(project: Project) -> str:
    """Changes whenever anything the figures read changes: a cache key for the agreement page.

    Coding, evidence and criteria keep a history, so the newest history row catches edits and
    deletions alike; submitted assignments and stage judgments are summed up instead.
    """
    submitted = Assignment.objects.filter(
        evidence__project=project, status=Assignment.Status.SUBMITTED
    ).aggregate(n=Count("pk"), ids=Sum("pk"), last=Max("submitted_at"))
    judged = StageJudgment.objects.filter(period__dyad__project=project).aggregate(
        n=Count("pk"), versions=Sum("version"), last=Max("updated_at")
    )
    parts = [
        project.codebook_id,
        *submitted.values(),
        *judged.values(),
        Coding.history.filter(evidence__project=project).aggregate(m=Max("history_id"))["m"],
        Evidence.history.filter(project=project).aggregate(m=Max("history_id"))["m"],
        Criterion.history.filter(codebook_id=project.codebook_id).aggregate(m=Max("history_id"))[
            "m"
        ],
    ]
    return "-".join(str(p) for p in parts)


__all__ = [
    "ROW_KEYS",
    "SubmittedCodes",
    "agreement_figures",
    "agreement_rows",
    "coder_pair_kappas",
    "load_submitted_codes",
    "reading",
    "reliability_fingerprint",
    "resolve_dyad",
    "stage_judgment_agreement",
]
