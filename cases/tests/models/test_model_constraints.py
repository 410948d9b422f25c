"""Every uniqueness and range rule is enforced by the database itself, not only by forms."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from cases.models import (
    Coding,
    Consensus,
    Criterion,
    Dyad,
    Evidence,
    Membership,
    Period,
    PeriodOverride,
    ScaleValue,
    StageJudgment,
)


def refused(callable_, *args, **kwargs) -> str:
    """Run a write that the database must refuse; return its message."""
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        callable_(*args, **kwargs)
    return str(excinfo.value)


@pytest.fixture
def item(small_project):
    return Evidence.objects.get(project=small_project, key="E1")


def test_a_coder_codes_a_criterion_of_an_item_once(item, people):
    criterion = Criterion.objects.get(code="AB-T2-TRANS")
    message = refused(
        Coding.objects.create, evidence=item, criterion=criterion, coder=people["carl"], value=1
    )
    assert "one_coding_per_item_criterion_coder" in message or "UNIQUE" in message.upper()


@pytest.mark.parametrize("value", [-1, 4, 7])
def test_a_coding_value_off_the_scale_is_refused(item, people, value):
    criterion = Criterion.objects.get(code="AB-T3-TRUST")
    message = refused(
        Coding.objects.create,
        evidence=item,
        criterion=criterion,
        coder=people["carl"],
        value=value,
    )
    assert "not on the codebook scale" in message


def test_updating_a_coding_off_the_scale_is_refused(item, people):
    coding = Coding.objects.get(evidence=item, coder=people["carl"], criterion__code="D-RESP")
    message = refused(Coding.objects.filter(pk=coding.pk).update, value=9)
    assert "not on the codebook scale" in message
    coding.refresh_from_db()
    assert coding.value == 1


def test_zero_is_a_coded_value_distinct_from_not_coded(item, people):
    criterion = Criterion.objects.get(code="AB-T3-TRUST")
    Coding.objects.create(evidence=item, criterion=criterion, coder=people["carl"], value=0)
    assert Coding.objects.get(evidence=item, criterion=criterion, coder=people["carl"]).value == 0
    assert not Coding.objects.filter(evidence=item, criterion=criterion, coder=people["cleo"])


def test_a_scale_that_gains_a_value_accepts_it(item, people, small_project):
    ScaleValue.objects.create(codebook=small_project.codebook, value=4, label="very strong")
    criterion = Criterion.objects.get(code="AB-T3-TRUST")
    Coding.objects.create(evidence=item, criterion=criterion, coder=people["carl"], value=4)


def test_consensus_and_overrides_are_held_to_the_scale_too(item, people, small_project):
    criterion = Criterion.objects.get(code="AB-T3-TRUST")
    assert "not on the codebook scale" in refused(
        Consensus.objects.create, evidence=item, criterion=criterion, value=5, method="adjudicated"
    )
    period = Period.objects.get(dyad__project=small_project, code="P1")
    assert "not on the codebook scale" in refused(
        PeriodOverride.objects.create,
        period=period,
        criterion=criterion,
        value=5,
        rationale="x",
    )


def test_consensus_may_record_a_decision_not_to_code(item):
    criterion = Criterion.objects.get(code="AB-T3-TRUST")
    Consensus.objects.create(evidence=item, criterion=criterion, value=None, method="adjudicated")


def test_an_override_needs_a_rationale(small_project):
    period = Period.objects.get(dyad__project=small_project, code="P1")
    criterion = Criterion.objects.get(code="D-RESP")
    assert "override_needs_rationale" in refused(
        PeriodOverride.objects.create, period=period, criterion=criterion, value=2, rationale=""
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [(1950, 1955), (1940, 1946), (1962, 1970), (1900, None), (2000, 2001), (1963, 1963)],
)
def test_overlapping_periods_of_a_dyad_are_refused_by_the_database(small_project, start, end):
    dyad = small_project.dyads.get()
    message = refused(Period.objects.create, dyad=dyad, code="PX", start_year=start, end_year=end)
    assert "overlap" in message


def test_adjacent_periods_are_fine_and_other_dyads_do_not_count(small_project):
    dyad = small_project.dyads.get()
    dyad.periods.filter(code="P2").update(end_year=1990)
    Period.objects.create(dyad=dyad, code="P3", start_year=1991, end_year=None)
    other = Dyad.objects.create(
        project=small_project, code="FRA-GBR", state_a="FRA", state_b="GBR", name="x"
    )
    Period.objects.create(dyad=other, code="P1", start_year=1945, end_year=None)


def test_moving_a_period_onto_another_is_refused(small_project):
    message = refused(
        Period.objects.filter(dyad__project=small_project, code="P1").update, end_year=1970
    )
    assert "overlap" in message


def test_period_clean_names_the_overlapping_period(small_project):
    period = Period(dyad=small_project.dyads.get(), code="PX", start_year=1960, end_year=1965)
    with pytest.raises(ValidationError, match=r"overlaps P1 \(1945–1962\)"):
        period.full_clean()


def test_a_period_cannot_end_before_it_starts(small_project):
    assert "period_ends_after_it_starts" in refused(
        Period.objects.create,
        dyad=small_project.dyads.get(),
        code="PX",
        start_year=1900,
        end_year=1890,
    )


def test_a_dyad_is_the_same_pair_in_either_order(small_project):
    message = refused(
        Dyad.objects.create,
        project=small_project,
        code="DEU-FRA",
        state_a="DEU",
        state_b="FRA",
        name="Germany–France",
    )
    assert "dyad_pair_unique_in_either_order" in message or "UNIQUE" in message.upper()
    with pytest.raises(ValidationError, match="already in this project as FRA-DEU"):
        Dyad(
            project=small_project, code="DEU-FRA", state_a="DEU", state_b="FRA", name="x"
        ).full_clean()


def test_the_dyad_code_is_kept_as_given(small_project):
    assert small_project.dyads.get().code == "FRA-DEU"


@pytest.mark.parametrize(("a", "b"), [("FRA", "FRA"), ("fra", "DEU"), ("FR", "DEU")])
def test_a_dyad_needs_two_alpha3_states(small_project, a, b):
    refused(Dyad.objects.create, project=small_project, code="X", state_a=a, state_b=b, name="x")


def test_evidence_keys_are_unique_in_a_project(small_project):
    item = Evidence.objects.get(key="E1")
    item.pk = None
    refused(item.save)


def test_an_evidence_quote_cannot_be_empty_in_the_database(small_project):
    assert "evidence_quote_not_empty" in refused(Evidence.objects.filter(key="E1").update, quote="")


def test_an_evidence_type_must_be_one_of_the_codebook_types(small_project):
    assert "evidence_type_valid" in refused(
        Evidence.objects.filter(key="E1").update, evidence_type="rumour"
    )


def test_a_user_has_one_role_per_project(small_project, people):
    refused(Membership.objects.create, project=small_project, user=people["carl"], role="admin")


def test_criterion_codes_are_unique_in_a_codebook(small_project):
    refused(
        Criterion.objects.create,
        codebook=small_project.codebook,
        code="D-RESP",
        name="x",
        framework="x",
        group="x",
        definition="x",
    )


def test_coupling_belongs_to_mature_stages_only(small_project, people):
    period = Period.objects.get(dyad__project=small_project, code="P1")
    assert "judgment_coupling_only_when_mature" in refused(
        StageJudgment.objects.create,
        period=period,
        coder=people["cleo"],
        stage="ascendant",
        coupling="loosely",
    )


def test_a_coder_judges_a_period_once(small_project, people):
    period = Period.objects.get(dyad__project=small_project, code="P2")
    refused(StageJudgment.objects.create, period=period, coder=people["carl"], stage="mature")


def test_deleting_coded_evidence_is_refused(item):
    with pytest.raises(ProtectedError):
        item.delete()


def test_deleting_a_coded_criterion_is_refused(small_project):
    with pytest.raises(ProtectedError):
        Criterion.objects.get(code="AB-T2-TRANS").delete()


def test_deleting_a_coder_with_codings_is_refused(people):
    with pytest.raises(ProtectedError):
        people["carl"].delete()


def test_the_triggers_exist_on_this_database(db):
    """Guards against a migration that silently skipped the triggers on one vendor."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cases_%'")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        assert cursor.fetchone()[0] >= 4
