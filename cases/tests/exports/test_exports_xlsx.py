"""The XLSX workbook: its sheets per viewer, cell values and types, and constant-memory writing.

The file is read back with the standard library (zip + XML), as any spreadsheet program would.
"""

import io
import re
import zipfile

import pytest
from lxml import etree

from cases.bundles import import_bundle, parse_bundle
from cases.exports import write_xlsx
from cases.models import Coding, Membership
from cases.tests.cli import REPO

pytestmark = pytest.mark.django_db

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}


def read_xlsx(data: bytes) -> dict[str, list[list]]:
    """Every sheet as rows of Python values (str, float, bool, None for an empty cell)."""
    book = zipfile.ZipFile(io.BytesIO(data))
    workbook = etree.fromstring(book.read("xl/workbook.xml"))
    rels = etree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    sheets = {}
    for sheet in workbook.iterfind("m:sheets/m:sheet", NS):
        target = targets[sheet.get(f"{{{NS['r']}}}id")]
        xml = etree.fromstring(book.read(f"xl/{target}"))
        rows = []
        for row in xml.iterfind("m:sheetData/m:row", NS):
            cells: list = []
            for cell in row.iterfind("m:c", NS):
                column = _column(cell.get("r"))
                cells.extend([None] * (column - len(cells)))
                cells.append(_value(cell))
            rows.append(cells)
        sheets[sheet.get("name")] = rows
    return sheets


def _column(ref: str) -> int:
    number = 0
    for letter in re.match(r"[A-Z]+", ref).group():
        number = number * 26 + ord(letter) - 64
    return number - 1


def _value(cell):
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(cell.itertext())
    if kind == "b":
        return cell.findtext("m:v", namespaces=NS) == "1"
    text = cell.findtext("m:v", namespaces=NS)
    if kind == "s":
        raise AssertionError("constant_memory writes inline strings, never shared ones")
    return None if text is None else float(text)


def workbook_for(project, username=None) -> bytes:
    viewer = Membership.objects.get(project=project, user__username=username) if username else None
    out = io.BytesIO()
    write_xlsx(out, project, viewer=viewer)
    return out.getvalue()


def as_dicts(rows: list[list]) -> list[dict]:
    header = rows[0]
    return [
        dict(zip(header, row + [None] * (len(header) - len(row)), strict=True)) for row in rows[1:]
    ]


def test_reviewers_get_every_sheet_in_order(small_project):
    sheets = read_xlsx(workbook_for(small_project, "rita"))
    assert list(sheets) == ["about", "codings", "consensus", "periods", "codebook"]


def test_the_codings_sheet_holds_typed_values(small_project):
    codings = as_dicts(read_xlsx(workbook_for(small_project, "ada"))["codings"])
    assert [(r["evidence"], r["criterion"], r["coder"], r["value"]) for r in codings] == [
        ("E1", "AB-T2-TRANS", "carl", 2.0),
        ("E1", "AB-T2-TRANS", "cleo", 3.0),
        ("E1", "D-RESP", "carl", 1.0),
    ]
    assert codings[0]["date_start"] == "1951-01-01"  # ISO text, not a spreadsheet date
    assert codings[0]["citation"] == "(Doe 2020, 12)"
    assert codings[0]["note"] is None and codings[2]["note"] == "only elites"


def test_the_other_sheets_match_the_csv_files(small_project):
    sheets = read_xlsx(workbook_for(small_project, "otto"))
    consensus = as_dicts(sheets["consensus"])
    assert [(r["evidence"], r["criterion"], r["value"], r["method"]) for r in consensus] == [
        ("E1", "AB-T2-TRANS", 2.0, "adjudicated")
    ]
    periods = as_dicts(sheets["periods"])
    trust = next(r for r in periods if r["period"] == "P2" and r["criterion"] == "AB-T3-TRUST")
    assert trust["overridden"] is True and trust["derived_value"] == 0.0 and trust["value"] == 2.0
    codebook = as_dicts(sheets["codebook"])
    assert [r["code"] for r in codebook] == ["AB-T2-TRANS", "AB-T3-TRUST", "D-RESP"]
    about = dict(sheets["about"][1:])
    assert about["raw codings"].startswith("none")


def test_observers_get_no_codings_sheet(small_project):
    sheets = read_xlsx(workbook_for(small_project, "otto"))
    assert "codings" not in sheets
    assert b"only elites" not in workbook_for(small_project, "otto")


def test_a_coder_gets_only_their_own_codings(small_project, people):
    Coding.objects.filter(coder=people["cleo"]).update(note="CLEO-PRIVATE-NOTE")
    data = workbook_for(small_project, "carl")
    codings = as_dicts(read_xlsx(data)["codings"])
    assert {r["coder"] for r in codings} == {"carl"}
    assert [(r["evidence"], r["status"]) for r in codings][-1] == ("E3", "draft")
    text = b"".join(zipfile.ZipFile(io.BytesIO(data)).read(n) for n in _names(data))
    assert b"CLEO-PRIVATE-NOTE" not in text and b"cleo" not in text


def _names(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_text_that_looks_like_a_formula_stays_text(small_project, people):
    Coding.objects.filter(coder=people["carl"], criterion__code="D-RESP").update(
        note="=1+1 and https://example.org"
    )
    data = workbook_for(small_project, "ada")
    codings = as_dicts(read_xlsx(data)["codings"])
    assert codings[2]["note"] == "=1+1 and https://example.org"
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet2.xml")
    assert b"<f>" not in sheet and b"hyperlink" not in sheet.lower()


def test_two_exports_of_unchanged_data_are_identical(small_project):
    assert workbook_for(small_project, "ada") == workbook_for(small_project, "ada")


def test_the_workbook_is_written_in_constant_memory_mode(small_project, monkeypatch):
    import xlsxwriter

    seen = {}
    original = xlsxwriter.Workbook.__init__

    def spy(self, filename, options=None):
        seen.update(options or {})
        original(self, filename, options)

    monkeypatch.setattr(xlsxwriter.Workbook, "__init__", spy)
    workbook_for(small_project)
    assert seen["constant_memory"] is True and seen["strings_to_formulas"] is False


def test_the_workbook_needs_as_few_queries_for_the_demo_as_for_a_small_project(
    small_project, django_assert_max_num_queries
):
    """83 items and 328 submitted codings cost no more queries than 3 items: rows are
    streamed."""
    with django_assert_max_num_queries(22):
        workbook_for(small_project)
    demo = import_bundle(parse_bundle((REPO / "fixtures" / "turkiye-azerbaijan.json").read_bytes()))
    with django_assert_max_num_queries(22):
        data = workbook_for(demo)
    assert len(read_xlsx(data)["codings"]) == 329  # a header and 328 codings
