"""One pass over the units that gathers every sum the coefficients need.

All multi-coder coefficients are functions of the units x categories count table r_ik
(how many coders put unit i in category k): Krippendorff's coincidence matrix, Gwet's p_a and
the category shares π_k used by Fleiss' κ, AC1/AC2 and Brennan-Prediger. The table is built
block by block (see ``encoding.iter_unit_counts``) and reduced to these sums at once, so memory
stays at one block whatever the number of units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cases.review.agreement.encoding import Encoded, iter_unit_counts


@dataclass(frozen=True)
class UnitStats:
    """Sums over units (see Krippendorff 2011 for o_ck; Gwet 2014, ch. 2 for p_a and π_k).

    - ``coincidences``: o_ck = Σ_u r_uc (r_uk - [c = k]) / (m_u - 1) over units with m_u ≥ 2.
    - ``value_totals``: every value per category, pairable or not (for the reasons' wording).
    - ``agreement_sum``: Σ over units with m_u ≥ 2 of Σ_k r_uk (r*_uk - 1) / (m_u (m_u - 1)),
      r* = r·W; with W = identity this is the share of agreeing pairs within the unit.
    - ``share_sums``: Σ over units with m_u ≥ 1 of r_uk / m_u (π_k = share_sums / units).
    """

    coincidences: np.ndarray
    value_totals: np.ndarray
    n_units_with_values: int
    n_pairable_units: int
    agreement_sum: float
    weighted_agreement_sum: float
    share_sums: np.ndarray


def collect_unit_stats(
    encoded: Encoded, weights: np.ndarray | None = None, *, gwet: bool = True
) -> UnitStats:
    """Reduce the data to ``UnitStats``; ``gwet=False`` skips what only alpha does not need."""
    size = encoded.n_categories
    sums = _Sums(size)
    for counts in iter_unit_counts(encoded):
        sums.add_block(counts, weights, gwet=gwet)
    return sums.result()


class _Sums:
    """Running totals; a class only to keep ``collect_unit_stats`` short."""

    def __init__(self, size: int) -> None:
        self.coincidences = np.zeros((size, size))
        self.value_totals = np.zeros(size)
        self.share_sums = np.zeros(size)
        self.units_with_values = 0
        self.pairable_units = 0
        self.agreement = 0.0
        self.weighted_agreement = 0.0

    def add_block(self, counts: np.ndarray, weights: np.ndarray | None, *, gwet: bool) -> None:
        per_unit = counts.sum(axis=1)
        self.value_totals += counts.sum(axis=0)
        pairable = per_unit >= 2
        self.pairable_units += int(np.count_nonzero(pairable))
        # 1 / (m_u - 1) for pairable units and 0 for the others, which drops them from o.
        inverse_m1 = np.divide(1.0, per_unit - 1.0, out=np.zeros_like(per_unit), where=pairable)
        self._add_coincidences(counts, inverse_m1)
        if gwet:
            self._add_gwet(counts, per_unit, counts[pairable], per_unit[pairable], weights)

    def _add_coincidences(self, counts: np.ndarray, inverse_m1: np.ndarray) -> None:
        scaled = counts.T * inverse_m1
        self.coincidences += scaled @ counts
        self.coincidences[np.diag_indices_from(self.coincidences)] -= scaled.sum(axis=1)

    def _add_gwet(
        self,
        counts: np.ndarray,
        per_unit: np.ndarray,
        counts_p: np.ndarray,
        m_p: np.ndarray,
        weights: np.ndarray | None,
    ) -> None:
        coded = per_unit >= 1
        self.units_with_values += int(coded.sum())
        self.share_sums += (counts[coded] / per_unit[coded, None]).sum(axis=0)
        pair_count = m_p * (m_p - 1.0)
        self.agreement += float(((counts_p * (counts_p - 1.0)).sum(axis=1) / pair_count).sum())
        if weights is not None:
            weighted = counts_p @ weights.T
            per_unit_w = (counts_p * (weighted - 1.0)).sum(axis=1) / pair_count
            self.weighted_agreement += float(per_unit_w.sum())

    def result(self) -> UnitStats:
        return UnitStats(
            coincidences=self.coincidences,
            value_totals=self.value_totals,
            n_units_with_values=self.units_with_values,
            n_pairable_units=self.pairable_units,
            agreement_sum=self.agreement,
            weighted_agreement_sum=self.weighted_agreement,
            share_sums=self.share_sums,
        )
