"""The comparison across dyads: one row per dyad, one column per distinct period span.

PURE: no Django; the comparison page gives it each dyad's classified periods.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cases.lib.dates import span_text


def compare_table(
    dyads: Sequence[Mapping[str, Any]],
    *,
    spans: Iterable[tuple[int, int | None]] | None = None,
) -> dict[str, Any]:
    """Rows of dyads, columns of the distinct period spans (sorted by start year; an open period
    after a closed one starting the same year). A dyad's period sits in the column of its own
    span; different spans are different columns. ``spans``: the columns to use (e.g. those of
    every dyad, when ``dyads`` is one page of them); default the dyads' own spans."""
    if spans is None:
        spans = [(p["start_year"], p["end_year"]) for d in dyads for p in d["periods"]]
    ordered = sorted(set(spans), key=lambda s: (s[0], s[1] is None, s[1] or 0))
    columns = [{"start_year": s, "end_year": e, "span": span_text(s, e)} for s, e in ordered]
    rows = []
    for dyad in dyads:
        by_span = {(p["start_year"], p["end_year"]): p for p in dyad["periods"]}
        rows.append(
            {
                "code": dyad["code"],
                "name": dyad["name"],
                "cells": [by_span.get(span) for span in ordered],
            }
        )
    return {"columns": columns, "rows": rows}
