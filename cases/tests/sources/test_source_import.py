"""Reading bibliographic records: CSL-JSON and BibTeX as Zotero exports them, and the source
form's fields. Pure: no database."""

import json

import pytest

from cases.sources import (
    FormFieldErrors,
    SourceImportError,
    csl_from_form,
    detect_format,
    form_fields_from_csl,
    names_to_lines,
    parse_bibtex,
    parse_csl_json,
    parse_name_lines,
    record_digest,
    update_csl,
)
from cases.sources.latex import latex_to_text

KARAYEL = {
    "type": "article-journal",
    "title": "Türkiye–Azerbaijan Relations",
    "author": [{"family": "Karayel", "given": "Zehra"}],
    "container-title": "Bilig",
    "volume": "20",
    "issue": "49",
    "page": "380–400",
    "issued": {"date-parts": [[2024]]},
}


def problems_of(parse, text: str) -> list[str]:
    with pytest.raises(SourceImportError) as caught:
        parse(text)
    return caught.value.problems


# --- CSL-JSON ---------------------------------------------------------------------------------


def test_a_single_csl_object_is_one_record_keyed_by_its_id():
    [record] = parse_csl_json(json.dumps({"id": "karayel2024", **KARAYEL}))
    assert record.key == "karayel2024"
    assert record.csl == KARAYEL  # the id becomes the key; the rest is kept as given
    assert record.origin == "item 1" and not record.key_generated


def test_a_list_gives_one_record_per_item_in_order():
    items = [{"id": f"k{i}", **KARAYEL, "title": f"T{i}"} for i in range(3)]
    records = parse_csl_json(json.dumps(items))
    assert [(r.key, r.csl["title"], r.origin) for r in records] == [
        ("k0", "T0", "item 1"),
        ("k1", "T1", "item 2"),
        ("k2", "T2", "item 3"),
    ]


def test_a_zotero_export_gets_generated_keys_and_tidied_values():
    """Zotero's plain CSL JSON: URI ids, years as text, numbers for volumes, extra variables."""
    zotero = [
        {
            "id": "http://zotero.org/users/local/aB3dE/items/Q7RZ2K9M",
            "type": "book",
            "title": "Security Communities",
            "publisher": "Cambridge University Press",
            "publisher-place": "Cambridge",
            "event-place": "Cambridge",
            "number-of-pages": 462,
            "ISBN": "978-0-521-63953-6",
            "author": [
                {"family": "Adler", "given": "Emanuel"},
                {"family": "Barnett", "given": "Michael"},
            ],
            "issued": {"date-parts": [["1998"]]},
            "accessed": {"date-parts": [["2024", 5, "1"]]},
            "custom": {"zotero-extra": ["kept"]},
        }
    ]
    [record] = parse_csl_json(json.dumps(zotero))
    assert record.key == "adler1998" and record.key_generated
    assert record.csl["issued"] == {"date-parts": [[1998]]}
    assert record.csl["accessed"] == {"date-parts": [[2024, 5, 1]]}
    assert record.csl["number-of-pages"] == "462"
    assert record.csl["custom"] == {"zotero-extra": ["kept"]}  # unknown variables survive
    assert "id" not in record.csl


def test_better_csl_json_citation_keys_win_over_ids():
    item = {"id": "adlerbarnett1998", "citation-key": "adlerSecurityCommunities1998", **KARAYEL}
    [record] = parse_csl_json(json.dumps([item]))
    assert record.key == "adlerSecurityCommunities1998"
    assert "citation-key" not in record.csl


def test_a_raw_date_becomes_date_parts_and_a_literal_one_is_kept():
    items = [
        {**KARAYEL, "issued": {"raw": "2019-06-12"}},
        {**KARAYEL, "issued": {"literal": "forthcoming"}},
    ]
    first, second = parse_csl_json(json.dumps(items))
    assert first.csl["issued"] == {"date-parts": [[2019, 6, 12]]}
    assert second.csl["issued"] == {"literal": "forthcoming"}
    assert second.key == "karayelnd"  # no year


