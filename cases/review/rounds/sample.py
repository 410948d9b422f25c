"""A round's random sample, drawn so that it can be drawn again. PURE: no Django.

The candidates are the items' keys in sorted order, not their database ids, so the same seed
and size give the same sample from the same items on another copy of the project.
"""

import random
from collections.abc import Sequence


def draw_sample(keys: Sequence[str], size: int, seed: int) -> list[str]:
    """``size`` of ``keys``, chosen with Python's Mersenne Twister seeded by ``seed``; the
    result is sorted."""
    if not 1 <= size <= len(keys):
        raise ValueError(f"a sample holds between 1 and {len(keys)} items, not {size}")
    return sorted(random.Random(seed).sample(sorted(keys), size))
