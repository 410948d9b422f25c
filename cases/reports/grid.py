"""The report's grid: for every criterion and period, the value the rule read and the evidence
items that set it (or the period it was carried from, or the override that replaced it).

PURE: no Django; ``cases.reports.build`` gives it the consensus of each period's items.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cases.classification.rule import PeriodResult

Item = tuple[str, Mapping[str, int]]  # (evidence key, its consensus codes)


def trace_cell(
    code: str, result: PeriodResult, items_by_period: Mapping[str, Sequence[Item]]
) -> dict[str, Any]:
    """One grid cell: the period value and the evidence items that set it.

    The items that set a value are those whose consensus equals the period's maximum (rule v1,
    step 0); a carried value points to the items of the period it was carried from; an override
    points to no item but carries its rationale. ``value`` is None when nothing was coded.
    """
    own = [
        (key, codes[code]) for key, codes in items_by_period.get(result.code, ()) if code in codes
    ]
    override = next((o for o in result.overrides if o.code == code), None)
    carried_from = result.carried.get(code)
    value = result.values.get(code, 0)
    if override is not None:
        setters: list[str] = []
    elif carried_from is not None:
        setters = [
            key for key, codes in items_by_period.get(carried_from, ()) if codes.get(code) == value
        ]
    else:
        setters = [key for key, v in own if v == value]
    coded = bool(own) or carried_from is not None or override is not None
    return {
        "period": result.code,
        "value": value if coded else None,
        "carried_from": carried_from,
        "override": (
            {"value": override.value, "derived": override.derived, "rationale": override.rationale}
            if override
            else None
        ),
        "contested": code in result.contested,
        "items": setters,
        "other_items": [{"key": key, "value": v} for key, v in own if key not in setters],
    }


def grid_rows(
    criteria: Sequence[Mapping[str, Any]],
    results: Sequence[PeriodResult],
    items_by_period: Mapping[str, Sequence[Item]],
) -> list[dict[str, Any]]:
    """Frameworks → groups → criteria → one cell per period, in codebook order.

    ``criteria`` are dicts with code, name, framework, group and carry_forward.
    """
    frameworks: list[dict[str, Any]] = []
    for criterion in criteria:
        if not frameworks or frameworks[-1]["framework"] != criterion["framework"]:
            frameworks.append({"framework": criterion["framework"], "groups": []})
        groups = frameworks[-1]["groups"]
        if not groups or groups[-1]["group"] != criterion["group"]:
            groups.append({"group": criterion["group"], "criteria": []})
        groups[-1]["criteria"].append(
            {
                "code": criterion["code"],
                "name": criterion["name"],
                "carry_forward": criterion["carry_forward"],
                "cells": [trace_cell(criterion["code"], r, items_by_period) for r in results],
            }
        )
    return frameworks