def test_invalid_json_names_the_line_and_column():
    [problem] = problems_of(parse_csl_json, '[\n  {"type": "book",\n  "title": }\n]')
    assert problem.startswith("line 3, column 12: not valid JSON")


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            {**KARAYEL, "issued": 2024},
            'item 2: "issued" must be {"date-parts": [[year, month, day]]}',
        ),
        (
            {**KARAYEL, "issued": {"date-parts": [["2024a"]]}},
            'item 2: "issued" must be {"date-parts"',
        ),
        (
            {**KARAYEL, "issued": {"date-parts": [[2024, 13, 1], [2025], [2026]]}},
            'item 2: "issued"',
        ),
        ({**KARAYEL, "accessed": {"date-parts": [[2024, 5, 32]]}}, 'item 2: "accessed" must be'),
        ({**KARAYEL, "type": "jornal"}, 'item 2: "type" "jornal" is not a CSL type'),
        ({k: v for k, v in KARAYEL.items() if k != "type"}, 'item 2: "type" is missing'),
        ({**KARAYEL, "title": "  "}, 'item 2: "title" is missing'),
        ({**KARAYEL, "author": "Karayel, Zehra"}, 'item 2: "author" must be a list of names'),
        (
            {**KARAYEL, "author": [{"given": "Zehra"}]},
            'item 2: "author" 1 needs a "family" or a "literal"',
        ),
        ({**KARAYEL, "editor": ["Doe"]}, 'item 2: "editor" 1 must be a name like'),
        ({**KARAYEL, "volume": [20]}, 'item 2: "volume" must be text or a number, not a list'),
        (
            {**KARAYEL, "citation-key": "has space"},
            'item 2: "citation-key": "has space" cannot be a key',
        ),
    ],
)
def test_a_bad_item_is_named_by_its_position_and_field(item, message):
    problems = problems_of(parse_csl_json, json.dumps([KARAYEL, item]))
    assert len(problems) == 1
    assert problems[0].startswith(message), problems[0]


def test_every_bad_item_is_reported_not_just_the_first():
    items = [KARAYEL, "not an object", {**KARAYEL, "type": "x"}, [1]]
    assert problems_of(parse_csl_json, json.dumps(items)) == [
        "item 2: must be a CSL-JSON object {…}, not text",
        'item 3: "type" "x" is not a CSL type '
        "(e.g. article-journal, book, chapter, report, webpage)",
        "item 4: must be a CSL-JSON object {…}, not a list",
    ]


def test_a_long_list_of_problems_is_cut_short():
    items = [{**KARAYEL, "type": "x"}] * 30
    problems = problems_of(parse_csl_json, json.dumps(items))
    assert len(problems) == 21 and problems[-1] == "… and 10 more problems"


@pytest.mark.parametrize(
    ("text", "message"),
    [("[]", "the list is empty"), ('"text"', "CSL-JSON must be an object"), ("3", "CSL-JSON must")],
)
def test_a_paste_without_items_says_so(text, message):
    assert problems_of(parse_csl_json, text)[0].startswith(message)


def test_a_key_given_twice_is_refused_naming_both_items():
    items = [{"id": "doe2020", **KARAYEL}, {"id": "Doe2020", **KARAYEL}]
    assert problems_of(parse_csl_json, json.dumps(items)) == [
        'item 2: the key "Doe2020" is used twice (also at item 1)'
    ]


# --- Key generation ---------------------------------------------------------------------------


def test_generated_keys_take_suffixes_to_avoid_each_other_and_taken_keys():
    doe = {
        "type": "book",
        "title": "A",
        "author": [{"family": "Doe"}],
        "issued": {"date-parts": [[2020]]},
    }
    items = [doe, {**doe, "title": "B"}, {**doe, "title": "C"}, {"id": "doe2020c", **doe}]
    records = parse_csl_json(json.dumps(items), taken=["DOE2020"])
    assert [r.key for r in records] == ["doe2020a", "doe2020b", "doe2020d", "doe2020c"]
    assert [r.key_generated for r in records] == [True, True, True, False]


