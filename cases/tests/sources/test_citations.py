"""Formatted citations and bibliographies (citeproc-py, with our two corrections)."""

from cases.sources.citations import (
    _CALLS_VARIABLE,
    OFFERED_STYLES,
    _style,
    cited_in,
    format_bibliography,
    format_citation,
    format_citations,
    format_item_citations,
)

ARTICLE = {
    "type": "article-journal",
    "title": "Azerbaijan-Türkiye Relations",
    "author": [{"family": "Karayel", "given": "Zehra"}],
    "container-title": "Journal",
    "volume": "20",
    "issue": "49",
    "page": "379-394",
    "issued": {"date-parts": [[2024]]},
}


def test_an_in_text_citation_carries_the_page():
    assert format_citation(ARTICLE, "karayel2024", "391") == "(Karayel 2024, 391)"


CITED = {
    "type": "article-journal",
    "title": "Bağımsızlık Sonrası Dönemde Azerbaycan Dış Politikası",
    "author": [{"family": "Beşikçi", "given": "Seçil Öraz"}],
    "container-title": "Türk Dünyası İncelemeleri Dergisi",
    "issued": {"date-parts": [[2016]]},
}


def test_an_item_resting_on_a_footnoted_work_cites_it_via_the_article():
    # Chicago's form for an indirect source: both works in one parenthesis.
    sources = {"karayel2024": ARTICLE, "besikci2016": CITED}
    cites = [
        ("besikci2016", "242", "karayel2024", "385-386"),
        ("besikci2016", "", "karayel2024", "386"),
        ("karayel2024", "391", "", ""),
    ]
    assert format_item_citations(sources, cites) == [
        "(Beşikçi 2016, 242, cited in Karayel 2024, 385–386)",
        "(Beşikçi 2016, cited in Karayel 2024, 386)",
        "(Karayel 2024, 391)",
    ]


def test_a_style_without_parentheses_gets_the_two_citations_joined():
    assert cited_in("Beşikçi 2016", "Karayel 2024") == "Beşikçi 2016, cited in Karayel 2024"
    assert cited_in("(A (ed.) 2016)", "(B 2024)") == "(A (ed.) 2016), cited in (B 2024)"


def test_a_record_with_inferred_details_says_so_in_the_bibliography():
    flagged = {**ARTICLE, "custom": {"inferred": "journal name, year and page range"}}
    (entry, plain) = format_bibliography({"karayel2024": flagged, "besikci2016": CITED})
    assert entry.endswith("379–94. [inferred: journal name, year and page range]")
    assert "inferred" not in plain
    # The flag is sccoder's note, never citation data: the in-text citation is unchanged.
    assert format_citation(flagged, "karayel2024", "391") == "(Karayel 2024, 391)"


def test_page_ranges_print_with_an_en_dash():
    assert format_citation(ARTICLE, "karayel2024", "380-381") == "(Karayel 2024, 380–381)"


def test_a_cite_s_page_does_not_replace_the_article_s_pages_in_the_bibliography():
    sources = {"karayel2024": ARTICLE}
    format_citations(sources, [("karayel2024", "391")])
    (entry,) = format_bibliography(sources)
    assert "379–94" in entry and "391" not in entry


def test_chicago_keeps_given_names_whole_and_apa_initialises_them():
    (chicago,) = format_bibliography({"k": ARTICLE})
    (apa,) = format_bibliography({"k": ARTICLE}, "apa")
    assert chicago.startswith("Karayel, Zehra. 2024.")
    assert apa.startswith("Karayel, Z. (2024).")


def test_record_text_is_escaped_never_markup():
    evil = {
        "type": "book",
        "title": "<script>alert(1)</script> & co",
        "author": [{"family": "<b>Bold</b>"}],
        "issued": {"date-parts": [[2001]]},
    }
    (entry,) = format_bibliography({"x": evil})
    assert "<script>" not in entry and "&lt;script&gt;" in entry and "&amp; Co" in entry
    # In-text citations are plain text; the template escapes them.
    assert format_citation(evil, "x", "3") == "(<b>Bold</b> 2001, 3)"


