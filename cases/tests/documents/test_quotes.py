"""The quote check's comparison, on hand-made pages (pure: no database)."""

import pytest

from cases.documents.quotes import check_quote, normalised

ARTICLE = [
    ("212", "The treaty of 1963 was signed\nwith great cere-\nmony in Paris."),
    ("213", "Both sides spoke of “lasting friendship” and the neigh-"),
    ("214", "bour’s trust grew ﬁrst among the elites."),
]


def test_normalising_forgives_spacing_hyphenation_quotes_and_ligatures():
    assert normalised("great cere-\n  mony") == "great ceremony"
    assert normalised("“lasting  friendship”\n") == '"lasting friendship"'
    assert normalised("the neighbour’s ﬁrst") == "the neighbour's first"
    assert normalised("soft\u00adhyphen") == "softhyphen"
    # A hyphen inside a line is a real one: "well-known" stays two joined words.
    assert normalised("a well-known fact") == "a well-known fact"


@pytest.mark.parametrize(
    "quote, locator",
    [
        ("signed with great ceremony in Paris.", "212"),
        ('Both sides spoke of "lasting friendship"', "213"),
        ("the neighbour's trust grew first", "213–214"),  # across the page break
        ("the neighbour's trust grew first", "213-14"),  # as Chicago shortens a range
        ("Both sides spoke", "212, 213"),
        ("Both sides spoke", ""),  # no page: the whole document
    ],
)
def test_quotes_on_their_pages_match(quote, locator):
    assert check_quote(quote, locator, ARTICLE) is None


def test_a_quote_on_another_page_names_that_page():
    assert check_quote("Both sides spoke", "212", ARTICLE) == (
        "the quote is on page 213, not on 212"
    )


def test_a_quote_across_other_pages_says_so():
    assert check_quote("neighbour's trust", "212", ARTICLE) == (
        "the quote runs across pages other than 212"
    )


def test_a_quote_that_is_nowhere_says_so():
    assert check_quote("The treaty of 1964", "212", ARTICLE) == (
        "the quote is not on page 212, nor anywhere else in the document"
    )


def test_a_page_the_document_does_not_have_is_named():
    assert check_quote("Both sides spoke", "386", ARTICLE) == (
        "the document has no page 386 (its pages are 212, 213, 214)"
    )
    many = [(str(n), "x") for n in range(1, 11)]
    assert (
        check_quote("x", "11", many) == "the document has no page 11 (its pages run from 1 to 10)"
    )


def test_a_document_without_pages_is_searched_whole_whatever_the_page():
    page = [("", "An HTML article’s text.\nSecond paragraph.")]
    assert check_quote("An HTML article's text. Second", "386", page) is None
    assert check_quote("Missing words", "386", page) == "the quote is not in the document"


def test_roman_labels_are_matched_whatever_their_case():
    front = [("i", "Preface"), ("ii", "Acknowledgements")]
    assert check_quote("acknowledgements", "II", front) is None
