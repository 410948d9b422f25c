"""Opening a round on a sample, recording its gold set and closing it: what each action writes
and what it refuses (with a message naming the field, and nothing written)."""

import pytest

from cases.models import Assignment, Evidence, GoldValue, Round
from cases.review.rounds.actions import (
    RoundRefused,
    close_round,
    create_round,
    record_gold,
)
from cases.review.rounds.sample import draw_sample

pytestmark = pytest.mark.django_db


def test_opening_a_round_assigns_every_item_to_every_coder_through_the_assignment_action(
    calibration, people
):
    pairs = set(
        Assignment.objects.filter(evidence__rounds=calibration).values_list(
            "evidence__key", "coder__username", "status"
        )
    )
    # carl already had E3 and cleo E2: those stay as they were, the two others are new.
    assert pairs == {
        ("E2", "carl", "assigned"),
        ("E2", "cleo", "assigned"),
        ("E3", "carl", "assigned"),
        ("E3", "cleo", "assigned"),
    }
    assert calibration.is_open and calibration.closed_at is None
    assert calibration.sample_seed is None
    assert sorted(calibration.coders.values_list("username", flat=True)) == ["carl", "cleo"]


def test_a_random_sample_records_its_seed_and_is_the_sample_that_seed_draws(small_project, people):
    round_ = create_round(
        project=small_project,
        name="Sampled",
        kind="production",
        reference="consensus",
        coders=[people["carl"]],
        created_by=people["ada"],
        sample_size=2,
        seed=7,
    )
    assert (round_.sample_seed, round_.sample_size) == (7, 2)
    keys = sorted(round_.items.values_list("key", flat=True))
    assert keys == draw_sample(["E1", "E2", "E3"], 2, 7)


def test_a_random_sample_without_a_seed_gets_one_and_records_it(small_project, people):
    round_ = create_round(
        project=small_project,
        name="Sampled",
        kind="calibration",
        reference="consensus",
        coders=[people["carl"]],
        created_by=people["ada"],
        sample_size=1,
    )
    assert round_.sample_seed is not None
    keys = list(round_.items.values_list("key", flat=True))
    assert keys == draw_sample(["E1", "E2", "E3"], 1, round_.sample_seed)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, "Name: give the round a name."),
        ({"name": "Calibration 1"}, "Name: the project already has a round called"),
        ({"coders": []}, "Coders: choose at least one coder."),
        ({"coders": ["rita"]}, "Coders: rita is not a coder of the project."),
        ({"kind": "production"}, "Reference: only a calibration round is scored against"),
        ({"kind": "trial"}, "Kind: choose calibration or production."),
        ({"items": None, "sample_size": 4}, "Sample size: the project has 3 items; ask for 1"),
        ({"items": None}, "Sample: choose items, or give the size of a random sample."),
        ({"sample_size": 2}, "Sample: choose items, or give the size of a random sample."),
    ],
)
def test_a_round_refused_names_its_field_and_writes_nothing(
    calibration, small_project, people, changes, message
):
    before = (Round.objects.count(), Assignment.objects.count())
    arguments = {
        "project": small_project,
        "name": "Another",
        "kind": "calibration",
        "reference": "gold",
        "coders": [people["carl"]],
        "created_by": people["ada"],
        "items": list(Evidence.objects.filter(project=small_project, key="E1")),
    }
    arguments.update(changes)
    arguments["coders"] = [people[c] if isinstance(c, str) else c for c in arguments["coders"]]
    with pytest.raises(RoundRefused, match=message):
        create_round(**arguments)
    assert (Round.objects.count(), Assignment.objects.count()) == before


def test_items_of_another_project_are_refused(calibration, small_project, people):
    from cases.bundles import import_bundle
    from cases.tests.bundle_factory import small_bundle

    other = small_bundle()
    other["project"]["slug"] = "other"
    for key in ("codings", "consensus", "period_overrides", "stage_judgments"):
        other[key] = []
    import_bundle(other)
    foreign = list(Evidence.objects.filter(project__slug="other", key="E1"))
    with pytest.raises(RoundRefused, match="Sample: choose at least one item of this project"):
        create_round(
            project=small_project,
            name="Foreign",
            kind="calibration",
            reference="gold",
            coders=[people["carl"]],
            created_by=people["ada"],
            items=foreign,
        )


def test_gold_is_recorded_for_every_criterion_of_the_item_none_where_it_does_not_apply(
    calibration, small_project, people
):
    e2 = Evidence.objects.get(project=small_project, key="E2")
    record_gold(round_=calibration, evidence=e2, values={"D-RESP": 1}, recorded_by=people["rita"])
    record_gold(
        round_=calibration, evidence=e2, values={"AB-T2-TRANS": 3}, recorded_by=people["rita"]
    )
    assert dict(
        GoldValue.objects.filter(round=calibration, evidence=e2).values_list(
            "criterion__code", "value"
        )
    ) == {"AB-T2-TRANS": 3, "AB-T3-TRUST": None, "D-RESP": None}


