"""Evidence dates (pure) and the period an item falls in (model validation)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.lib.dates import EvidenceDateError, parse_evidence_date
from cases.models import Evidence


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("1993", date(1993, 1, 1), date(1993, 12, 31)),
        ("2008-10", date(2008, 10, 1), date(2008, 10, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2010-08-16", date(2010, 8, 16), date(2010, 8, 16)),
        ("1994/1999", date(1994, 1, 1), date(1999, 12, 31)),
        ("2020-09-27/2020-11-10", date(2020, 9, 27), date(2020, 11, 10)),
    ],
)
def test_iso_dates_span_their_whole_precision(text, start, end):
    parsed = parse_evidence_date(text)
    assert (parsed.start, parsed.end) == (start, end)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "a date is required"),
        ("93", "is not an ISO 8601 date"),
        ("2008-13", "is not a valid date"),
        ("2010-02-30", "is not a valid date"),
        ("1999/1994", "ends before it starts"),
        ("1994/", "is not an interval"),
        ("1994/1995/1996", "is not an interval"),
        ("October 2008", "is not an ISO 8601 date"),
    ],
)
def test_malformed_dates_are_refused_with_a_reason(text, message):
    with pytest.raises(EvidenceDateError, match=message):
        parse_evidence_date(text)


def _item(project, **fields) -> Evidence:
    defaults = {
        "project": project,
        "key": "NEW",
        "dyad": project.dyads.get(),
        "date": "1970",
        "source": project.sources.get(),
        "locator": "5",
        "evidence_type": "event",
        "quote": "A quote.",
    }
    defaults.update(fields)
    return Evidence(**defaults)


def test_period_is_derived_from_the_start_year(small_project):
    item = _item(small_project, date="1962")
    item.full_clean()
    assert item.period.code == "P1"


def test_an_interval_is_placed_by_its_start_year_and_may_run_past_the_period(small_project):
    item = _item(small_project, date="1960/1970")
    item.full_clean()
    assert item.period.code == "P1"


def test_an_open_period_takes_every_later_year(small_project):
    item = _item(small_project, date="2031-05-01")
    item.full_clean()
    assert item.period.code == "P2"


def test_a_date_outside_every_period_is_a_validation_error_on_the_date(small_project):
    item = _item(small_project, date="1930")
    with pytest.raises(ValidationError) as excinfo:
        item.full_clean()
    assert excinfo.value.message_dict["date"] == [
        "1930 falls outside every period of this dyad (P1 1945–1962, P2 1963–)"
    ]


def test_a_given_period_must_contain_the_start_year(small_project):
    p2 = small_project.dyads.get().periods.get(code="P2")
    item = _item(small_project, date="1950", period=p2)
    with pytest.raises(ValidationError) as excinfo:
        item.full_clean()
    assert "1950 is not in P2" in excinfo.value.message_dict["period"][0]


def test_a_given_period_wins_when_it_contains_the_year(small_project):
    p1 = small_project.dyads.get().periods.get(code="P1")
    item = _item(small_project, date="1955", period=p1)
    item.full_clean()
    item.save()
    item.refresh_from_db()
    assert (item.period.code, item.date_start, item.date_end) == (
        "P1",
        date(1955, 1, 1),
        date(1955, 12, 31),
    )


@pytest.mark.parametrize("locator", ["391", "380–381", "380-381", "xii", "386, 389", ""])
def test_page_locators_that_look_like_pages_are_accepted(small_project, locator):
    _item(small_project, locator=locator).full_clean()


@pytest.mark.parametrize("locator", ["p. 391", "391ff", "page", "380–", "–381"])
def test_malformed_page_locators_name_the_field(small_project, locator):
    with pytest.raises(ValidationError) as excinfo:
        _item(small_project, locator=locator).full_clean()
    assert list(excinfo.value.message_dict) == ["locator"]


def test_an_empty_quote_names_the_quote_field(small_project):
    with pytest.raises(ValidationError) as excinfo:
        _item(small_project, quote="   ").full_clean()
    assert "quote" in excinfo.value.message_dict
