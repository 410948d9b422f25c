"""The demo's codings export: every submitted coding says when it was submitted."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from cases.exports import write_codings_csv
from cases.models import Assignment, Membership, Project


@pytest.fixture
def loaded_demo(db):
    """The demo as `make demo` loads it: the setup_demo command."""
    call_command("setup_demo", stdout=io.StringIO())
    return Project.objects.get(slug="turkiye-azerbaijan")


def test_every_submitted_demo_coding_has_its_submission_time_in_codings_csv(loaded_demo):
    before = datetime.now(UTC)
    rita = Membership.objects.get(project=loaded_demo, user__username="rita")
    out = io.StringIO()
    write_codings_csv(out, loaded_demo, viewer=rita)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    submitted = [r for r in rows if r["status"] == "submitted"]
    assert len(submitted) > 100
    assert all(r["submitted_at"] for r in submitted), submitted[0]
    # Stamped with the import's time (UTC, to the second): the bundle carries no times.
    times = {datetime.fromisoformat(r["submitted_at"]) for r in submitted}
    assert all(abs(t - before) < timedelta(minutes=5) for t in times)
    assert all(r["submitted_at"].endswith("Z") for r in submitted)


def test_items_still_assigned_have_no_submission_time(loaded_demo):
    assignments = Assignment.objects.filter(evidence__project=loaded_demo)
    assert assignments.filter(status="assigned").exists()  # the demo leaves three open
    assert not assignments.filter(status="assigned", submitted_at__isnull=False).exists()
    assert not assignments.filter(status="submitted", submitted_at__isnull=True).exists()
