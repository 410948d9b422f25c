"""The whole text of a document and a passage's selectors in it."""

import pytest

from cases.documents.passages import document_text, page_of, page_starts, selection_at

PAGES = [("212", "First page text."), ("213", "Second page, with the quote here."), ("214", "")]


def test_page_starts_count_the_page_breaks():
    texts = [text for _, text in PAGES]
    starts = page_starts(texts)
    whole = document_text(texts)
    assert starts == [0, 17, 51]
    assert whole[starts[1] : starts[1] + 6] == "Second"
    assert page_of(16, starts) == 0
    assert page_of(17, starts) == 1


def test_selection_at_gives_quote_context_and_page():
    whole = document_text([text for _, text in PAGES])
    start = whole.index("the quote")
    selection = selection_at(PAGES, start, start + len("the quote"))
    assert selection.exact == "the quote"
    assert selection.page_index == 1
    assert selection.page_label == "213"
    assert selection.suffix == " here.\f"
    assert selection.prefix.endswith("Second page, with ")
    assert "\f" in selection.prefix  # the context runs back over the page break


@pytest.mark.parametrize("start,end", [(-1, 3), (5, 5), (0, 999)])
def test_selection_outside_the_document_is_refused(start, end):
    with pytest.raises(ValueError, match="outside the document"):
        selection_at(PAGES, start, end)


def test_the_nearest_occurrence_is_the_one_closest_to_the_stored_offset():
    from cases.documents.passages import nearest_occurrence

    text = "the treaty … the treaty … the treaty"
    assert nearest_occurrence(text, "the treaty", 14) == 13
    assert nearest_occurrence(text, "the treaty", 100) == 26
    assert nearest_occurrence(text, "a pact", 0) is None
    assert nearest_occurrence(text, "", 0) is None