@pytest.mark.parametrize(
    ("key", "values", "message"),
    [
        ("E2", {"D-RESP": 7}, r"D-RESP: 7 is not on the scale \(0, 1, 2, 3\)"),
        ("E2", {"NO-SUCH": 1}, "NO-SUCH: not a criterion of the codebook"),
        ("E1", {"D-RESP": 1}, "E1 is not in the round Calibration 1"),
    ],
)
def test_bad_gold_is_refused_and_nothing_is_written(
    calibration, small_project, people, key, values, message
):
    item = Evidence.objects.get(project=small_project, key=key)
    with pytest.raises(RoundRefused, match=message):
        record_gold(round_=calibration, evidence=item, values=values, recorded_by=people["rita"])
    assert not GoldValue.objects.exists()


def test_a_round_scored_against_the_consensus_has_no_gold_set(small_project, people):
    round_ = create_round(
        project=small_project,
        name="By consensus",
        kind="calibration",
        reference="consensus",
        coders=[people["carl"]],
        created_by=people["ada"],
        items=list(Evidence.objects.filter(project=small_project, key="E1")),
    )
    e1 = Evidence.objects.get(project=small_project, key="E1")
    with pytest.raises(RoundRefused, match="not scored against a gold set"):
        record_gold(round_=round_, evidence=e1, values={}, recorded_by=people["rita"])


def test_a_round_closes_only_once_every_item_has_its_gold(calibration, small_project, people):
    e2 = Evidence.objects.get(project=small_project, key="E2")
    record_gold(round_=calibration, evidence=e2, values={}, recorded_by=people["rita"])
    with pytest.raises(RoundRefused, match=r"Record the gold set first: 1 item has none \(E3\)"):
        close_round(round_=calibration)
    calibration.refresh_from_db()
    assert calibration.is_open


def test_closing_fixes_the_gold_set_and_cannot_be_done_twice(coded, small_project, people):
    close_round(round_=coded)
    assert coded.status == "closed" and coded.closed_at is not None
    with pytest.raises(RoundRefused, match="already closed"):
        close_round(round_=coded)
    e2 = Evidence.objects.get(project=small_project, key="E2")
    with pytest.raises(RoundRefused, match="The round is closed"):
        record_gold(round_=coded, evidence=e2, values={}, recorded_by=people["rita"])
    assert GoldValue.objects.get(round=coded, evidence=e2, criterion__code="AB-T2-TRANS").value == 2


def test_a_coder_cannot_reopen_an_item_once_its_calibration_round_is_closed(
    coded, small_project, people
):
    """They have seen the gold since: reopening would let them copy it into their score."""
    from cases.coding.actions import CodingRefused, reopen_assignment

    e2 = Evidence.objects.get(project=small_project, key="E2")
    close_round(round_=coded)
    with pytest.raises(CodingRefused, match="scored in the calibration round Calibration 1"):
        reopen_assignment(evidence=e2, coder=people["carl"])
    assert Assignment.objects.get(evidence=e2, coder=people["carl"]).status == "submitted"


def test_a_reviewer_cannot_return_an_item_once_its_calibration_round_is_closed(
    coded, small_project, people
):
    """A return would give the coder the same second try, with the gold in view."""
    from cases.coding.actions import CodingRefused, return_assignment
    from cases.models import Notification

    e2 = Evidence.objects.get(project=small_project, key="E2")
    close_round(round_=coded)
    with pytest.raises(CodingRefused, match="carl's codes on it no longer change"):
        return_assignment(
            evidence=e2, coder=people["carl"], reviewer=people["rita"], comment="Look again."
        )
    assignment = Assignment.objects.get(evidence=e2, coder=people["carl"])
    assert (assignment.status, assignment.returned_comment) == ("submitted", "")
    assert not Notification.objects.filter(user=people["carl"], kind="returned").exists()


def test_an_item_of_an_open_round_may_still_be_reopened(coded, small_project, people):
    from cases.coding.actions import reopen_assignment

    e2 = Evidence.objects.get(project=small_project, key="E2")
    reopen_assignment(evidence=e2, coder=people["carl"])
    assert Assignment.objects.get(evidence=e2, coder=people["carl"]).status == "assigned"


def test_a_project_with_rounds_and_gold_is_replaced_by_a_bundle_import(coded, small_project):
    from cases.bundles import import_bundle
    from cases.tests.bundle_factory import small_bundle

    replaced = import_bundle(small_bundle(), replace=True)
    assert replaced.slug == "small"
    assert not Round.objects.exists() and not GoldValue.objects.exists()
