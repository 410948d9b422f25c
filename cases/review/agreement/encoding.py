"""Reliability data (coders x units, any value type) as a float matrix plus its category list.

Every agreement coefficient only needs to know how many coders put each unit in each category,
so the data are kept as a coders x units float matrix (NaN = missing) whose cells hold each
category's *key*: the number itself for numeric data, the position in the category list for
text. Numeric input is used as it is (no copy); per-unit counts are built block by block, so a
10 coders x 1,000,000 units array never needs more than a few megabytes of temporaries.

Conventions (the ``agreement`` contract): missing is ``None``, ``NaN`` or an empty string; the
default category list is the sorted distinct observed values, compared as numbers when every
value (and every given category) parses as a finite number, otherwise as text; a given
category list keeps its order, which is what ordinal metrics and weights use.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np

MISSING = -1
BLOCK_UNITS = 1 << 15
EQUALITY_LIMIT = 16  # up to this many categories, counting by comparisons beats bincount

Category = int | float | str


@dataclass(frozen=True)
class Encoded:
    """Reliability data ready for counting.

    ``matrix`` is coders x units float64 (NaN = missing) holding category keys; ``keys`` are
    the keys in category-list order; ``numbers`` are the categories as floats when they are
    numeric (the interval and ratio metrics need them), else None.
    """

    categories: tuple[Category, ...]
    numbers: np.ndarray | None
    keys: np.ndarray
    matrix: np.ndarray

    @property
    def n_coders(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def n_units(self) -> int:
        return int(self.matrix.shape[1])

    @property
    def n_categories(self) -> int:
        return len(self.categories)

    def codes(self) -> np.ndarray:
        """Positions in the category list (``MISSING`` for missing), coders x units."""
        codes = np.full(self.matrix.shape, MISSING, dtype=np.intp)
        if self.keys.size:
            order = np.argsort(self.keys, kind="stable")
            index = np.searchsorted(self.keys[order], self.matrix)
            present = ~np.isnan(self.matrix)
            codes[present] = order[index[present]]
        return codes


def display_category(value: Any) -> Category:
    """A category as people expect to read it: 2 rather than 2.0, text unchanged."""
    if isinstance(value, str):
        return value
    number = float(value)
    return int(number) if number.is_integer() else number


def parse_number(value: Any) -> float | None:
    """The finite number a cell holds, or None when it is not one (so it counts as text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Real):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def is_missing(value: Any) -> bool:
    """True for the three spellings of a missing value: None, NaN and an empty string."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, Real) and not isinstance(value, bool):
        return math.isnan(float(value))
    return False


def encode(data: Any, categories: Sequence[Any] | None = None) -> Encoded:
    """Encode a coders x units array-like; see the module docstring for the conventions."""
    array = np.asarray(data)
    if array.ndim != 2:
        raise ValueError(f"reliability data must be coders x units (2-D), got {array.ndim}-D")
    if array.dtype.kind in "fiub":
        return _encode_numbers(array.astype(np.float64, copy=False), categories)
    return _encode_objects(array, categories)


def _encode_numbers(array: np.ndarray, categories: Sequence[Any] | None) -> Encoded:
    found = _distinct_numbers(array)
    if categories is None:
        keys = found
    else:
        keys = _numeric_categories(categories)
        if keys is None:
            # Some categories are text, so the numbers are compared as text as well.
            return _encode_objects(array.astype(object), categories)
        unknown = np.setdiff1d(found, keys)
        if unknown.size:
            raise ValueError(f"value {display_category(unknown[0])} is not in the category list")
    shown = tuple(display_category(value) for value in keys)
    return Encoded(categories=shown, numbers=keys, keys=keys, matrix=array)


def _distinct_numbers(array: np.ndarray) -> np.ndarray:
    """Sorted distinct non-NaN values, found block by block so memory stays small.

    Once the values of the first block are known, a block only needs a closer look when it
    holds more values than those categories account for, which is cheap to count.
    """
    found = np.empty(0, dtype=np.float64)
    for start in range(0, array.shape[1], BLOCK_UNITS):
        block = array[:, start : start + BLOCK_UNITS]
        if not _all_known(block, found):
            found = np.union1d(found, block[~np.isnan(block)])
    return found


def _all_known(block: np.ndarray, found: np.ndarray) -> bool:
    """Whether every non-missing value of the block is one of the sorted ``found`` values."""
    present = ~np.isnan(block)
    if found.size == 0:
        return not present.any()
    if found.size <= EQUALITY_LIMIT:
        return int(_count_in(block, found).sum()) == int(np.count_nonzero(present))
    index = np.minimum(np.searchsorted(found, block), found.size - 1)
    return bool(((found[index] == block) | ~present).all())


def _numeric_categories(categories: Sequence[Any]) -> np.ndarray | None:
    """The given categories as numbers, or None when any of them is text."""
    if len(categories) == 0:
        raise ValueError("the category list is empty")
    numbers = [parse_number(value) for value in categories]
    if any(number is None for number in numbers):
        return None
    array = np.asarray(numbers, dtype=np.float64)
    _reject_duplicates([display_category(value) for value in array])
    return array


def _reject_duplicates(categories: Sequence[Category]) -> None:
    seen: set[Category] = set()
    for category in categories:
        if category in seen:
            raise ValueError(f"category {category} is listed twice")
        seen.add(category)


def _encode_objects(array: np.ndarray, categories: Sequence[Any] | None) -> Encoded:
    """Mixed or text cells: numbers when every value parses as one, otherwise text."""
    flat = array.ravel()
    missing = np.fromiter((is_missing(value) for value in flat), dtype=bool, count=flat.size)
    present = flat[~missing]
    numbers = [parse_number(value) for value in present]
    given_numeric = categories is None or _numeric_categories(categories) is not None
    if given_numeric and all(number is not None for number in numbers):
        floats = np.full(flat.size, np.nan)
        floats[~missing] = np.asarray(numbers, dtype=np.float64)
        return _encode_numbers(floats.reshape(array.shape), categories)
    texts = [_as_text(value) for value in present]
    if categories is None:
        shown = tuple(sorted(set(texts)))
    else:
        shown = tuple(_as_text(value) for value in categories)
        _reject_duplicates(shown)
    position = {category: float(code) for code, category in enumerate(shown)}
    matrix = np.full(flat.size, np.nan)
    matrix[~missing] = [_position_of(text, position) for text in texts]
    keys = np.arange(len(shown), dtype=np.float64)
    return Encoded(categories=shown, numbers=None, keys=keys, matrix=matrix.reshape(array.shape))


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Real) and not isinstance(value, bool):
        return str(display_category(value))
    return str(value)


def _position_of(text: str, position: dict[Category, float]) -> float:
    try:
        return position[text]
    except KeyError:
        raise ValueError(f"value {text} is not in the category list") from None


def iter_unit_counts(encoded: Encoded) -> Iterator[np.ndarray]:
    """Yield, block by block, a units x categories float array: how many coders chose each.

    Nothing of size units x categories² (or coders x units x categories) is ever built.
    """
    for start in range(0, encoded.n_units, BLOCK_UNITS):
        block = encoded.matrix[:, start : start + BLOCK_UNITS]
        if encoded.keys.size <= EQUALITY_LIMIT:
            yield _count_in(block, encoded.keys).T.astype(np.float64)
        else:
            yield _bincount_block(block, encoded.keys)


def _count_in(block: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Categories x units counts by comparing each coder's row with each key.

    For the usual handful of codes this is several times faster than a binary search plus
    ``np.bincount``, and the small integer accumulator keeps the temporaries tiny.
    """
    dtype = np.int8 if block.shape[0] < 128 else np.int32
    counts = np.zeros((keys.size, block.shape[1]), dtype=dtype)
    for row in block:
        for position, key in enumerate(keys):
            counts[position] += (row == key).view(np.int8)
    return counts


def _bincount_block(block: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Units x categories counts for long category lists: one ``np.bincount`` per block."""
    size = keys.size
    order = np.argsort(keys, kind="stable")
    to_position = np.append(order, size)  # NaN sorts last, onto the extra "missing" column
    codes = to_position[np.searchsorted(keys[order], block)]
    n_block = block.shape[1]
    codes += np.arange(n_block, dtype=np.intp) * (size + 1)
    counts = np.bincount(codes.ravel(), minlength=n_block * (size + 1))
    return counts.reshape(n_block, size + 1)[:, :size].astype(np.float64)
