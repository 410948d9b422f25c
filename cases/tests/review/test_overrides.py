"""Period overrides: created, updated and kept in history; stale or invalid ones refused."""

import pytest

from cases.lib.versioning import StaleWrite
from cases.models import Period, PeriodOverride
from cases.review.adjudication import AdjudicationRefused
from cases.review.overrides import set_period_override


def test_a_period_override_is_created_updated_and_kept_in_history(small_project, people, criteria):
    p1 = Period.objects.get(code="P1")
    row = set_period_override(
        period=p1,
        criterion=criteria["D-RESP"],
        reviewer=people["rita"],
        value=1,
        rationale="Archival source.",
        version=0,
    )
    assert (row.value, row.decided_by, row.version) == (1, people["rita"], 1)
    row = set_period_override(
        period=p1,
        criterion=criteria["D-RESP"],
        reviewer=people["ada"],
        value=2,
        rationale="A second source.",
        version=1,
    )
    assert (row.value, row.decided_by, row.version) == (2, people["ada"], 2)
    assert row.history.count() == 2


@pytest.mark.parametrize(
    ("seen", "rationale"),
    [
        (lambda existing: 0, "From a page that did not know the override."),
        (lambda existing: existing.version + 5, "From an old page."),
    ],
)
def test_a_stale_override_is_refused(small_project, people, criteria, seen, rationale):
    existing = PeriodOverride.objects.get()  # rita's P2 AB-T3-TRUST = 2
    with pytest.raises(StaleWrite):
        set_period_override(
            period=existing.period,
            criterion=existing.criterion,
            reviewer=people["ada"],
            value=3,
            rationale=rationale,
            version=seen(existing),
        )
    existing.refresh_from_db()
    assert existing.value == 2


@pytest.mark.parametrize(
    ("value", "rationale", "message"),
    [(4, "Strong.", "not on the scale"), (2, " ", "rationale")],
)
def test_an_override_needs_a_value_on_the_scale_and_a_rationale(
    small_project, people, criteria, value, rationale, message
):
    with pytest.raises(AdjudicationRefused, match=message):
        set_period_override(
            period=Period.objects.get(code="P1"),
            criterion=criteria["D-RESP"],
            reviewer=people["rita"],
            value=value,
            rationale=rationale,
            version=0,
        )
    assert PeriodOverride.objects.count() == 1
