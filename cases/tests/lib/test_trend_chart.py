"""The chart of agreement round after round (``cases.lib.trend_chart``)."""

import xml.etree.ElementTree as ET

from cases.lib.trend_chart import trend_chart_svg


def figures(alpha, low, high) -> dict:
    return {"alpha": alpha, "ci_low": low, "ci_high": high}


ROUNDS = [
    {
        "name": "Pilot",
        "kind": "calibration",
        "application": figures(0.41, 0.2, 0.6),
        "value": figures(0.55, 0.3, 0.7),
    },
    {"name": "Alone", "kind": "calibration", "application": None, "value": None},
    {
        "name": "Main",
        "kind": "production",
        "application": figures(0.83, 0.75, 0.9),
        "value": figures(None, None, None),
    },
]


def test_the_trend_has_one_labelled_column_per_round_in_order_and_no_css():
    svg = trend_chart_svg(ROUNDS, tentative=0.667, reliable=0.8)
    root = ET.fromstring(svg)
    assert [e.tag for e in root.iter() if "style" in e.attrib] == []
    assert [e.tag for e in root.iter() if e.tag.endswith("}style")] == []
    texts = [e.text for e in root.iter() if e.tag.endswith("}text") and e.text]
    assert [t for t in texts if t in ("Pilot", "Alone", "Main")] == ["Pilot", "Alone", "Main"]
    strokes = {e.get("stroke") for e in root.iter()}
    assert {"#2b5d8a", "#b0701e", "#a12b2b", "#2f6b3a"} <= strokes


def test_equal_figures_draw_equal_bytes_and_other_figures_another_chart():
    svg = trend_chart_svg(ROUNDS, tentative=0.667, reliable=0.8)
    assert svg == trend_chart_svg(ROUNDS, tentative=0.667, reliable=0.8)
    changed = [dict(ROUNDS[0], application=figures(0.9, 0.8, 0.95)), *ROUNDS[1:]]
    assert svg != trend_chart_svg(changed, tentative=0.667, reliable=0.8)


def test_a_project_without_rounds_still_gets_an_empty_chart():
    root = ET.fromstring(trend_chart_svg([], tentative=0.667, reliable=0.8))
    assert root.tag.endswith("svg")
