"""The CSV exports: long codings, consensus, period values, codebook, reliability data.

Values are checked cell by cell on the small project (see bundle_factory: carl and cleo both
submitted E1; carl has a draft on E3; rita adjudicated E1 and overrode P2's trust), and the
reliability files against the agreement command and the krippendorff package on the demo.
"""

import csv
import io
import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from django.core.management import call_command

from cases.bundles import import_bundle, parse_bundle
from cases.exports import (
    ExportRefused,
    write_codebook_csv,
    write_codebook_markdown,
    write_codings_csv,
    write_consensus_csv,
    write_period_values_csv,
    write_reliability_csv,
)
from cases.models import Assignment, Coding, Membership
from cases.review.agreement import krippendorff_alpha
from cases.review.agreement.reliability_csv import parse_reliability_csv
from cases.review.reliability import agreement_rows
from cases.tests.cli import REPO

pytestmark = pytest.mark.django_db

DEMO = REPO / "fixtures" / "turkiye-azerbaijan.json"


def rows_of(write, *args, **kwargs) -> list[dict]:
    out = io.StringIO()
    write(out, *args, **kwargs)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def text_of(write, *args, **kwargs) -> str:
    out = io.StringIO()
    write(out, *args, **kwargs)
    return out.getvalue()


def member(project, username) -> Membership:
    return Membership.objects.select_related("user").get(project=project, user__username=username)


@pytest.fixture
def demo(db):
    return import_bundle(parse_bundle(DEMO.read_bytes()))


# --- the long codings CSV -------------------------------------------------------------------


def test_the_codings_csv_has_one_row_per_submitted_coding_with_its_evidence(small_project):
    rows = rows_of(write_codings_csv, small_project, viewer=member(small_project, "rita"))
    assert [(r["evidence"], r["criterion"], r["coder"], r["value"]) for r in rows] == [
        ("E1", "AB-T2-TRANS", "carl", "2"),
        ("E1", "AB-T2-TRANS", "cleo", "3"),
        ("E1", "D-RESP", "carl", "1"),
    ]
    first = rows[0]
    assert first == {
        "project": "small",
        "dyad": "FRA-DEU",
        "period": "P1",
        "evidence": "E1",
        "date": "1951",
        "date_start": "1951-01-01",
        "date_end": "1951-12-31",
        "evidence_type": "agreement",
        "source": "doe2020",
        "citation": "(Doe 2020, 12)",
        "locator": "12",
        "criterion": "AB-T2-TRANS",
        "framework": "Adler & Barnett",
        "group": "Tier 2",
        "coder": "carl",
        "value": "2",
        "note": "",  # empty for missing
        "status": "submitted",
        "submitted_at": first["submitted_at"] or "(empty)",  # the import's time, never empty
        "via_source": "",  # quoted from the source itself
        "via_locator": "",
    }
    assert rows[2]["note"] == "only elites"


def test_the_codings_csv_header_and_encoding_suit_r_and_pandas(small_project):
    text = text_of(write_codings_csv, small_project, viewer=None)
    assert text.startswith("project,dyad,period,evidence,date,date_start,date_end,")
    assert not text.startswith("\ufeff")  # no byte-order mark to confuse read.csv
    assert "\r" not in text


def test_submission_times_are_iso_8601_in_utc(small_project, people):
    Assignment.objects.filter(coder=people["carl"], evidence__key="E1").update(
        submitted_at="2024-05-01T09:30:00.123456+02:00"
    )
    rows = rows_of(write_codings_csv, small_project, viewer=None)
    assert {r["submitted_at"] for r in rows if r["coder"] == "carl"} == {"2024-05-01T07:30:00Z"}


def test_a_coder_exports_only_their_own_codings_with_their_drafts(small_project):
    rows = rows_of(write_codings_csv, small_project, viewer=member(small_project, "carl"))
    assert {r["coder"] for r in rows} == {"carl"}
    assert [(r["evidence"], r["criterion"], r["value"], r["status"]) for r in rows] == [
        ("E1", "AB-T2-TRANS", "2", "submitted"),
        ("E1", "D-RESP", "1", "submitted"),
        ("E3", "AB-T3-TRUST", "3", "draft"),
    ]
    cleo = rows_of(write_codings_csv, small_project, viewer=member(small_project, "cleo"))
    assert [(r["coder"], r["criterion"], r["value"]) for r in cleo] == [
        ("cleo", "AB-T2-TRANS", "3")
    ]


def test_reviewers_never_see_a_coders_drafts(small_project):
    rows = rows_of(write_codings_csv, small_project, viewer=member(small_project, "ada"))
    assert "E3" not in {r["evidence"] for r in rows}


def test_observers_may_not_export_raw_codings(small_project):
    with pytest.raises(ExportRefused):
        write_codings_csv(io.StringIO(), small_project, viewer=member(small_project, "otto"))


