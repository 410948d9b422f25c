"""The result of one agreement coefficient: a value, or the reason it has none.

An undefined coefficient (no pairable unit, no variation, a single category) must never be
reported as 1.0 or crash a report, so every computation returns this small type and the report
turns it into ``null`` plus a one-line reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

NO_PAIRABLE_UNIT = "no pairable unit: every unit has fewer than two values"
NO_VALUES = "no values: every cell is missing"


@dataclass(frozen=True)
class Coefficient:
    """``value`` is a float, or None with ``reason`` saying why the data cannot give one."""

    value: float | None
    reason: str | None = None

    @classmethod
    def of(cls, value: float) -> Coefficient:
        return cls(value=float(value), reason=None)

    @classmethod
    def undefined(cls, reason: str) -> Coefficient:
        return cls(value=None, reason=reason)

    @property
    def is_defined(self) -> bool:
        return self.value is not None


def no_variation(only_category: object, *, everywhere: bool) -> str:
    """Reason for a coefficient whose chance agreement is total (a single category seen).

    ``everywhere`` says whether the single value is also the only one among the values the
    coefficient ignores (single-value units), so the message does not claim more than is true.
    """
    scope = "every value" if everywhere else "every pairable value"
    return f"no variation: {scope} is {only_category}"


def too_few_categories(categories: Sequence[object], name: str) -> str:
    """Reason for AC1/AC2/Brennan-Prediger, whose chance term divides by q - 1."""
    shown = ", ".join(str(category) for category in categories) or "none"
    return (
        f"one category only ({shown}): {name} needs a category list of at least two "
        "(pass --categories with the full scale)"
    )
