"""The stage chart: a dyad's stage over the years as a step chart, in SVG.

PURE: no Django (matplotlib only, imported when a chart is drawn).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from io import StringIO
from typing import Any

from cases.classification.rule import RULE_V1
from cases.lib.charts import styles_as_attributes

STAGE_COLOURS = {
    "none": "#d9dde2",
    "nascent": "#ecd89a",
    "ascendant": "#9cc9ad",
    "mature": "#4e8f6f",
}


def stage_chart_svg(
    periods: Sequence[Mapping[str, Any]],
    last_year: int,
    stages: Sequence[str] = RULE_V1.stage_names,
    words: Mapping[str, str] | None = None,
) -> str:
    """A step chart of the stage over the years, as SVG text. Deterministic: the same periods
    give the same bytes (fixed hash salt, no date, text kept as text). Styled with presentation
    attributes, no CSS: the strict CSP applies where the chart is opened on its own.

    ``periods`` are dicts with code, start_year, end_year (None: open, drawn to ``last_year``),
    stage and coupling. ``words`` names, in the reader's language, the stages, the couplings
    ("loosely" -> "loosely coupled", drawn on two lines) and "year"; a word it lacks is drawn
    as it is stored.
    """
    words = words or {}
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    level = {name: i for i, name in enumerate(stages)}
    settings = {
        "svg.hashsalt": "sccoder-report",
        "svg.fonttype": "none",
        "svg.id": "stages",
        "font.family": "sans-serif",
        "font.size": 9,
    }
    with rc_context(settings):
        figure = Figure(figsize=(7.5, 2.6))
        axes = figure.add_axes((0.13, 0.2, 0.84, 0.68))
        xs, ys = [], []
        for p in periods:
            start = p["start_year"]
            end = (p["end_year"] if p["end_year"] is not None else max(last_year, start)) + 1
            y = level.get(p["stage"], 0)
            axes.axvspan(start, end, color=STAGE_COLOURS.get(p["stage"], "#eeeeee"), alpha=0.35)
            axes.text((start + end) / 2, len(stages) - 0.55, p["code"], ha="center", va="top")
            if p.get("coupling"):
                coupled = words.get(p["coupling"], f"{p['coupling']} coupled").replace(" ", "\n", 1)
                axes.text((start + end) / 2, y - 0.15, coupled, ha="center", va="top")
            xs += [start, end]
            ys += [y, y]
        axes.plot(xs, ys, color="#1d232b", linewidth=2, drawstyle="steps-post")
        axes.set_yticks(range(len(stages)), [words.get(name, name) for name in stages])
        axes.set_ylim(-0.6, len(stages) - 0.4)
        if xs:
            axes.set_xlim(min(xs), max(xs))
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_xlabel(words.get("year", "year"))
        out = StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return styles_as_attributes(out.getvalue())
