"""Which coder codes which item. Pure: no Django.

"All coders" gives every item to every chosen coder. "k per item" gives each item to k coders,
always the least loaded ones first (ties broken by name), so the work and the coder pairs spread
evenly — what a reliability subsample needs.
"""

from collections.abc import Hashable, Sequence


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