def test_raw_text_is_written_exactly_as_stored(small_project, people):
    note = '=HYPERLINK("x"), a "quoted" word,\nand a second line'
    Coding.objects.filter(coder=people["carl"], criterion__code="D-RESP").update(note=note)
    rows = rows_of(write_codings_csv, small_project, viewer=None, raw=True)
    assert rows[2]["note"] == note
    # By default only the formula is defused (test_exports_csv_formulas.py).
    assert rows_of(write_codings_csv, small_project, viewer=None)[2]["note"] == "'" + note


def test_the_codings_csv_reads_the_database_in_a_fixed_number_of_queries(
    demo, django_assert_max_num_queries
):
    # The row writer: sources, the items, then per batch of items their codings and
    # assignments. The COPY writer (PostgreSQL): the check for carriage returns, the citations'
    # items, and the COPY in a transaction of its own that sets its sort memory (3 more).
    with django_assert_max_num_queries(6):
        rows = rows_of(write_codings_csv, demo, viewer=None)
    # Every submitted coding: 310 in the demo, less alice's 2 draft codes on KAR-076.
    assert len(rows) == 328


# --- consensus ------------------------------------------------------------------------------


def test_the_consensus_csv_lists_the_decided_codes_with_who_decided(small_project):
    rows = rows_of(write_consensus_csv, small_project)
    assert len(rows) == 1  # D-RESP was decided "not coded": no row; E2, E3 not submitted
    row = rows[0]
    assert (row["evidence"], row["criterion"], row["value"]) == ("E1", "AB-T2-TRANS", "2")
    assert (row["method"], row["decided_by"]) == ("adjudicated", "rita")
    assert row["rationale"] == "Treaty is institutional, not yet broad."
    assert row["citation"] == "(Doe 2020, 12)"


def test_exact_agreement_of_the_coders_is_consensus_marked_unanimous(small_project, people):
    Assignment.objects.filter(evidence__key="E3").update(status="submitted")
    rows = rows_of(write_consensus_csv, small_project)
    e3 = [r for r in rows if r["evidence"] == "E3"]
    assert [(r["criterion"], r["value"], r["method"], r["decided_by"]) for r in e3] == [
        ("AB-T3-TRUST", "3", "unanimous", "")
    ]


def test_items_awaiting_adjudication_are_left_out_of_the_consensus(demo):
    rows = rows_of(write_consensus_csv, demo)
    classification = call_json("classify", "turkiye-azerbaijan", "--json")
    pending = sum(p["pending_items"] for d in classification["dyads"] for p in d["periods"])
    assert pending == 8
    assert len({r["evidence"] for r in rows}) <= 83 - pending
    assert {r["method"] for r in rows} == {"adjudicated", "unanimous"}


def test_the_consensus_csv_queries_are_bounded(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):  # sources, items, then 4 per batch of 500 items
        rows = rows_of(write_consensus_csv, demo)
    assert rows


# --- period values and the classification ---------------------------------------------------


def test_period_values_show_own_carried_and_overridden_values(small_project):
    rows = rows_of(write_period_values_csv, small_project)
    by = {(r["period"], r["criterion"]): r for r in rows}
    p1 = by[("P1", "AB-T2-TRANS")]
    assert (p1["own_value"], p1["value"], p1["carried_from"]) == ("2", "2", "")
    p2 = by[("P2", "AB-T2-TRANS")]
    assert (p2["own_value"], p2["value"], p2["carried_from"]) == ("", "2", "P1")
    trust = by[("P2", "AB-T3-TRUST")]
    assert (trust["overridden"], trust["derived_value"], trust["value"]) == ("true", "0", "2")
    assert trust["override_rationale"] == "Polls from the 1970s, outside our sources."
    assert by[("P1", "D-RESP")]["own_value"] == ""  # decided not coded
    assert p1["stage"] == "none" and p1["coupling"] == "" and p1["rule"] == "sccoder-v1"
    assert p1["explanation"].startswith("1945–1962: none")


def test_period_values_match_the_classify_command(demo):
    rows = rows_of(write_period_values_csv, demo)
    classification = call_json("classify", "turkiye-azerbaijan", "--json")
    for period in classification["dyads"][0]["periods"]:
        mine = [r for r in rows if r["period"] == period["code"]]
        assert {r["stage"] for r in mine} == {period["stage"]}
        assert {r["pending_items"] for r in mine} == {str(period["pending_items"])}
        values = {r["criterion"]: int(r["value"]) for r in mine}
        assert {c: values[c] for c in period["values"]} == period["values"]
        assert mine[0]["explanation"].startswith(f"{period['start_year']}")


# --- the codebook ---------------------------------------------------------------------------


def test_the_codebook_csv_has_one_row_per_criterion_in_order(small_project):
    rows = rows_of(write_codebook_csv, small_project.codebook)
    assert [r["code"] for r in rows] == ["AB-T2-TRANS", "AB-T3-TRUST", "D-RESP"]
    assert rows[0]["carry_forward"] == "true" and rows[1]["carry_forward"] == "false"
    assert rows[0]["indicators"] == "trade" and rows[2]["indicators"] == ""
    assert rows[0]["codebook"] == "Test codebook" and rows[0]["order"] == "1"