def test_entries_stay_paired_with_their_sources_in_the_order_given():
    sources = {
        "z": {**ARTICLE, "author": [{"family": "Zeta", "given": "A"}]},
        "a": {**ARTICLE, "author": [{"family": "Alpha", "given": "B"}]},
    }
    entries = format_bibliography(sources)
    assert entries[0].startswith("Zeta") and entries[1].startswith("Alpha")


def test_an_unknown_style_falls_back_to_chicago():
    assert format_citation(ARTICLE, "k", "1", style="no-such-style") == "(Karayel 2024, 1)"


def test_a_remembered_citation_follows_an_edited_record():
    record = dict(ARTICLE)
    assert format_citation(record, "k", "5") == "(Karayel 2024, 5)"
    record["issued"] = {"date-parts": [[2025]]}
    assert format_citation(record, "k", "5") == "(Karayel 2025, 5)"


def test_repeated_cites_come_back_in_order():
    sources = {"a": ARTICLE, "b": {**ARTICLE, "author": [{"family": "Other", "given": "O"}]}}
    cites = [("a", "1"), ("b", "2"), ("a", "1"), ("a", "3")]
    assert format_citations(sources, cites) == [
        "(Karayel 2024, 1)",
        "(Other 2024, 2)",
        "(Karayel 2024, 1)",
        "(Karayel 2024, 3)",
    ]


def test_the_remembered_answer_of_every_style_element_is_the_walk_it_replaces():
    """citeproc asks each group whether anything below it calls a variable; we remember the
    answer per element. For every element of every offered style, after citations have been
    formatted (so the answers are remembered), it equals citeproc's own walk of the subtree."""
    checked = 0
    for style, _ in OFFERED_STYLES:
        format_citations({"karayel2024": ARTICLE}, [("karayel2024", "12")], style)
        for element in _style(style).root.iter():
            for element_class, original in _CALLS_VARIABLE.items():
                # Only elements whose own answer is the remembered one (Names, say, answers
                # True itself).
                answers = getattr(type(element), "calls_variable", None)
                if answers is not element_class.calls_variable:
                    continue
                try:
                    expected = original(element)
                except TypeError:  # metadata (cs:info and the like), which citeproc never asks
                    continue
                assert element.calls_variable() == expected, (style, element.tag)
                assert element.calls_variable() == expected  # now remembered
                checked += 1
    assert checked > 500


NEWS_PAGE = {
    "type": "article-newspaper",
    "title": "Star Refinery Reached 113 Percent Capacity Utilization Rate in 2022",
    "URL": "https://example.org/star",
    "accessed": {"date-parts": [[2023, 9, 16]]},
}


def test_a_news_page_without_an_edition_prints_no_edition_label():
    """Chicago labels a newspaper's edition twice; citeproc-py printed the label "Edition" even
    without an edition, so the entry ended "… 2022. Edition. Edition. Accessed …"."""
    for style, _ in OFFERED_STYLES:
        (entry,) = format_bibliography({"star": NEWS_PAGE}, style)
        assert "Edition" not in entry and "edition" not in entry, style
    (entry,) = format_bibliography({"star": NEWS_PAGE})
    assert entry.endswith("in 2022</i>. Accessed September 16, 2023. https://example.org/star.")


def test_an_edition_given_is_printed_once_with_its_label():
    (entry,) = format_bibliography(
        {"star": {**NEWS_PAGE, "edition": "late", "container-title": "Anadolu Ajansı"}}
    )
    assert entry.count("Edition") == 1 and "<i>Anadolu Ajansı</i>, Late Edition. " in entry
    book = {"type": "book", "title": "A Book", "edition": "2", "publisher": "P"}
    (entry,) = format_bibliography({"book": book})
    assert "<i>A Book</i>. 2nd ed. P." in entry
