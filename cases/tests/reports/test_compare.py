"""The comparison table across dyads (``cases.reports.compare``) and the words its cells use."""

from cases.classification.explain import verdict_text
from cases.lib.dates import span_text
from cases.reports.compare import compare_table


def test_verdicts_and_spans_read_as_words():
    assert verdict_text("mature", "loosely") == "mature, loosely coupled"
    assert verdict_text("nascent", None) == "nascent"
    assert span_text(2020, None) == "2020–"
    assert span_text(1991, 2009) == "1991–2009"
    assert span_text(1999, 1999) == "1999"


def test_the_comparison_has_one_column_per_distinct_span_sorted_by_start_year():
    dyads = [
        {
            "code": "A-B",
            "name": "A–B",
            "periods": [
                {"start_year": 1991, "end_year": 2009, "stage": "nascent"},
                {"start_year": 2010, "end_year": None, "stage": "ascendant"},
            ],
        },
        {
            "code": "C-D",
            "name": "C–D",
            "periods": [{"start_year": 1991, "end_year": 2000, "stage": "none"}],
        },
    ]
    table = compare_table(dyads)
    assert [c["span"] for c in table["columns"]] == ["1991–2000", "1991–2009", "2010–"]
    assert [c and c["stage"] for c in table["rows"][0]["cells"]] == [None, "nascent", "ascendant"]
    assert [c and c["stage"] for c in table["rows"][1]["cells"]] == ["none", None, None]


def test_the_comparison_can_keep_the_columns_of_every_dyad_on_one_page():
    table = compare_table([], spans=[(2000, None), (1990, 1999)])
    assert [c["span"] for c in table["columns"]] == ["1990–1999", "2000–"]
