"""The agreement chart (``cases.lib.charts``) and the SVG it writes without CSS."""

import xml.etree.ElementTree as ET

import pytest

from cases.lib.charts import alpha_chart_svg, styles_as_attributes


def figures(alpha, low, high) -> dict:
    return {"alpha": alpha, "ci_low": low, "ci_high": high}


CRITERIA = [
    {"key": "AB-T3-TRUST", "application": figures(0.8, 0.6, 0.95), "value": figures(0.5, 0.2, 0.7)},
    {"key": "D-PRED", "application": figures(-0.2, -0.5, 0.1), "value": figures(None, None, None)},
]


def test_the_agreement_chart_has_no_css_for_the_strict_csp_to_refuse():
    """Opened at its own address the chart is a document under the site's CSP (style-src
    'self'): style attributes and style sheets would be refused and the chart drawn black."""
    svg = alpha_chart_svg(CRITERIA, tentative=0.667, reliable=0.8)
    root = ET.fromstring(svg)
    assert [e.tag for e in root.iter() if "style" in e.attrib] == []
    assert [e.tag for e in root.iter() if e.tag.endswith("}style")] == []
    # The measures' colours and the dashed line at .667, as presentation attributes.
    strokes = {e.get("stroke") for e in root.iter()}
    assert {"#2b5d8a", "#b0701e", "#a12b2b", "#2f6b3a"} <= strokes
    assert any(e.get("stroke-dasharray") for e in root.iter())
    labels = [e for e in root.iter() if e.tag.endswith("}text") and e.text == "D-PRED"]
    assert labels[0].get("font-size") == "8px" and labels[0].get("text-anchor") == "end"
    assert svg == alpha_chart_svg(CRITERIA, tentative=0.667, reliable=0.8)


def test_each_style_declaration_becomes_the_attribute_of_its_name():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg">\n <defs>\n'
        '  <style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>\n'
        ' </defs>\n <path d="M 0 0" clip-path="url(#c)" style="fill: #ecd89a; opacity: 0.35"/>\n'
        " <text style=\"font-size: 9px; font-family: 'DejaVu Sans', sans-serif\">P1</text>\n"
        "</svg>\n"
    )
    assert styles_as_attributes(svg) == (
        '<svg stroke-linejoin="round" stroke-linecap="butt" xmlns="http://www.w3.org/2000/svg">\n'
        ' <path d="M 0 0" clip-path="url(#c)" fill="#ecd89a" opacity="0.35"/>\n'
        ' <text font-size="9px" font-family="\'DejaVu Sans\', sans-serif">P1</text>\n'
        "</svg>\n"
    )


@pytest.mark.parametrize(
    "svg",
    [
        '<svg><path style="font: 9px sans-serif"/></svg>',  # a shorthand: no such attribute
        '<svg><defs><style type="text/css">path{fill: red}</style></defs></svg>',
    ],
)
def test_css_no_attribute_can_say_is_refused_not_dropped(svg):
    with pytest.raises(ValueError):
        styles_as_attributes(svg)
