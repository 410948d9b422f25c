"""Finding a reader's selection in the document's own text: by its words, never by the browser's
offsets alone."""

from cases.documents.locate import locate, same_words, squeezed, tidy_quote
from cases.documents.passages import document_text

PAGES = [
    ("212", "The treaty was signed.\nBoth sides kept the neigh-\nbourly peace for years."),
    ("213", "Trust grew. The treaty was signed again in 1990."),
    ("214", "Ministers met “in good faith” every year."),
]
WHOLE = document_text([text for _, text in PAGES])


def test_offsets_that_hold_the_quote_are_taken_as_they_are():
    start = WHOLE.index("Trust grew")
    selection = locate(PAGES, "Trust grew", hint=(start, start + 10))
    assert (selection.start, selection.end, selection.page_label) == (start, start + 10, "213")


def test_offsets_that_do_not_hold_the_quote_are_only_a_hint():
    # The browser counted other characters: the words decide, not the offsets.
    selection = locate(PAGES, "Trust grew", page_index=1, hint=(0, 10))
    assert selection.exact == "Trust grew"
    assert selection.start == WHOLE.index("Trust grew")


def test_the_pdf_text_layers_spacing_and_hyphens_are_forgiven():
    # PDF.js joins the lines without the line break and keeps the hyphen's halves together.
    selection = locate(PAGES, "kept the neighbourly  peace", page_index=0)
    assert selection is not None
    assert selection.exact == "kept the neigh-\nbourly peace"
    assert selection.page_label == "212"
    assert tidy_quote(selection.exact) == "kept the neighbourly peace"


def test_typographic_quotes_and_case_are_forgiven():
    selection = locate(PAGES, 'met "In good faith"', page_index=2)
    assert selection.exact == "met “in good faith”"


def test_a_repeated_phrase_is_found_where_its_context_and_page_say():
    second = locate(PAGES, "The treaty was signed", prefix="Trust grew. ", page_index=1)
    first = locate(PAGES, "The treaty was signed", suffix=".\nBoth sides", page_index=0)
    assert second.start == WHOLE.index("The treaty was signed again")
    assert second.page_index == 1
    assert first.start == 0
    # Without context the page the reader saw decides.
    assert locate(PAGES, "The treaty was signed", page_index=1).page_index == 1


def test_a_passage_on_another_page_than_the_hint_is_still_found():
    selection = locate(PAGES, "every year", page_index=0)
    assert selection.page_label == "214"


def test_a_passage_across_a_page_break():
    selection = locate(PAGES, "for years. Trust grew", page_index=0)
    assert selection.exact == "for years.\fTrust grew"
    assert selection.page_index == 0


def test_words_not_in_the_document_are_not_found():
    assert locate(PAGES, "The treaty was broken", page_index=0) is None
    assert locate(PAGES, "   ", page_index=0) is None
    assert locate(PAGES, "", page_index=0) is None


def test_squeezed_maps_each_character_back_to_the_text():
    text, where = squeezed("a ﬁ-\nne  “b”")
    assert text == 'afine"b"'
    assert where == [0, 2, 2, 5, 6, 9, 10, 11]


def test_same_words():
    assert same_words("kept the neighbourly peace", "kept the neigh-\nbourly peace")
    assert same_words("Met ‘in good faith’", "met 'in good faith'")
    assert not same_words("kept the peace", "kept the neigh-\nbourly peace")
    assert not same_words("", "")
