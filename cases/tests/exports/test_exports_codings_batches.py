"""The codings CSV is read a batch of items at a time: batch edges must not show in the file."""

import csv
import io

import pytest

from cases.bundles import import_bundle, parse_bundle
from cases.exports import item_tables
from cases.exports.csv_exports import write_codings_csv
from cases.models import Assignment, Criterion, Evidence, Membership
from cases.tests.cli import REPO

DEMO = REPO / "fixtures" / "turkiye-azerbaijan.json"
VIEWERS = [None, "ada", "rita", "alice", "bob"]


@pytest.fixture
def demo(db):
    """The demo with drafts: bob reopened three items, alice's assignment of one item is gone."""
    project = import_bundle(parse_bundle(DEMO.read_bytes()))
    keys = list(
        Evidence.objects.filter(project=project).order_by("key").values_list("key", flat=True)
    )
    Assignment.objects.filter(coder__username="bob", evidence__key__in=keys[:3]).update(
        status=Assignment.Status.ASSIGNED, submitted_at="2024-05-01T09:30:00Z"
    )
    Assignment.objects.filter(coder__username="alice", evidence__key=keys[-1]).delete()
    return project


def export(project, username) -> str:
    viewer = Membership.objects.get(project=project, user__username=username) if username else None
    out = io.StringIO()
    write_codings_csv(out, project, viewer=viewer)
    return out.getvalue()


@pytest.mark.parametrize("username", VIEWERS)
def test_the_codings_csv_is_the_same_whatever_the_batch_size(demo, username, monkeypatch):
    whole = export(demo, username)
    monkeypatch.setattr(item_tables, "BATCH", 7)
    assert export(demo, username) == whole


@pytest.mark.parametrize("username", VIEWERS)
def test_the_codings_csv_is_in_item_then_criterion_then_coder_order(demo, username):
    rows = list(csv.DictReader(io.StringIO(export(demo, username))))
    order = {
        code: (position, code)
        for code, position in Criterion.objects.filter(codebook=demo.codebook).values_list(
            "code", "order"
        )
    }
    keys = [
        (r["dyad"], r["date_start"], r["evidence"], order[r["criterion"]], r["coder"]) for r in rows
    ]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_drafts_are_the_coders_own_business(demo):
    everyone = list(csv.DictReader(io.StringIO(export(demo, "rita"))))
    assert {r["status"] for r in everyone} == {"submitted"}
    bob = list(csv.DictReader(io.StringIO(export(demo, "bob"))))
    drafts = [r for r in bob if r["status"] == "draft"]
    assert {r["coder"] for r in bob} == {"bob"}
    assert len({r["evidence"] for r in drafts}) == 3
    assert {r["submitted_at"] for r in drafts} == {"2024-05-01T09:30:00Z"}
    assert not {r["evidence"] for r in drafts} & {
        r["evidence"] for r in everyone if r["coder"] == "bob"
    }
    alice = list(csv.DictReader(io.StringIO(export(demo, "alice"))))
    unassigned = [r for r in alice if r["status"] == "draft"]
    assert len({r["evidence"] for r in unassigned}) == 1
    assert {r["submitted_at"] for r in unassigned} == {""}
    assert not any(
        r["coder"] == "alice" and r["evidence"] == unassigned[0]["evidence"] for r in everyone
    )
