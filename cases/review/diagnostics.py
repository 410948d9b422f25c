"""Coder diagnostics: the agreement of the coders looked at one by one.

Two views: alpha with each coder left out (``leave_one_coder_out``), and each coder's codes
against the items' consensus (``coders_against_consensus``). Both return plain dicts with fixed
keys for the agreement page, read the database in a fixed number of queries
(``cases.review.submitted_codes``) and leave the arithmetic to ``cases.review.agreement``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cases.models import Assignment, Dyad, Project
from cases.review.agreement import alpha_coefficient, cohen_kappa_table
from cases.review.coding_units import NOT_CODED, UnitPools, pair_table
from cases.review.consensus import ItemConsensus, consensus_for
from cases.review.submitted_codes import (
    SubmittedCodes,
    listed_coders,
    load_submitted_codes,
    no_items_reason,
    resolve_dyad,
)


def leave_one_coder_out(project: Project, *, dyad: Dyad | str | None = None, coders=None) -> dict:
    """Overall alpha (application and value) with each listed coder left out.

    The units stay those of the overall row, the items every listed coder submitted, so a
    change is the coder's doing and not a change of items. ``change`` is alpha without the
    coder minus alpha with everyone: above zero, agreement is higher without them. Needs three
    coders at least (leaving one of two out leaves nobody to agree with).
    """
    return left_out_of(load_submitted_codes(project, resolve_dyad(project, dyad)), coders)


def left_out_of(data: SubmittedCodes, coders) -> dict:
    """``leave_one_coder_out`` of codes already loaded."""
    listed = listed_coders(data, coders)
    found: dict[str, Any] = {"n_coders": len(listed), "reason": None, "all": None, "coders": []}
    if len(listed) < 3:
        found["reason"] = f"leaving a coder out needs at least three coders (here {len(listed)})"
        return found
    items = data.common_items(listed)
    if items.size == 0:
        found["reason"] = no_items_reason(listed)
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
    pools = UnitPools(cube)
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
    return against_consensus_of(data, coders, submitted_consensus_of(project, chosen, data))


def submitted_consensus_of(
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


def against_consensus_of(
    data: SubmittedCodes, coders, consensus: dict[int, ItemConsensus]
) -> list[dict]:
    """``coders_against_consensus`` of codes and consensus already loaded."""
    listed = data.coders if coders is None else listed_coders(data, coders)
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
        table = pair_table(pair, len(categories))
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


__all__ = [
    "against_consensus_of",
    "coders_against_consensus",
    "leave_one_coder_out",
    "left_out_of",
    "submitted_consensus_of",
]
