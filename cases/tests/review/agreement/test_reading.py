"""The reading of an alpha (pure): Krippendorff's thresholds, held back where the data cannot
carry them, and the note that explains a low alpha beside near-total agreement.

Every case is small enough to check by hand; the last ones run the engine on reliability data
and compare its alpha with the ``krippendorff`` package.
"""

import krippendorff
import numpy as np
import pytest

from cases.review.agreement import alpha_figures
from cases.review.agreement.reading import Prevalent, Reading, krippendorff_band, read_alpha

NARROW = (0.85, 0.95)
PARADOX = "α cannot tell agreement from chance here"


def read(alpha, n_units=50, interval=NARROW, percent_agreement=0.95, **extra) -> Reading:
    return read_alpha(
        alpha,
        n_units=n_units,
        interval=interval,
        percent_agreement=percent_agreement,
        **extra,
    )


# --- Krippendorff's thresholds, where the data carry them ----------------------------------


def test_alpha_alone_reads_as_krippendorff_says():
    assert krippendorff_band(0.800) == "reliable"
    assert krippendorff_band(0.7999) == "tentative"
    assert krippendorff_band(0.667) == "tentative"
    assert krippendorff_band(0.6669) == "not reliable"
    assert krippendorff_band(None) == "undefined"


def test_enough_units_a_narrow_interval_and_high_agreement_keep_krippendorffs_reading():
    assert read(0.9) == Reading("reliable")
    assert read(0.7, interval=(0.5, 0.9)) == Reading("tentative")
    assert read(0.3, interval=(0.1, 0.5), percent_agreement=0.6) == Reading("not reliable")
    assert read(0.9).note == ""


# --- not conclusive ------------------------------------------------------------------------


def test_fewer_than_ten_units_are_not_conclusive():
    assert read(0.9, n_units=9) == Reading("not conclusive", ("too few units (n = 9)",))
    assert read(0.9, n_units=10) == Reading("reliable")
    # Nor does a low alpha from six units show that the coders disagree.
    assert read(0.2, n_units=6, interval=(0.1, 0.3)).label == "not conclusive"


def test_an_interval_spanning_more_than_half_is_not_conclusive():
    assert read(0.9, interval=(0.39, 0.9)) == Reading(
        "not conclusive", ("interval too wide (0.390–0.900)",)
    )
    # Exactly 0.5, although 0.9 - 0.4 is 0.5000000000000001 in floating point.
    assert read(0.9, interval=(0.4, 0.9)).label == "reliable"
    assert read(0.0, interval=(-1.0, 0.0)).notes == ("interval too wide (-1.000–0.000)",)
    # Three decimals, so that an interval just over 0.5 wide does not look exactly 0.5 wide.
    assert read(0.6, interval=(0.3471, 0.8493)).notes == ("interval too wide (0.347–0.849)",)
    # Without an interval (not computed) only the other rules apply.
    assert read(0.9, interval=None) == Reading("reliable")


def test_agreement_below_70_percent_holds_back_a_positive_reading_only():
    assert read(0.82, percent_agreement=0.625) == Reading(
        "not conclusive", ("percent agreement below 70% (62.5%)",)
    )
    assert read(0.7, interval=(0.5, 0.9), percent_agreement=0.69).label == "not conclusive"
    assert read(0.82, percent_agreement=0.70) == Reading("reliable")
    # 69.996% is shown as 69.9%, never as the "70.0%" it is said to be below.
    assert read(0.82, percent_agreement=0.69996).notes == ("percent agreement below 70% (69.9%)",)
    # A low alpha with low agreement is plainly not reliable: both say the same.
    assert read(0.3, interval=(0.2, 0.4), percent_agreement=0.5) == Reading("not reliable")


def test_every_reason_is_given_in_order():
    found = read(0.85, n_units=4, interval=(0.1, 1.0), percent_agreement=0.5)
    assert found.label == "not conclusive"
    assert found.notes == (
        "too few units (n = 4)",
        "interval too wide (0.100–1.000)",
        "percent agreement below 70% (50.0%)",
    )
    assert found.note == "; ".join(found.notes)


def test_an_undefined_alpha_reads_undefined_whatever_its_units():
    assert read(None, n_units=3, interval=None, percent_agreement=None) == Reading("undefined")


# --- alpha 0.000 beside 98.6% agreement ----------------------------------------------------


