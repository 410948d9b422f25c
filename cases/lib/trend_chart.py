"""Agreement round after round, as an SVG. PURE: plain numbers in, bytes out, no Django.

Drawn as ``cases.lib.charts`` draws the agreement chart (deterministic, styled with
presentation attributes only, so it shows under the strict Content-Security-Policy opened at
its own address as well as inline).
"""

import io
from collections.abc import Mapping, Sequence

from cases.lib.charts import MEASURES, shade_readings, styles_as_attributes, threshold_label


def trend_chart_svg(
    rounds: Sequence[Mapping],
    *,
    tentative: float,
    reliable: float,
    words: Mapping[str, str] | None = None,
) -> bytes:
    """Overall α (application and value) with its bootstrap interval, one column per round
    from left to right. Each round has a ``name``, a ``kind`` and, for "application" and
    "value", a mapping with ``alpha``, ``ci_low`` and ``ci_high`` or None (nothing to draw:
    fewer than two coders, or α undefined). Lines join consecutive rounds; faint bands mark
    Krippendorff's readings, with lines at ``tentative`` and ``reliable``. ``words``: the
    legend's entry per measure, a round kind's label and the axis's label, in the reader's
    language (English without)."""
    words = words or {}
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    shown = list(rounds)
    n = max(len(shown), 1)
    settings = {"svg.hashsalt": "sccoder-rounds", "svg.fonttype": "none", "font.size": 8}
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(min(max(4.5, 2.0 + 0.9 * n), 9.0), 3.2))
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        lows = [
            r[m]["ci_low"]
            for r in shown
            for m in ("application", "value")
            if r.get(m) and r[m]["ci_low"] is not None
        ]
        bottom = max(-1.0, min([-0.1, *lows]) - 0.05)
        for measure, style in MEASURES.items():
            xs, ys, below, above = [], [], [], []
            for i, r in enumerate(shown):
                row = r.get(measure)
                if not row or row["alpha"] is None:
                    continue
                alpha = row["alpha"]
                low = row["ci_low"] if row["ci_low"] is not None else alpha
                high = row["ci_high"] if row["ci_high"] is not None else alpha
                xs.append(i + style["offset"] / 2)
                ys.append(alpha)
                below.append(max(alpha - low, 0))
                above.append(max(high - alpha, 0))
            axes.errorbar(
                xs,
                ys,
                yerr=[below, above],
                fmt=f"-{style['marker']}",
                color=style["color"],
                markersize=3.5,
                linewidth=1,
                elinewidth=1,
                capsize=1.5,
                label=words.get(measure, f"{measure} ({style['metric']} α)"),
            )
        shade_readings(axes, bottom, tentative, reliable, along="y")
        axes.set_xticks(range(n))
        axes.set_xticklabels(
            [f"{r['name']}\n{words.get(r['kind'], r['kind'])}" for r in shown] or [""]
        )
        axes.set_xlim(-0.5, n - 0.5)
        axes.set_ylim(bottom, 1.04)
        lines = f"{threshold_label(tentative)}, {threshold_label(reliable)}"
        axes.set_ylabel(words.get("axis", f"overall α, 95% interval; lines at {lines}"))
        axes.grid(axis="x", color="#eeeeee", linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return styles_as_attributes(out.getvalue().decode()).encode()
