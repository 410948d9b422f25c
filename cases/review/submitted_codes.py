"""The submitted codes of a project as arrays: what the agreement figures are computed from.

Every submitted code set of a project (or one dyad) is loaded in five queries whatever the
project's size, into numpy arrays (``SubmittedCodes``) from which ``cases.review.reliability``
and ``cases.review.diagnostics`` cut the coders x units matrices they hand to the pure
agreement engine (``cases.review.agreement``). Drafts never count.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Subquery

from cases.codebooks.snapshots import codes_in_version
from cases.models import Assignment, Coding, Criterion, Dyad, Evidence, Project, ScaleValue


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


def coders_with_submissions(project: Project) -> list[str]:
    """The usernames of the coders with a submitted item in the project, sorted: the review
    pages' coder pairs."""
    # A large project has tens of thousands of submitted assignments and a handful of coders:
    # each user is asked whether one submitted assignment of theirs is in the project, going
    # down their assignments and stopping at the first (a distinct over every assignment of the
    # project read them all). The item's project is looked up one row at a time: joined, the
    # database would read every item of the project first.
    project_of = Evidence.objects.filter(pk=OuterRef("evidence_id")).order_by().values("project_id")
    submitted = (
        Assignment.objects.filter(coder_id=OuterRef("pk"), status=Assignment.Status.SUBMITTED)
        .annotate(of_project=Subquery(project_of[:1]))
        .filter(of_project=project.pk)
    )
    return list(
        get_user_model()
        .objects.filter(Exists(submitted))
        .order_by("username")
        .values_list("username", flat=True)
    )


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


def listed_coders(data: SubmittedCodes, coders) -> list[str]:
    """The usernames of ``coders`` (usernames or users; at least two), sorted; default every
    coder with a submitted item."""
    if coders is None:
        return data.coders
    names = sorted({getattr(c, "username", c) for c in coders})
    if len(names) < 2:
        raise ValueError("list at least two coders")
    return names


def no_items_reason(coders: list[str]) -> str:
    """Why the listed coders have no item to compare."""
    if len(coders) < 2:
        return "fewer than two coders have submitted items"
    return f"no item has been submitted by every listed coder ({', '.join(coders)})"


__all__ = [
    "CriterionInfo",
    "SubmittedCodes",
    "listed_coders",
    "load_submitted_codes",
    "no_items_reason",
    "resolve_dyad",
]
