"""The migration map of a new codebook version and the plan it makes of existing codings.

Pure: codes, values and ids in, a plan out. A map is a list of operations (dicts, as stored):

- ``{"op": "rename", "from": "a", "to": "b"}``: codings on a move to b;
- ``{"op": "merge", "from": ["a", "b"], "to": "c"}``: an item and coder with one value among a,
  b (and c, if c already existed), or equal values, is recoded to c; different values are marked
  for re-coding, never settled by picking one. A consensus row decided "not coded" (value None)
  adds no value beside one that has a value;
- ``{"op": "split", "from": "a", "to": ["b", "c"]}``: every item and coder coded on a is marked
  for re-coding on b and c (no value can say which of them it meant);
- ``{"op": "retire", "code": "a"}``: a is kept in history, excluded from new coding and from
  current figures.

The source of a rename, merge or split is retired too. Codings never disappear: what is not
moved stays on its retired criterion, where history can still read it.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

OPERATIONS = ("rename", "merge", "split", "retire")


class MapRefused(ValueError):
    """The map cannot be applied; the message names the operation and the code."""


@dataclass(frozen=True)
class Row:
    """A coding (``coder`` set) or a consensus row (``coder`` None) as the plan sees it."""

    id: int
    item: int
    coder: int | None
    code: str
    value: int | None


@dataclass(frozen=True)
class Mark:
    """An item (and coder, or the item's consensus when ``coder`` is None) to code again."""

    item: int
    coder: int | None
    targets: tuple[str, ...]
    reason: str


@dataclass
class Plan:
    moves: list[tuple[int, str]] = field(default_factory=list)  # (row id, new code), renames
    merges: list[tuple[int, str]] = field(default_factory=list)  # (row id, new code), merges
    marks: list[Mark] = field(default_factory=list)
    retired: list[int] = field(default_factory=list)  # row ids left on a retired criterion

    def counts(self) -> dict[str, int]:
        return {
            "moved": len(self.moves),
            "merged": len(self.merges),
            "marked": len(self.marks),
            "retired": len(self.retired),
        }


def describe(operation: dict) -> str:
    """An operation in words: "rename a → b", "merge a, b → c", "split a → b, c", "retire a"."""
    op = operation.get("op")
    if op == "retire":
        return f"retire {operation['code']}"
    sources = operation["from"] if isinstance(operation["from"], list) else [operation["from"]]
    targets = operation["to"] if isinstance(operation["to"], list) else [operation["to"]]
    return f"{op} {', '.join(sources)} → {', '.join(targets)}"


def sources_of(operation: dict) -> list[str]:
    if operation["op"] == "retire":
        return [operation["code"]]
    source = operation["from"]
    return list(source) if isinstance(source, list) else [source]


def targets_of(operation: dict) -> list[str]:
    if operation["op"] == "retire":
        return []
    target = operation["to"]
    return list(target) if isinstance(target, list) else [target]


def retired_by(operations: Iterable[dict]) -> set[str]:
    """Every code the map retires: the retired ones and the sources of the others."""
    return {code for operation in operations for code in sources_of(operation)}


def check_map(operations: list[dict], *, old: set[str], new: set[str]) -> None:
    """Refuse a map that cannot be applied: ``old`` are the active codes of the published
    version, ``new`` every code of the draft (retired or not)."""
    seen: dict[str, str] = {}
    for operation in operations:
        op = operation.get("op")
        if op not in OPERATIONS:
            raise MapRefused(f"Unknown operation {op!r}: use rename, merge, split or retire.")
        words = describe(operation)
        sources, targets = sources_of(operation), targets_of(operation)
        if op == "merge" and len(sources) < 2:
            raise MapRefused(f"{words}: a merge needs at least two codes to merge.")
        if op == "split" and len(targets) < 2:
            raise MapRefused(f"{words}: a split needs at least two codes to split into.")
        for code in sources:
            if code not in old:
                raise MapRefused(f"{words}: {code} is not a current code of the codebook.")
            if code in seen:
                raise MapRefused(f"{words}: {code} is already changed by {seen[code]}.")
            seen[code] = words
        for code in targets:
            if code in sources:
                raise MapRefused(f"{words}: {code} cannot be both changed and kept.")
            if code not in new:
                raise MapRefused(f"{words}: {code} is not in the draft; add it first.")
        if op == "rename" and targets[0] in old:
            raise MapRefused(
                f"{words}: {targets[0]} already exists; merge into it instead of renaming."
            )
    targets = {code for operation in operations for code in targets_of(operation)}
    for code in sorted(targets & set(seen)):
        raise MapRefused(f"{code} is retired by {seen[code]} and cannot also receive codings.")


def plan_migration(operations: list[dict], rows: Iterable[Row]) -> Plan:
    """What the map does to some codings (or consensus rows): moved, merged, marked, retired.

    Rows on codes the map does not name are not touched and not listed."""
    by_code: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_code[row.code].append(row)
    plan = Plan()
    for operation in operations:
        op, sources, targets = operation["op"], sources_of(operation), targets_of(operation)
        if op == "retire":
            plan.retired += sorted(row.id for row in by_code[sources[0]])
        elif op == "rename":
            plan.moves += sorted((row.id, targets[0]) for row in by_code[sources[0]])
        elif op == "split":
            for row in sorted(by_code[sources[0]], key=_place):
                plan.marks.append(
                    Mark(
                        row.item,
                        row.coder,
                        tuple(targets),
                        f"{sources[0]} was split into {', '.join(targets)}: "
                        f"{_coded(row.coder)} {sources[0]} = {_shown(row.value)}",
                    )
                )
                plan.retired.append(row.id)
        else:
            _merge(plan, sources, targets[0], by_code)
    return plan


def _merge(plan: Plan, sources: list[str], target: str, by_code: dict[str, list[Row]]) -> None:
    groups: dict[tuple[int, int | None], list[Row]] = defaultdict(list)
    for code in [*sources, target]:
        for row in by_code.get(code, []):
            groups[_place(row)].append(row)
    for place in sorted(groups, key=lambda p: (p[0], -1 if p[1] is None else p[1])):
        group = groups[place]
        already = [row for row in group if row.code == target]
        moving = [row for row in group if row.code != target]
        if not moving:
            continue
        # A reviewer's decision not to code (value None) gives no value to the merged code.
        values = {row.value for row in group if row.value is not None}
        if len(values) <= 1:
            valued = [row for row in moving if row.value is not None] or moving
            if already and (already[0].value is not None or not values):
                plan.retired += [row.id for row in moving]  # the target holds it already
            elif not already:
                plan.merges.append((valued[0].id, target))
                plan.retired += [row.id for row in moving if row is not valued[0]]
            else:  # the target only says "not coded": the value merged in is a conflict
                values.add(None)
        if len(values) <= 1:
            continue
        shown = ", ".join(f"{row.code} = {_shown(row.value)}" for row in group)
        plan.marks.append(
            Mark(
                place[0],
                place[1],
                (target,),
                f"{', '.join(sources)} were merged into {target} with different values: "
                f"{_coded(place[1])} {shown}",
            )
        )
        plan.retired += [row.id for row in moving]


def _place(row: Row) -> tuple[int, int | None]:
    return (row.item, row.coder)


def _coded(coder: int | None) -> str:
    return "coded" if coder is not None else "decided"


def _shown(value: int | None) -> str:
    return "not coded" if value is None else str(value)


def fingerprint(*plans: Plan) -> str:
    """A short digest of plans: the preview carries it, and publishing refuses when the plans
    made at that moment differ from the ones previewed."""
    payload = [
        [sorted(p.moves), sorted(p.merges), [vars(m) for m in p.marks], sorted(p.retired)]
        for p in plans
    ]
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=list).encode())
    return digest.hexdigest()[:16]