def test_the_codebook_markdown_reads_as_a_document(small_project):
    text = text_of(write_codebook_markdown, small_project.codebook)
    assert text.startswith("# Test codebook\n\nVersion 1.")
    assert "| 3 | strong |" in text
    assert "## Adler & Barnett" in text and "### Tier 3" in text
    assert "#### AB-T3-TRUST — Mutual trust" in text
    assert "- polls" in text


# --- reliability data -----------------------------------------------------------------------


def test_the_reliability_csv_is_the_agreement_commands_format(small_project):
    text = text_of(write_reliability_csv, small_project, "AB-T2-TRANS", viewer=None)
    assert text == "unit,carl,cleo\nE1,2,3\n"
    text = text_of(write_reliability_csv, small_project, "D-RESP", viewer=None)
    assert text == "unit,carl,cleo\nE1,1,\n"  # cleo did not code it: empty, like missing


def test_the_application_variant_says_whether_each_coder_applied_the_criterion(small_project):
    text = text_of(
        write_reliability_csv, small_project, "D-RESP", viewer=None, variant="application"
    )
    assert text == "unit,carl,cleo\nE1,1,0\n"


@pytest.mark.parametrize("username", ["carl", "cleo", "otto"])
def test_coders_and_observers_get_no_reliability_data(small_project, username):
    with pytest.raises(ExportRefused):
        write_reliability_csv(
            io.StringIO(), small_project, "D-RESP", viewer=member(small_project, username)
        )


@pytest.mark.parametrize("variant", ["value", "application"])
def test_the_agreement_command_and_krippendorff_agree_on_the_exported_file(demo, tmp_path, variant):
    path = tmp_path / "trust.csv"
    path.write_text(
        text_of(write_reliability_csv, demo, "AB-T3-TRUST", viewer=None, variant=variant)
    )
    level = "ordinal" if variant == "value" else "nominal"
    report = call_json("agreement", str(path), "--level", level, "--json")
    table = parse_reliability_csv(path.read_bytes())
    assert table.coders == ("alice", "bob")
    data = np.array([[np.nan if v is None else float(v) for v in row] for row in table.values])
    reference = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert report["krippendorff_alpha"] == pytest.approx(reference, abs=1e-12)
    assert krippendorff_alpha(data, level=level) == pytest.approx(reference, abs=1e-12)


def test_the_exported_values_give_the_alpha_of_the_agreement_table(demo, tmp_path):
    """The value alpha of agreement_rows reads the same pairable units as the file."""
    rows = {
        (r["key"], r["measure"]): r
        for r in agreement_rows(demo, draws=1000, seed=1)
        if r["scope"] == "criterion"
    }
    for code in ["AB-T3-TRUST", "AB-T2-ORG", "D-RESP"]:
        table = parse_reliability_csv(
            text_of(write_reliability_csv, demo, code, viewer=None).encode()
        )
        data = np.array([[np.nan if v is None else float(v) for v in r] for r in table.values])
        ours = krippendorff_alpha(data, level="ordinal")
        assert ours == pytest.approx(rows[(code, "value")]["alpha"], abs=1e-12)


def call_json(*args) -> dict:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_unknown_criteria_are_named_in_the_error(small_project):
    with pytest.raises(LookupError, match='criterion: no criterion "NOPE"'):
        write_reliability_csv(io.StringIO(), small_project, "NOPE", viewer=None)


def test_the_demo_exports_are_readable_with_the_csv_module(demo, tmp_path):
    for write, args in [
        (write_codings_csv, {"viewer": None}),
        (write_consensus_csv, {}),
        (write_period_values_csv, {}),
    ]:
        path = Path(tmp_path / "f.csv")
        path.write_text(text_of(write, demo, **args), encoding="utf-8")
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        assert len({len(r) for r in rows}) == 1  # every row as wide as the header


def test_tables_said_to_hold_no_yes_no_cell_hold_none(demo):
    """The CSV writer skips spelling out True/False for such tables: were one to appear, it would
    be written "True" instead of "true"."""
    from cases.exports.codebook_table import codebook_table
    from cases.exports.item_tables import codings_table, consensus_table
    from cases.exports.period_table import periods_table
    from cases.exports.scope import export_scope

    reviewer = Membership.objects.get(project=demo, user__username="rita")
    tables = [
        codings_table(demo, export_scope(reviewer)),
        consensus_table(demo),
        periods_table(demo),
        codebook_table(demo.codebook),
    ]
    seen = {}
    for table in tables:
        rows = list(table.rows)
        assert rows, table.name
        seen[table.name] = any(isinstance(cell, bool) for row in rows for cell in row)
        if not table.has_yes_no:
            assert not seen[table.name], table.name
    # The check can tell: the periods table does hold yes/no cells.
    assert seen["periods"] and not seen["codings"]
