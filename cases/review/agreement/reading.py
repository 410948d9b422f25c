"""What an alpha lets a reader conclude: Krippendorff's reading, held back where the data are
too thin to carry it.

PURE: the standard library only, never Django; tested on hand-checkable cases.

Krippendorff (2004): alpha >= .800 reliable; .667 <= alpha < .800 for tentative
conclusions only; below .667 not reliable. sccoder gives that reading only when the figure can
bear it, and otherwise says **not conclusive** and why:

- too few units: fewer than 10 pairable units (``n`` is the number shown beside alpha);
- interval too wide: the 95% bootstrap interval spans more than 0.5;
- percent agreement below 70%, where alpha alone would read reliable or tentative: a positive
  reading needs the coders to agree on most units, not only to beat chance.

The first two make any reading inconclusive, "not reliable" included: from six units, or with
an interval from -0.05 to 1.00, the data are as consistent with good agreement as with bad. Low
percent agreement only ever holds back a positive reading, since it says the same as a low alpha.

A separate note explains the paradox of high agreement and low alpha (Feinstein & Cicchetti
1990): when alpha is undefined or below .667 while at least 90% of pairs agree and one value
makes up at least 90% of the values alpha reads, expected agreement by chance is itself near
total, so alpha rests on a handful of other values and cannot tell agreement from chance.
The note names that value and its share; the reading stays what the rules above give. Below 10
units the few units are the explanation, and the note is left out.

The notes' words come from a ``ReadingWords``: English by default, which the exports, the API
and the command line keep; the pages pass the reader's language
(``cases.review.reading_words``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

RELIABLE = 0.800
TENTATIVE = 0.667
MIN_UNITS = 10
MAX_INTERVAL = 0.5
MIN_PERCENT_AGREEMENT = 0.70
SKEWED = 0.90  # percent agreement and prevalent share from which the paradox note is given
_EPSILON = 1e-9  # bootstrap bounds and shares are floats: 0.9 - 0.4 is not exactly 0.5

RELIABLE_LABEL = "reliable"
TENTATIVE_LABEL = "tentative"
NOT_RELIABLE_LABEL = "not reliable"
NOT_CONCLUSIVE_LABEL = "not conclusive"
UNDEFINED_LABEL = "undefined"


@dataclass(frozen=True)
class ReadingWords:
    """The notes of a reading as %-format strings with named placeholders (each a whole
    clause, so a language may order it its own way), and how a share is written as a percent.
    The figures themselves keep a decimal point in every language (docs/i18n.md)."""

    too_few: str = "too few units (n = %(n)s)"
    too_wide: str = "interval too wide (%(low)s–%(high)s)"
    low_agreement: str = "percent agreement below 70%% (%(shown)s)"
    all_same: str = (
        "every value is the same (%(name)s: %(count)s of %(total)s values): "
        "α cannot tell agreement from chance here"
    )
    almost_same: str = (
        "almost every value is the same (%(name)s: %(count)s of %(total)s values, %(share)s): "
        "α cannot tell agreement from chance here"
    )
    percent: str = "%(number)s%%"
    # How the paradox note names the value most coders gave (the application or a value).
    applied: str = "applied"
    not_applied: str = "not applied"
    value: str = "value %(value)s"


ENGLISH_READING = ReadingWords()


@dataclass(frozen=True)
class Prevalent:
    """The most frequent value among the values alpha reads: ``count`` of ``total``."""

    category: Any
    count: int
    total: int

    @property
    def share(self) -> float:
        return self.count / self.total


@dataclass(frozen=True)
class Reading:
    """``label``: reliable | tentative | not reliable | not conclusive | undefined; ``notes``:
    why the reading is not conclusive, and the paradox note, in that order."""

    label: str
    notes: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        return "; ".join(self.notes)


def krippendorff_band(alpha: float | None) -> str:
    """Krippendorff's (2004) reading of alpha alone, before any check of the data behind it."""
    if alpha is None:
        return UNDEFINED_LABEL
    if alpha >= RELIABLE:
        return RELIABLE_LABEL
    if alpha >= TENTATIVE:
        return TENTATIVE_LABEL
    return NOT_RELIABLE_LABEL


