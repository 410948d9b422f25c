"""Charts drawn as SVG with matplotlib. PURE: plain numbers in, bytes out, no Django.

Deterministic (a fixed hash salt, text kept as text, no date), so equal figures give equal
bytes: a page can cache the chart, and a test can compare it. Styled with presentation
attributes only (``styles_as_attributes``): a chart opened at its own address is a document
under the site's Content-Security-Policy, which refuses style attributes and style sheets.
"""

import io
import re
from collections.abc import Mapping, Sequence

# The SVG presentation attributes a matplotlib style may set (SVG 1.1, 16.2 and the properties
# index): each CSS property of these names can be written as an attribute of the same name.
PRESENTATION_ATTRIBUTES = frozenset(
    {
        "clip-path",
        "clip-rule",
        "color",
        "display",
        "dominant-baseline",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-stretch",
        "font-style",
        "font-variant",
        "font-weight",
        "letter-spacing",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "visibility",
    }
)
_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
# matplotlib's one style sheet: a rule for every element, in the <defs> it opens with.
_STYLE_SHEET = re.compile(r'\n *<defs>\n *<style type="text/css">\*\{([^}]*)\}</style>\n *</defs>')
_ROOT = re.compile(r"<svg\b")


def _attributes(declarations: str) -> str:
    pairs = []
    for declaration in declarations.split(";"):
        if not declaration.strip():
            continue
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name not in PRESENTATION_ATTRIBUTES:
            raise ValueError(f"the SVG style property {name!r} has no presentation attribute")
        pairs.append(f' {name}="{value}"')
    return "".join(pairs)


def styles_as_attributes(svg: str) -> str:
    """matplotlib's SVG drawn the same with no CSS: each style attribute written as the
    presentation attributes it sets, and the style sheet's rule for every element as inherited
    attributes of the root (no group of matplotlib's sets a property of its own, so each element
    inherits them unless it sets them itself, as under the rule).

    A property no attribute can express is refused (ValueError), not dropped: a matplotlib that
    writes one would otherwise draw a different chart without a word.
    """
    sheet = _STYLE_SHEET.search(svg)
    if sheet:
        svg = svg[: sheet.start()] + svg[sheet.end() :]
        svg = _ROOT.sub(lambda m: m.group(0) + _attributes(sheet.group(1)), svg, count=1)
    svg = _STYLE_ATTRIBUTE.sub(lambda m: _attributes(m.group(1)), svg)
    if "<style" in svg or " style=" in svg:
        raise ValueError("the SVG has a style sheet this conversion does not know")
    return svg


MEASURES = {  # the two questions of the agreement page, as drawn
    "application": {"color": "#2b5d8a", "marker": "o", "offset": 0.17, "metric": "nominal"},
    "value": {"color": "#b0701e", "marker": "D", "offset": -0.17, "metric": "ordinal"},
}


def threshold_label(threshold: float) -> str:
    return f"{threshold:.3f}".removeprefix("0")  # .667, as Krippendorff writes it


def shade_readings(axes, start: float, tentative: float, reliable: float, *, along: str) -> None:
    """Krippendorff's readings as faint bands (not reliable, tentative, reliable) with lines at
    the two thresholds, across the α axis: ``along`` "x" or "y"."""
    span, line = (axes.axvspan, axes.axvline) if along == "x" else (axes.axhspan, axes.axhline)
    span(start, tentative, color="#fbe4e4", alpha=0.35, linewidth=0)
    span(tentative, reliable, color="#fff4d6", alpha=0.6, linewidth=0)
    span(reliable, 1.04, color="#e3f1e6", alpha=0.5, linewidth=0)
    line(tentative, color="#a12b2b", linestyle="--", linewidth=0.8)
    line(reliable, color="#2f6b3a", linestyle="-", linewidth=0.8)


def alpha_chart_svg(
    criteria: Sequence[Mapping],
    *,
    tentative: float,
    reliable: float,
    words: Mapping[str, str] | None = None,
) -> bytes:
    """Alpha and its bootstrap interval per criterion, application and value, as an SVG.

    ``criteria`` in the order drawn from the top: each has its ``key`` (the label) and, for
    "application" and "value", a mapping with ``alpha``, ``ci_low`` and ``ci_high`` (None where
    undefined: an undefined alpha is left out, a missing interval drawn as none). Faint bands
    mark Krippendorff's readings, with lines at ``tentative`` and ``reliable``. ``words``: the
    legend's entry per measure and the axis's label, in the reader's language (English without).
    """
    words = words or {}
    # matplotlib takes a second to import: only a chart pays for it, not every process start.
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    lines = list(criteria)
    n = max(len(lines), 1)
    settings = {"svg.hashsalt": "sccoder-agreement", "svg.fonttype": "none", "font.size": 8}
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(9.0, 0.24 * n + 1.3))
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        lows = [
            line[m]["ci_low"]
            for line in lines
            for m in ("application", "value")
            if line[m]["ci_low"] is not None
        ]
        left = max(-1.0, min([-0.1, *lows]) - 0.05)
        for measure, style in MEASURES.items():
            ys, xs, below, above = [], [], [], []
            for i, line in enumerate(lines):
                row = line[measure]
                if row["alpha"] is None:
                    continue
                ys.append(n - 1 - i + style["offset"])
                xs.append(row["alpha"])
                low = row["ci_low"] if row["ci_low"] is not None else row["alpha"]
                high = row["ci_high"] if row["ci_high"] is not None else row["alpha"]
                below.append(max(row["alpha"] - low, 0))
                above.append(max(high - row["alpha"], 0))
            axes.errorbar(
                xs,
                ys,
                xerr=[below, above],
                fmt=style["marker"],
                color=style["color"],
                markersize=3.5,
                elinewidth=1,
                capsize=1.5,
                label=words.get(measure, f"{measure} ({style['metric']} α)"),
            )
        shade_readings(axes, left, tentative, reliable, along="x")
        axes.set_yticks(range(n))
        axes.set_yticklabels([line["key"] for line in reversed(lines)])
        axes.set_ylim(-0.7, n - 0.3)
        axes.set_xlim(left, 1.04)
        axes.set_xlabel(
            words.get(
                "axis",
                "Krippendorff's α with 95% bootstrap interval; "
                f"lines at {threshold_label(tentative)} and {threshold_label(reliable)}",
            )
        )
        axes.grid(axis="y", color="#eeeeee", linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return styles_as_attributes(out.getvalue().decode()).encode()