def test_generated_keys_fold_accents_and_fall_back_on_organisations_and_titles():
    items = [
        {
            "type": "book",
            "title": "A",
            "author": [{"family": "Aslanlı"}],
            "issued": {"date-parts": [[2018]]},
        },
        {"type": "book", "title": "B", "author": [{"family": "Öztürk-Şahin"}]},
        {
            "type": "report",
            "title": "C",
            "author": [{"literal": "World Bank"}],
            "issued": {"date-parts": [[2021]]},
        },
        {"type": "treaty", "title": "The Élysée Treaty", "issued": {"date-parts": [[1963, 1, 22]]}},
    ]
    keys = [r.key for r in parse_csl_json(json.dumps(items))]
    assert keys == ["aslanli2018", "ozturksahinnd", "worldbank2021", "elysee1963"]


# --- BibTeX -----------------------------------------------------------------------------------

ARTICLE = r"""% Exported by Better BibTeX
@article{karayel2024,
  author    = {Karayel, Zehra and M{\"u}ller, J{\"u}rgen and Ba\c{s}ak {\"O}zt\"{u}rk},
  title     = {{T{\"u}rkiye}--{Azerbaijan} Relations: \emph{One Nation}, Two States},
  journal   = {Bilig},
  volume    = {20},
  number    = {49},
  pages     = {380--400},
  year      = {2024},
  month     = mar,
  doi       = {https://doi.org/10.12995/bilig.2024.49.1},
  url       = {https://example.org/bilig\_49},
  urldate   = {2024-05-01},
}
"""


def test_a_bibtex_article_becomes_a_journal_article():
    [record] = parse_bibtex(ARTICLE)
    assert record.key == "karayel2024" and record.origin == "line 2"
    assert record.csl == {
        "type": "article-journal",
        "author": [
            {"family": "Karayel", "given": "Zehra"},
            {"family": "Müller", "given": "Jürgen"},
            {"family": "Öztürk", "given": "Başak"},
        ],
        "title": "Türkiye–Azerbaijan Relations: One Nation, Two States",
        "container-title": "Bilig",
        "volume": "20",
        "issue": "49",
        "page": "380–400",
        "issued": {"date-parts": [[2024, 3]]},
        "accessed": {"date-parts": [[2024, 5, 1]]},
        "DOI": "10.12995/bilig.2024.49.1",
        "URL": "https://example.org/bilig_49",
    }


def test_a_bibtex_book_with_a_corporate_author_and_editors():
    text = r"""@book{wb2021,
      author = {{World Bank} and {Ministry of Foreign Affairs, Republic of T{\"u}rkiye}},
      editor = {van der Berg, Anna and Ludwig van Beethoven and Smith, Jr., John},
      title = {Regional {Integration} in the {South Caucasus}},
      publisher = {World Bank Publications}, address = {Washington, DC},
      edition = {2}, series = {Policy Studies}, isbn = {978-1-4648-0000-0},
      year = 2021, note = {Cited at pp. 3--5.}}"""
    [record] = parse_bibtex(text)
    assert record.csl["type"] == "book"
    assert record.csl["author"] == [
        {"literal": "World Bank"},
        {"literal": "Ministry of Foreign Affairs, Republic of Türkiye"},
    ]
    assert record.csl["editor"] == [
        {"family": "Berg", "given": "Anna", "non-dropping-particle": "van der"},
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
        {"family": "Smith", "given": "John", "suffix": "Jr."},
    ]
    assert record.csl["title"] == "Regional Integration in the South Caucasus"
    assert record.csl["publisher-place"] == "Washington, DC"
    assert record.csl["collection-title"] == "Policy Studies"
    assert record.csl["edition"] == "2" and record.csl["ISBN"] == "978-1-4648-0000-0"
    assert record.csl["note"] == "Cited at pp. 3–5."
    assert record.csl["issued"] == {"date-parts": [[2021]]}


def test_a_bibtex_chapter_takes_its_book_as_container():
    text = """@incollection{wiberg1998,
      author = "Wiberg, H{\\aa}kan",
      title = "The {Nordic} Countries: A Special Kind of System?",
      booktitle = "Security Communities",
      editor = "Adler, Emanuel and Barnett, Michael",
      publisher = "Cambridge University Press",
      pages = "69-97",
      year = "1998"
    }"""
    [record] = parse_bibtex(text)
    assert record.csl["type"] == "chapter"
    assert record.csl["author"] == [{"family": "Wiberg", "given": "Håkan"}]
    assert record.csl["container-title"] == "Security Communities"
    assert record.csl["page"] == "69–97"
    assert record.csl["title"] == "The Nordic Countries: A Special Kind of System?"


