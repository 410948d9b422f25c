"""Pages outside a work's page range (cases.lib.locators): what the evidence form warns of."""

import pytest

from cases.lib.locators import page_span, pages_outside


@pytest.mark.parametrize(
    ("page_range", "span"),
    [
        ("383-400", (383, 400)),
        ("383–400", (383, 400)),
        (" 31 - 43 ", (31, 43)),
        ("379-94", (379, 394)),  # shortened as Chicago prints it
        ("1-11", (1, 11)),
        ("", None),
        ("12", None),  # one page: no range to check against
        ("xii-xx", None),
        ("e123", None),
        ("S12-S20", None),
        ("400-383", None),
    ],
)
def test_the_span_of_a_page_range(page_range, span):
    assert page_span(page_range) == span


@pytest.mark.parametrize(
    ("locator", "outside"),
    [
        ("391", []),
        ("383", []),
        ("400", []),
        ("12", ["12"]),  # likely a typo
        ("401", ["401"]),
        ("380–381", ["380", "381"]),
        ("399-402", ["402"]),
        ("395-96", []),  # a shortened range: 395 to 396
        ("386, 389", []),
        ("386, 12", ["12"]),
        ("xii", []),  # roman pages are never checked
        ("", []),
        ("p. 12", []),  # not a locator: the form refuses it on its own
    ],
)
def test_pages_outside_an_articles_range(locator, outside):
    assert pages_outside(locator, "383-400") == outside


def test_nothing_is_outside_a_range_that_is_missing_or_unreadable():
    assert pages_outside("12", "") == []
    assert pages_outside("12", "xii-xx") == []