def read_alpha(
    alpha: float | None,
    *,
    n_units: int,
    interval: Sequence[float] | None = None,
    percent_agreement: float | None = None,
    prevalent: Prevalent | None = None,
    labels: Mapping[Any, str] | None = None,
    words: ReadingWords = ENGLISH_READING,
) -> Reading:
    """The reading of one alpha (see the module docstring for the rules).

    ``n_units``: the pairable units alpha reads; ``interval``: its 95% bootstrap interval (None
    when not computed: then only the other rules apply); ``prevalent``: the most frequent of
    the values alpha reads; ``labels``: how to name a value in the note (default: the value);
    ``words``: the notes' words (default: English).
    """
    notes = []
    band = krippendorff_band(alpha)
    if alpha is not None:
        if n_units < MIN_UNITS:
            notes.append(words.too_few % {"n": n_units})
        if interval is not None and interval[1] - interval[0] > MAX_INTERVAL + _EPSILON:
            # Three decimals: at two, an interval of 0.347-0.849 would look exactly 0.5 wide.
            low, high = f"{interval[0]:.3f}", f"{interval[1]:.3f}"
            notes.append(words.too_wide % {"low": low, "high": high})
        if (
            band in (RELIABLE_LABEL, TENTATIVE_LABEL)
            and percent_agreement is not None
            and percent_agreement < MIN_PERCENT_AGREEMENT - _EPSILON
        ):
            shown = _percent(percent_agreement, below=100 * MIN_PERCENT_AGREEMENT, words=words)
            notes.append(words.low_agreement % {"shown": shown})
    label = NOT_CONCLUSIVE_LABEL if notes else band
    paradox = _paradox_note(alpha, n_units, percent_agreement, prevalent, labels or {}, words)
    if paradox:
        notes.append(paradox)
    return Reading(label=label, notes=tuple(notes))


def _paradox_note(
    alpha: float | None,
    n_units: int,
    percent_agreement: float | None,
    prevalent: Prevalent | None,
    labels: Mapping[Any, str],
    words: ReadingWords,
) -> str | None:
    """The high-agreement, low-alpha explanation, or None when it does not apply."""
    if (alpha is not None and alpha >= TENTATIVE) or n_units < MIN_UNITS:
        return None
    if percent_agreement is None or percent_agreement < SKEWED - _EPSILON:
        return None
    if prevalent is None or prevalent.total == 0 or prevalent.share < SKEWED - _EPSILON:
        return None
    name = labels.get(prevalent.category, str(prevalent.category))
    counted = {"name": name, "count": prevalent.count, "total": prevalent.total}
    if prevalent.count == prevalent.total:
        return words.all_same % counted
    share = _percent(prevalent.share, below=100.0, words=words)
    return words.almost_same % {**counted, "share": share}


def _percent(fraction: float, *, below: float, words: ReadingWords = ENGLISH_READING) -> str:
    """A share as a percentage to one decimal that never reaches ``below`` (in percent) when
    the share itself is under it: 0.69996 is "69.9%", not "70.0%"."""
    shown = round(100 * fraction, 1)
    if shown >= below and 100 * fraction < below:
        shown = math.floor(1000 * fraction) / 10
    return words.percent % {"number": f"{shown:.1f}"}


__all__ = [
    "ENGLISH_READING",
    "MAX_INTERVAL",
    "MIN_PERCENT_AGREEMENT",
    "MIN_UNITS",
    "RELIABLE",
    "SKEWED",
    "TENTATIVE",
    "Prevalent",
    "Reading",
    "ReadingWords",
    "krippendorff_band",
    "read_alpha",
]