@pytest.mark.parametrize(
    ("entry", "csl_type", "extra"),
    [
        ("@misc{m, title={Press release}, url={https://mfa.gov.tr/x}, year=2020}", "webpage", {}),
        (
            "@misc{m, title={Press release}, howpublished={\\url{https://mfa.gov.tr/x}}}",
            "webpage",
            {},
        ),
        ("@misc{m, title={Leaflet}, howpublished={Printed}}", "document", {}),
        ("@online{m, title={Blog}, url={https://x.org}, date={2021-04-02}}", "webpage", {}),
        ("@inproceedings{m, title={Paper}, booktitle={ISA Convention}}", "paper-conference", {}),
        (
            "@phdthesis{m, title={T}, school={METU}}",
            "thesis",
            {"genre": "PhD thesis", "publisher": "METU"},
        ),
        ("@mastersthesis{m, title={T}, school={METU}}", "thesis", {"genre": "Master's thesis"}),
        ("@techreport{m, title={T}, institution={SIPRI}, number={12}}", "report", {"number": "12"}),
        ("@unpublished{m, title={Draft}}", "manuscript", {}),
        ("@whatever{m, title={Odd}}", "document", {}),
    ],
)
def test_bibtex_entry_types_map_to_csl_types(entry, csl_type, extra):
    [record] = parse_bibtex(entry)
    assert record.csl["type"] == csl_type
    for name, value in extra.items():
        assert record.csl[name] == value


def test_bibtex_strings_concatenation_and_month_names_are_resolved():
    text = """@string{jir = "Journal of International Relations"}
    @comment{ignored}
    @article{s, journal = jir # { Review}, title = {T}, year = 1999, month = {September}}"""
    [record] = parse_bibtex(text)
    assert record.csl["container-title"] == "Journal of International Relations Review"
    assert record.csl["issued"] == {"date-parts": [[1999, 9]]}
    assert record.origin == "line 3"


def test_a_bibtex_year_in_words_is_kept_as_a_literal_date():
    [record] = parse_bibtex("@book{f, title={T}, year={forthcoming}}")
    assert record.csl["issued"] == {"literal": "forthcoming"}


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"{\"u}ber \"{U}ber \"a", "über Über ä"),
        (r"\c{s}\c{S}ahin {\c c}ay", "şŞahin çay"),
        (r"\u{g} {\u g} \v{c} \v c \H{o} \k{a} \r{a} \.{I}", "ğ ğ č č ő ą å İ"),
        (r"\'{e} {\'e} \'\i{} \`a \^o \~n \=a", "é é í à ô ñ ā"),
        (r"{\L}\'od\'z {\ss} \o{} \AA{} {\ae}", "Łódź ß ø Å æ"),
        (r"R\&D 50\% a\_b \{x\}", "R&D 50% a_b {x}"),
        (r"pp. 3--5 --- ``quoted''", "pp. 3–5 — “quoted”"),
        (r"\textit{Italic} and \emph{emph} \textbf{bold}", "Italic and emph bold"),
        ("{{NATO}} and   {the}~EU", "NATO and the EU"),
    ],
)
def test_latex_accents_and_marks_become_unicode(latex, text):
    assert latex_to_text(latex) == text


