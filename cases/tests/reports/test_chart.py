"""The stage chart (``cases.reports.chart``): valid, deterministic SVG."""

import xml.etree.ElementTree as ET

from cases.reports.chart import stage_chart_svg

PERIODS = [
    {"code": "P1", "start_year": 1991, "end_year": 2009, "stage": "nascent", "coupling": None},
    {"code": "P2", "start_year": 2010, "end_year": None, "stage": "mature", "coupling": "loosely"},
]


def test_the_stage_chart_is_valid_svg_with_its_stages_and_coupling_as_text():
    svg = stage_chart_svg(PERIODS, 2023)
    root = ET.fromstring(svg.encode())
    assert root.tag.endswith("svg")
    for word in ("none", "nascent", "ascendant", "mature", "P1", "P2", "loosely"):
        assert word in svg


def test_the_stage_chart_is_the_same_bytes_every_time():
    assert stage_chart_svg(PERIODS, 2023) == stage_chart_svg(PERIODS, 2023)
    assert stage_chart_svg(PERIODS, 2023) != stage_chart_svg(PERIODS, 2024)


def test_the_stage_chart_has_no_css_for_the_strict_csp_to_refuse():
    """Opened at its own address the chart is a document under the site's CSP (style-src
    'self'): style attributes and style sheets would be refused and the chart drawn black."""
    svg = stage_chart_svg(PERIODS, 2023)
    root = ET.fromstring(svg.encode())
    assert [e.tag for e in root.iter() if "style" in e.attrib] == []
    assert [e.tag for e in root.iter() if e.tag.endswith("}style")] == []
    # The same colours, as presentation attributes: the nascent and mature bands, the line.
    fills = {e.get("fill") for e in root.iter()}
    assert {"#ffffff", "#ecd89a", "#4e8f6f"} <= fills
    assert "#1d232b" in {e.get("stroke") for e in root.iter()}
    # The style sheet's rule for every element, inherited from the root now.
    assert (root.get("stroke-linejoin"), root.get("stroke-linecap")) == ("round", "butt")


def test_the_chart_draws_the_words_it_is_given():
    """The page gives the stages, couplings and "year" in the reader's language; the chart
    draws them, the coupling on two lines, and keeps the stored value for a word it lacks."""
    words = {"none": "yok", "nascent": "doğuş", "loosely": "gevşek bağlı", "year": "yıl"}
    svg = stage_chart_svg(PERIODS, 2023, words=words)
    assert ">yok<" in svg and ">doğuş<" in svg and ">yıl<" in svg
    assert ">mature<" in svg  # not given: drawn as stored
    assert ">year<" not in svg
    assert "gevşek" in svg and "bağlı" in svg and "gevşek bağlı" not in svg
