"""The units of coding cut from a coders x items x criteria cube: pure numpy, no database.

The agreement rows and the coder diagnostics ask the same two questions of any set of criteria
(was it applied; where two coders applied it, with which value) and count the same coder x coder
tables of categories ("not coded" and the scale's values); both come from here.
"""

from __future__ import annotations

import numpy as np

NOT_CODED = -1  # the "not coded" category of the coder-pair kappas


class UnitPools:
    """The coders x units matrices of any set of criteria, cut from one coders x items x
    criteria cube: which cells were applied, and by how many coders, is worked out once for
    the cube rather than again for every criterion, group and the whole codebook."""

    def __init__(self, cube: np.ndarray) -> None:
        self.cube = cube
        applied = ~np.isnan(cube)
        self.applied = applied.astype(float)
        self.pairable = applied.sum(axis=0) >= 2  # items x criteria

    def application(self, columns: list[int]) -> np.ndarray:
        """1 where the coder applied the criterion, 0 where not; units are (item, criterion)
        pairs, item by item, the criteria in ``columns`` order within an item."""
        return self._units(self.applied, columns)

    def values(self, columns: list[int]) -> np.ndarray:
        """The values, over the units where at least two coders applied the criterion."""
        pairable = _in_columns(self.pairable, columns).reshape(-1)
        return self._units(self.cube, columns)[:, pairable]

    def _units(self, cube: np.ndarray, columns: list[int]) -> np.ndarray:
        coders, items = cube.shape[:2]
        units = _in_columns(cube, columns).reshape(coders, items * len(columns))
        # One criterion's cells lie a whole row of criteria apart: the coefficients run
        # markedly faster on a contiguous copy, which costs little.
        return np.ascontiguousarray(units)


def _in_columns(array: np.ndarray, columns: list[int]) -> np.ndarray:
    """The criteria ``columns`` of the last axis: a view, not a copy, when they follow one
    another (the whole codebook then needs no copy at all)."""
    if columns and columns == list(range(columns[0], columns[-1] + 1)):
        return array[..., columns[0] : columns[-1] + 1]
    return array[..., columns]


def pair_table(cube: np.ndarray, size: int) -> np.ndarray:
    """First coder x second coder counts of every (item, criterion) unit of a 2 x items x
    criteria cube of category positions."""
    pairs = cube[0].reshape(-1) * size + cube[1].reshape(-1)
    return np.bincount(pairs, minlength=size * size).reshape(size, size).astype(np.float64)