# --- Malformed BibTeX: the line is named, nothing is returned -----------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "@article{a, title={A}}\n\n@book{b,\n  title = {Oops,\n  year = 2020\n}\n\n"
            "@misc{c, title={C}}",
            'line 3: "@book{b" is not closed: a "}" is missing before the next entry on line 8',
        ),
        (
            "@book{b, title = {Oops}",
            'line 1: "@book{b" is not closed: a "}" is missing before the end',
        ),
        (
            "@article{k,\n  title = {A}\n  year = {2020}\n}",
            'line 3: a comma is missing after the "title" field (from line 2) of @article{k, …}',
        ),
        ("@article{title = {A}, year = 2020}", "line 1: @article has no key"),
        (
            "@article{k, title = {A}, = {x}}",
            'line 1: expected a field such as title = {…} in @article{k, …}, found "= {x}"',
        ),
        ("@article{k,\n title {A}}", 'line 2: "=" is missing after "title" in @article{k, …}'),
        (
            '@article{k, title = "A}',
            'line 1: the quote opened in "title" of @article{k, …} is never closed',
        ),
        (
            "@article{k, title = {A}, title = {B}}",
            'line 1: "title" appears twice in @article{k, …}',
        ),
        ("@article{k, journal = jir, title = {A}}", 'line 1: "jir" in "journal" is not defined'),
        (
            "@article{k, title = [A]}",
            'line 1: the value of "title" in @article{k, …} must be in braces',
        ),
        ("\n@article k, title = {A}}", 'line 2: "@article" must be followed by {'),
        ("just some text", "no BibTeX entries found"),
        (
            "@article{a, title={A}}\n@book{A, title={B}}",
            'line 2: the key "A" is used twice (also at line 1)',
        ),
        ("@article{k, year = 2020}", 'line 1 (@article{k}): "title" is missing'),
        (
            "@article{k, title={A}, year={2O20}}",
            'line 1 (@article{k}): "year" must be a year such as 2024, not "2O20"',
        ),
        (
            "@article{k, title={A}, year=2020, month={Smarch}}",
            'line 1 (@article{k}): "month" must be a month',
        ),
        ("@online{k, title={A}, date={20-20}}", 'line 1 (@online{k}): "date" must be a date'),
        (
            "@online{k, title={A}, urldate={yesterday}}",
            'line 1 (@online{k}): "urldate" must be a date',
        ),
        (
            "@book{k, title={A}, author={Doe, Jane, Jr., extra}}",
            'line 1 (@book{k}): cannot read the name "Doe, Jane, Jr., extra"',
        ),
    ],
)
def test_malformed_bibtex_is_refused_naming_the_line(text, message):
    problems = problems_of(parse_bibtex, text)
    assert problems[0].startswith(message), problems


def test_every_entry_with_bad_values_is_reported():
    text = "@book{a, year=2020}\n@book{b, title={B}}\n@book{c, title={C}, year={x1}}"
    assert problems_of(parse_bibtex, text) == [
        'line 1 (@book{a}): "title" is missing',
        'line 3 (@book{c}): "year" must be a year such as 2024, not "x1"',
    ]


def test_an_at_sign_inside_a_comment_line_is_not_an_entry():
    [record] = parse_bibtex("% written by me@example.org\n@book{b, title={B}}")
    assert record.key == "b"


# --- Format detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ('  [{"type": "book"}]', "csl-json"),
        ('\n{"type": "book"}', "csl-json"),
        ("@book{b, title={B}}", "bibtex"),
        ("% Encoding: UTF-8\n\n@book{b, title={B}}", "bibtex"),
        ("Doe, Jane. 2020. Neighbours.", None),
        ("", None),
    ],
)
def test_the_format_is_recognised_by_the_first_character(text, fmt):
    assert detect_format(text) == fmt


# --- The form's fields ------------------------------------------------------------------------


def form_values(**overrides) -> dict[str, str]:
    values = {name: "" for name in form_fields_from_csl({})}
    values.update(overrides)
    return values


def test_form_fields_build_a_csl_record_leaving_out_empty_ones():
    csl = csl_from_form(
        form_values(
            type="article-journal",
            authors="Karayel, Zehra\r\n\r\n{Ministry of Foreign Affairs, Türkiye}\nWorld Bank",
            title=" Türkiye–Azerbaijan Relations ",
            container_title="Bilig",
            volume="20",
            page="380–400",
            year="2024-03",
            doi="https://doi.org/10.12995/bilig.2024.49.1",
            url="https://example.org/x",
            accessed="2024-05-01",
        )
    )
    assert csl == {
        "type": "article-journal",
        "author": [
            {"family": "Karayel", "given": "Zehra"},
            {"literal": "Ministry of Foreign Affairs, Türkiye"},
            {"literal": "World Bank"},
        ],
        "title": "Türkiye–Azerbaijan Relations",
        "container-title": "Bilig",
        "volume": "20",
        "page": "380–400",
        "issued": {"date-parts": [[2024, 3]]},
        "DOI": "10.12995/bilig.2024.49.1",
        "URL": "https://example.org/x",
        "accessed": {"date-parts": [[2024, 5, 1]]},
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "a source needs a title"),
        ({"type": ""}, "type", "choose the kind of source"),
        ({"type": "jornal"}, "type", '"jornal" is not a CSL type'),
        ({"year": "20x4"}, "year", "write a year (2024) or a date (2024-03-15)"),
        ({"year": "2024-13-01"}, "year", "write a year"),
        ({"accessed": "1/5/2024"}, "accessed", "write a year"),
        ({"doi": "bilig 49"}, "doi", "a DOI looks like"),
        ({"url": "example.org"}, "url", "a web address starts with https://"),
        ({"authors": "Doe, Jane\n, Jane"}, "authors", 'line 2: write "Family, Given"'),
    ],
)
def test_bad_form_values_are_named_by_field(overrides, field, message):
    values = form_values(**{"type": "book", "title": "T", **overrides})
    with pytest.raises(FormFieldErrors) as caught:
        csl_from_form(values)
    assert caught.value.errors[field].startswith(message)


