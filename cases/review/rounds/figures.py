"""The figures of coding rounds, from the database: each coder's score against the round's
reference, the coders' agreement with one another on the round's items, and that agreement
round after round.

Scores are the pure ``scoring`` module's, agreement is ``cases.review.reliability``'s rows
computed over the round's items alone; this module only gathers their inputs, in a fixed
number of queries whatever the number of items, coders or rounds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

import numpy as np

from cases.lib.cache import cached_for_project
from cases.models import Assignment, Coding, Criterion, GoldValue, Round
from cases.review.consensus import consensus_for
from cases.review.reliability import FIGURES_VERSION, agreement_rows_of
from cases.review.rounds.scoring import CoderScore, score_coder
from cases.review.submitted_codes import SubmittedCodes, load_submitted_codes

# --- scores against the reference ---------------------------------------------------------


def round_items(round_: Round) -> dict[int, str]:
    """The round's items, id -> key, in key order."""
    return dict(round_.items.order_by("key").values_list("pk", "key"))


def reference_for(round_: Round, items: dict[int, str]) -> dict[int, dict[str, int | None]]:
    """What the coders are scored against, item by item: the gold set, or the consensus of
    the items whose consensus is settled (every coder submitted, nothing awaits a reviewer)."""
    if round_.uses_gold:
        gold: dict[int, dict[str, int | None]] = defaultdict(dict)
        for item, code, value in GoldValue.objects.filter(round=round_).values_list(
            "evidence_id", "criterion__code", "value"
        ):
            gold[item][code] = value
        return dict(gold)
    found = consensus_for(list(items))
    return {
        item: dict(c.values)
        for item, c in found.items()
        if c.is_coded and not (c.awaiting_coders or c.pending or c.hidden)
    }


def submitted_codes(round_: Round, coders: list) -> dict[str, dict[int, dict[str, int]]]:
    """username -> item -> criterion code -> value, over the round's items each coder has
    submitted (an item submitted with nothing coded is there, empty)."""
    submitted = Assignment.objects.filter(
        evidence__rounds=round_, coder__in=coders, status=Assignment.Status.SUBMITTED
    ).values_list("evidence_id", "coder_id")
    names = {coder.pk: coder.username for coder in coders}
    codes: dict[str, dict[int, dict[str, int]]] = {name: {} for name in names.values()}
    for item, coder in submitted:
        codes[names[coder]][item] = {}
    for item, coder, code, value in Coding.objects.filter(
        evidence__rounds=round_, coder__in=coders
    ).values_list("evidence_id", "coder_id", "criterion__code", "value"):
        if item in codes[names[coder]]:
            codes[names[coder]][item][code] = value
    return codes


def coder_scores(round_: Round, coders: list) -> tuple[list[CoderScore], dict[int, str]]:
    """The score of each of ``coders`` (users, in the order given) in the round, and the
    round's items (id -> key). The caller decides whose scores a reader may see."""
    items = round_items(round_)
    criteria = list(
        Criterion.objects.filter(codebook_id=round_.project.codebook_id)
        .in_codebook_order()
        .values_list("code", flat=True)
    )
    scale = round_.project.codebook.scale_values()
    reference = reference_for(round_, items)
    codes = submitted_codes(round_, coders)
    scores = []
    for coder in coders:
        mine = codes[coder.username]
        ordered = {item: mine[item] for item in items if item in mine}
        scores.append(
            score_coder(coder.username, ordered, reference, criteria=criteria, scale=scale)
        )
    return scores, items


# --- agreement per round and across rounds --------------------------------------------------

DRAWS, SEED = 1000, 1  # as the agreement page: the same figures on every visit


def only_items(data: SubmittedCodes, item_ids) -> SubmittedCodes:
    """``data`` narrowed to the items ``item_ids`` (the coders stay as they are)."""
    keep = np.isin(data.items, np.fromiter(item_ids, dtype=np.int64))
    position = np.full(len(data.items), -1, dtype=np.intp)
    position[keep] = np.arange(int(keep.sum()))
    kept = keep[data.item] if data.item.size else np.zeros(0, dtype=bool)
    return replace(
        data,
        items=data.items[keep],
        submitted=data.submitted[:, keep],
        coder=data.coder[kept],
        item=position[data.item[kept]],
        column=data.column[kept],
        value=data.value[kept],
    )


def _rows_for(data: SubmittedCodes, coders: list[str], items) -> list[dict[str, Any]] | None:
    """The agreement rows of a round's coders over its items; None with fewer than two
    coders, who cannot agree with one another."""
    if len(coders) < 2:
        return None
    return agreement_rows_of(only_items(data, items), coders=coders, draws=DRAWS, seed=SEED)


def _shapes(rounds: list[Round]) -> dict[int, tuple[list[str], list[int]]]:
    """Each round's coders (usernames, sorted) and items, in two queries for all rounds."""
    ids = [r.pk for r in rounds]
    coders, items = defaultdict(list), defaultdict(list)
    for round_id, name in (
        Round.coders.through.objects.filter(round_id__in=ids)
        .order_by("user__username")
        .values_list("round_id", "user__username")
    ):
        coders[round_id].append(name)
    for round_id, item in (
        Round.items.through.objects.filter(round_id__in=ids)
        .order_by("evidence_id")
        .values_list("round_id", "evidence_id")
    ):
        items[round_id].append(item)
    return {pk: (coders[pk], items[pk]) for pk in ids}


def round_agreement(round_: Round) -> list[dict[str, Any]] | None:
    """The agreement rows (``cases.review.reliability.agreement_rows``) of the round's coders
    over the round's items they all submitted; None when the round has fewer than two coders.
    Cached until anything they read changes."""
    coders, items = _shapes([round_])[round_.pk]
    project = round_.project
    return cached_for_project(
        "round-agreement",
        project,
        [round_.pk, coders, items, DRAWS, SEED, FIGURES_VERSION],
        lambda: _rows_for(load_submitted_codes(project), coders, items),
    )


def rounds_trend(project, rounds: list[Round]) -> list[dict[str, Any]]:
    """The overall agreement of each round, in the order given: its name, kind and status,
    and the overall application and value rows (None when it has fewer than two coders).
    The codes are read once for every round. Cached until anything they read changes."""
    parts, compute = trend_recipe(project, rounds)
    return cached_for_project("rounds-trend", project, parts, compute)


def trend_recipe(project, rounds: list[Round]) -> tuple[list, Any]:
    """What the trend of ``rounds`` depends on besides the project's data (each round's name,
    kind, status, coders and items), and its computation: for ``rounds_trend`` and for the
    figures recomputed in the background (``cases.lib.figure_recipes``)."""
    shapes = _shapes(rounds)
    described = [(r.pk, r.name, r.kind, r.status, *shapes[r.pk]) for r in rounds]

    def compute():
        data = load_submitted_codes(project)
        found = []
        for pk, name, kind, status, coders, items in described:
            rows = _rows_for(data, coders, items)
            overall = {row["measure"]: row for row in rows or [] if row["scope"] == "overall"}
            found.append(
                {
                    "pk": pk,
                    "name": name,
                    "kind": kind,
                    "status": status,
                    "n_coders": len(coders),
                    "n_items": len(items),
                    "application": overall.get("application"),
                    "value": overall.get("value"),
                }
            )
        return found

    return [described, DRAWS, SEED, FIGURES_VERSION], compute