def test_a_low_alpha_beside_near_total_agreement_says_there_is_no_variation():
    # 70 units coded by two coders: one coder applied the criterion once, alone.
    found = read(
        0.0,
        n_units=70,
        interval=(-0.01, 0.0),
        percent_agreement=69 / 70,
        prevalent=Prevalent(0, 139, 140),
        labels={0: "not applied", 1: "applied"},
    )
    assert found == Reading(
        "not reliable",
        (f"almost every value is the same (not applied: 139 of 140 values, 99.3%): {PARADOX}",),
    )


def test_an_undefined_alpha_with_a_single_value_says_so_with_its_count():
    found = read(
        None,
        n_units=68,
        interval=None,
        percent_agreement=1.0,
        prevalent=Prevalent(2, 136, 136),
    )
    assert found == Reading(
        "undefined", (f"every value is the same (2: 136 of 136 values): {PARADOX}",)
    )


def test_the_no_variation_note_follows_the_other_reasons():
    found = read(
        0.0,
        n_units=68,
        interval=(-1.0, 0.0),
        percent_agreement=67 / 68,
        prevalent=Prevalent("no", 135, 136),
    )
    assert found.label == "not conclusive"
    assert found.notes[0] == "interval too wide (-1.000–0.000)"
    assert found.notes[1].startswith(
        "almost every value is the same (no: 135 of 136 values, 99.3%)"
    )


@pytest.mark.parametrize(
    "alpha, n_units, percent_agreement, prevalent",
    [
        (0.7, 50, 0.98, Prevalent(0, 99, 100)),  # alpha tentative or better: nothing to explain
        (0.0, 50, 0.89, Prevalent(0, 95, 100)),  # agreement not near total
        (0.0, 50, 0.95, Prevalent(0, 89, 100)),  # values not near one
        (0.0, 9, 1.0, Prevalent(0, 17, 18)),  # nine units: too few is the explanation
        (None, 50, None, None),  # no pairable unit: no values to speak of
    ],
)
def test_the_no_variation_note_is_given_only_where_it_explains(
    alpha, n_units, percent_agreement, prevalent
):
    found = read(
        alpha,
        n_units=n_units,
        interval=None,
        percent_agreement=percent_agreement,
        prevalent=prevalent,
    )
    assert not any(PARADOX in note for note in found.notes)


def test_a_share_just_under_one_is_never_shown_as_100_percent():
    found = read(0.0, percent_agreement=0.9998, prevalent=Prevalent(0, 9999, 10000))
    assert "9999 of 10000 values, 99.9%" in found.note


# --- from reliability data, through the engine ---------------------------------------------


def one_lonely_application(units: int) -> np.ndarray:
    """Two coders, ``units`` units, both 0 everywhere but one unit the second coder marks 1."""
    data = np.zeros((2, units))
    data[1, 0] = 1
    return data


def test_the_engine_gives_alpha_0_beside_98_6_percent_and_explains_it():
    data = one_lonely_application(70)
    found = alpha_figures(data, level="nominal", categories=[0, 1], draws=1000, seed=1)
    assert found.alpha.value == 0.0
    assert found.alpha.value == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), abs=1e-12
    )
    assert found.percent_agreement.value == pytest.approx(69 / 70)  # 98.6%
    assert found.n_pairable_units == 70
    assert found.prevalent == Prevalent(0, 139, 140)
    reading = found.reading({0: "not applied", 1: "applied"})
    assert reading.notes[-1] == (
        f"almost every value is the same (not applied: 139 of 140 values, 99.3%): {PARADOX}"
    )


def test_the_engine_reads_its_own_interval_and_units():
    data = np.array([[1, 2, 3, 1, 2, 3], [1, 2, 3, 1, 2, 2]], dtype=float)
    found = alpha_figures(data, level="nominal", draws=1000, seed=1)
    reading = found.reading()
    assert reading.label == "not conclusive"
    assert reading.notes[0] == "too few units (n = 6)"
    low, high = found.interval.ci
    wide = (f"interval too wide ({low:.3f}–{high:.3f})",) if high - low > 0.5 else ()
    assert reading.notes[1:] == wide


def test_the_prevalent_value_counts_only_the_values_alpha_reads():
    # The third unit has one value: alpha ignores it, and so does the share.
    data = [[1, 1, 2], [1, 1, None]]
    found = alpha_figures(data, level="nominal", draws=1000, seed=1)
    assert found.prevalent == Prevalent(1, 4, 4)
