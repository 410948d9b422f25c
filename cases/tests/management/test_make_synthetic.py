"""make_synthetic builds a large, realistic project; tested here at a small size."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import Assignment, Coding, Consensus, Evidence, Project
from cases.review.consensus import consensus_for

pytestmark = pytest.mark.django_db


def build(**options) -> Project:
    args = ["--slug", "syn", "--dyads", "3", "--periods", "2", "--items", "40", "--coders", "3"]
    for name, value in options.items():
        args += [f"--{name}", str(value)]
    call_command("make_synthetic", *args, stderr=StringIO())
    return Project.objects.get(slug="syn")


def test_it_builds_the_requested_size():
    project = build()
    assert project.dyads.count() == 3
    assert all(d.periods.count() == 2 for d in project.dyads.all())
    assert Evidence.objects.filter(project=project).count() == 120
    # Every coder submitted every item.
    assert Assignment.objects.filter(evidence__project=project, status="submitted").count() == 360
    assert Coding.objects.filter(evidence__project=project).count() > 360


def test_coders_mostly_agree_and_most_disagreements_are_settled():
    project = build()
    states = consensus_for(Evidence.objects.filter(project=project).values_list("id", flat=True))
    pending = sum(1 for s in states.values() if s.awaits_adjudication)
    decided = Consensus.objects.filter(evidence__project=project).values("evidence").distinct()
    assert 0 < pending < decided.count()
    assert pending < len(states) * 0.2


def test_the_same_seed_builds_the_same_project():
    first = sorted(
        Coding.objects.filter(evidence__project=build(seed=7)).values_list(
            "evidence__key", "criterion__code", "coder__username", "value"
        )
    )
    call_command(
        "make_synthetic",
        "--slug",
        "syn",
        "--dyads",
        "3",
        "--periods",
        "2",
        "--items",
        "40",
        "--seed",
        "7",
        "--replace",
        stderr=StringIO(),
    )
    second = sorted(
        Coding.objects.filter(evidence__project__slug="syn").values_list(
            "evidence__key", "criterion__code", "coder__username", "value"
        )
    )
    assert first == second


def test_an_existing_slug_needs_replace():
    build()
    with pytest.raises(CommandError, match="already exists"):
        build()
