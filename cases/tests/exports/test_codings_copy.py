"""The codings CSV through PostgreSQL's COPY (cases.exports.codings_copy) gives the row
writer's bytes: the demo and a synthetic project, each viewer's scope, raw and defused, and the
awkward cells (formulas, numbers, empty texts, quotes, line breaks, non-ASCII). On SQLite the
row writer is used, and a note holding a carriage return sends PostgreSQL back to it too.

Run on PostgreSQL with DATABASE_URL set; on SQLite the comparisons are skipped.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from cases.bundles import import_bundle, parse_bundle
from cases.exports import codings_csv_chunks, export_scope
from cases.exports.codings_copy import codings_copy_chunks, copy_applies
from cases.exports.csv_exports import csv_chunks
from cases.exports.item_tables import codings_table
from cases.models import Coding, Evidence, Membership, Project
from cases.tests.cli import REPO

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is PostgreSQL's; set DATABASE_URL to test it"
)
DEMO = REPO / "fixtures" / "turkiye-azerbaijan.json"


def both(project, membership, raw):
    scope = export_scope(membership)
    rows = "".join(csv_chunks(codings_table(project, scope), raw=raw))
    copied = "".join(codings_copy_chunks(project, scope, raw=raw))
    return rows, copied


def viewers(project):
    return Membership.objects.filter(project=project, role__in=["admin", "reviewer", "coder"])


@on_postgresql
@pytest.mark.parametrize("raw", [False, True])
def test_the_demo_export_is_the_same_bytes(raw):
    project = import_bundle(parse_bundle(DEMO.read_text()))
    lines = 0
    for membership in viewers(project):
        rows, copied = both(project, membership, raw)
        lines += rows.count("\n")
        assert copied.encode() == rows.encode(), membership.user.username
    assert lines > 100


@on_postgresql
@pytest.mark.parametrize("raw", [False, True])
def test_a_synthetic_project_with_awkward_cells_is_the_same_bytes(raw):
    call_command(
        "make_synthetic", "--slug", "synth", "--dyads", "2", "--items", "30", stderr=StringIO()
    )
    project = Project.objects.get(slug="synth")
    awkward = [
        "=SUM(A1)",
        "-1",
        "-0.25e3",
        "+x",
        "@home",
        "\tindented",
        "",
        'say "no", twice',
        "two\nlines",
        "Türkiye–Azərbaycan",
        " spaced ",
        "\\.",
    ]
    codings = list(Coding.objects.filter(evidence__project=project).order_by("pk")[:48])
    for n, coding in enumerate(codings):
        coding.note = awkward[n % len(awkward)]
    Coding.objects.bulk_update(codings, ["note"])
    Evidence.objects.filter(pk=codings[0].evidence_id).update(locator="-12", date="=1950")
    for membership in viewers(project):
        rows, copied = both(project, membership, raw)
        assert rows.count("\n") > 1
        assert copied.encode() == rows.encode(), membership.user.username
    defused = both(project, viewers(project).filter(role="reviewer").first(), raw)[1]
    assert ("'=SUM(A1)" in defused) is not raw
    assert ",-1," in defused or ",-1\n" in defused


@on_postgresql
def test_a_carriage_return_in_a_note_falls_back_to_the_row_writer(small_project):
    reviewer = export_scope(Membership.objects.get(project=small_project, role="reviewer"))
    assert copy_applies(small_project, reviewer)
    Coding.objects.filter(evidence__project=small_project).update(note="one\rtwo")
    assert not copy_applies(small_project, reviewer)
    written = "".join(codings_csv_chunks(small_project, reviewer))
    assert written == "".join(csv_chunks(codings_table(small_project, reviewer)))
    assert "one\rtwo" in written  # unquoted, as Python's csv module writes it


def test_sqlite_keeps_the_row_writer(small_project):
    reviewer = export_scope(Membership.objects.get(project=small_project, role="reviewer"))
    assert copy_applies(small_project, reviewer) is (connection.vendor == "postgresql")
    written = "".join(codings_csv_chunks(small_project, reviewer))
    assert written == "".join(csv_chunks(codings_table(small_project, reviewer)))
    assert written.startswith("project,dyad,period,evidence,")
