"""Which coder codes which item. Pure: no Django.

"All coders" gives every item to every chosen coder. "k per item" gives each item to k coders,
always the least loaded ones first (ties broken by name), so the work and the coder pairs spread
evenly — what a reliability subsample needs. A random sample of the items is drawn with a
seed, so the same seed draws the same items again; new items go to the coders with the fewest
open items.
"""

import random
from collections.abc import Hashable, Sequence
from datetime import date, timedelta


def plan_assignments(
    items: Sequence[Hashable],
    coders: Sequence[str],
    *,
    per_item: int | None,
    existing: dict[Hashable, set[str]] | None = None,
    load: dict[str, int] | None = None,
) -> list[tuple[Hashable, str]]:
    """New (item, coder) pairs. ``per_item`` None means every chosen coder on every item.

    Existing assignments count towards ``per_item`` and are never repeated; ``load`` is each
    coder's current number of assignments, so repeated runs keep evenning out.
    """
    existing = existing or {}
    load = dict.fromkeys(coders, 0) | {c: n for c, n in (load or {}).items() if c in coders}
    if per_item is not None and not 1 <= per_item <= len(coders):
        raise ValueError(f"coders per item must be between 1 and {len(coders)}")
    chosen_set = set(coders)
    pairs = []
    for item in items:
        have = existing.get(item, set())
        candidates = [c for c in coders if c not in have]
        if per_item is not None:
            missing = per_item - len(have & chosen_set)
            candidates = sorted(candidates, key=lambda c: (load[c], c))[: max(0, missing)]
        for coder in candidates:
            pairs.append((item, coder))
            load[coder] += 1
    return pairs


def sample_size(total: int, *, size: int | None = None, share: float | None = None) -> int:
    """How many of ``total`` items a sample takes: ``size`` items, or ``share`` (0 < share ≤ 1)
    of them rounded to the nearest item (at least one when there is any)."""
    if (size is None) == (share is None):
        raise ValueError("give either a sample size or a share, not both")
    if size is not None:
        if size < 1:
            raise ValueError("sample size must be at least 1")
        return min(size, total)
    if not 0 < share <= 1:
        raise ValueError("share must be more than 0 and at most 1 (100%)")
    return min(total, max(1, round(total * share))) if total else 0


def sample_items(items: Sequence[Hashable], k: int, *, seed: int) -> list[Hashable]:
    """``k`` of ``items`` drawn at random with ``seed``, in the items' own order: the same
    items and seed always draw the same sample (Python's Mersenne Twister is stable across
    versions for ``Random.sample`` on the same sequence)."""
    ordered = list(items)
    chosen = set(random.Random(seed).sample(range(len(ordered)), min(k, len(ordered))))
    return [item for index, item in enumerate(ordered) if index in chosen]


def fewest_open(coders: Sequence[str], open_items: dict[str, int], n: int) -> list[str]:
    """The ``n`` coders with the fewest open (assigned, unsubmitted) items; ties go to the
    name first in alphabetical order, so the choice never depends on the database's order."""
    return sorted(coders, key=lambda c: (open_items.get(c, 0), c))[: max(0, n)]


def coverage_gaps(coders_per_item: dict[Hashable, int], wanted: int) -> dict[str, list[Hashable]]:
    """Items nobody is assigned, and items with fewer coders than ``wanted``."""
    unassigned = [item for item, n in coders_per_item.items() if n == 0]
    short = [item for item, n in coders_per_item.items() if 0 < n < wanted]
    return {"unassigned": unassigned, "short": short}


def daily_throughput(submitted_on: Sequence[date], *, today: date, days: int = 7) -> list[int]:
    """Items submitted on each of the last ``days`` days, oldest first, ending ``today``."""
    counts = dict.fromkeys((today - timedelta(days=back) for back in range(days)), 0)
    for day in submitted_on:
        if day in counts:
            counts[day] += 1
    return [counts[day] for day in sorted(counts)]