def test_a_year_in_words_is_kept_as_a_literal():
    csl = csl_from_form(form_values(type="book", title="T", year="forthcoming"))
    assert csl["issued"] == {"literal": "forthcoming"}


def test_form_to_csl_to_form_is_the_identity():
    values = form_values(
        type="chapter",
        authors="Wiberg, Håkan\nWorld Bank\n{Ministry, Türkiye}\nSmith, John, Jr.",
        title="The Nordic Countries",
        container_title="Security Communities",
        volume="1",
        issue="2",
        page="69–97",
        year="1998-04-03",
        publisher="Cambridge University Press",
        doi="10.1017/CBO9780511598661.003",
        url="https://doi.org/10.1017/CBO9780511598661.003",
        accessed="2024-05-01",
    )
    assert form_fields_from_csl(csl_from_form(values)) == values


def test_names_print_as_form_lines_with_particles_and_suffixes():
    names = [
        {"family": "Neumann", "given": "John", "non-dropping-particle": "von"},
        {"family": "Gaulle", "given": "Charles", "dropping-particle": "de"},
        {"family": "Smith", "given": "John", "suffix": "Jr."},
        {"literal": "World Bank"},
        {"family": "Plato"},
    ]
    assert names_to_lines(names) == (
        "von Neumann, John\nGaulle, Charles de\nSmith, John, Jr.\nWorld Bank\nPlato"
    )
    assert parse_name_lines("Plato\nSmith, John, Jr.") == [
        {"literal": "Plato"},
        {"family": "Smith", "given": "John", "suffix": "Jr."},
    ]


def test_editing_keeps_what_the_form_does_not_show():
    stored = {
        **KARAYEL,
        "author": [{"family": "Neumann", "given": "John", "non-dropping-particle": "von"}],
        "editor": [{"family": "Doe", "given": "Jane"}],
        "issued": {"date-parts": [[2024, 3, 15]], "season": 1},
        "note": "Cited at p. 391.",
        "custom": {"anything": [1, 2]},
    }
    shown = form_fields_from_csl(stored)
    # Untouched (even with the browser's \r\n line ends), the record is unchanged.
    resubmitted = {**shown, "authors": shown["authors"].replace("\n", "\r\n") + "\r\n"}
    assert update_csl(stored, resubmitted) == stored
    # Changing one field changes that variable only; emptying one removes it.
    edited = update_csl(stored, {**shown, "title": "New title", "issue": ""})
    assert edited == {**{k: v for k, v in stored.items() if k != "issue"}, "title": "New title"}


def test_editing_does_not_check_odd_values_the_user_left_alone():
    stored = {"type": "legal_case", "title": "T", "issued": {"literal": "c. 1990s, 2nd half"}}
    shown = form_fields_from_csl(stored)
    assert update_csl(stored, {**shown, "volume": "3"}) == {**stored, "volume": "3"}
    with pytest.raises(FormFieldErrors) as caught:
        update_csl(stored, {**shown, "year": "199x"})
    assert list(caught.value.errors) == ["year"]


def test_the_record_digest_changes_with_key_or_content_but_not_key_order():
    assert record_digest("k", {"a": 1, "b": 2}) == record_digest("k", {"b": 2, "a": 1})
    assert record_digest("k", {"a": 1}) != record_digest("k2", {"a": 1})
    assert record_digest("k", {"a": 1}) != record_digest("k", {"a": 2})
