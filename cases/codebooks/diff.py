"""The differences between two codebook versions, from their snapshots and the maps between them.

Pure. A snapshot is ``{"criteria": [{"code", "name", "group", "definition", "indicators",
"order", "retired", …}], "scale": [{"value", "label"}]}``; the maps are the operations of every
version after the older one up to the newer (``cases.codebooks.plan``).
"""

from __future__ import annotations

import difflib
import re

from cases.codebooks.plan import sources_of, targets_of

TEXT_FIELDS = ("name", "group", "definition", "indicators", "order")


def _active(snapshot: dict) -> dict[str, dict]:
    return {c["code"]: c for c in snapshot["criteria"] if not c.get("retired")}


def _as_text(value) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``old`` to ``new`` as segments ("same" | "del" | "ins", text), word by word: whitespace
    sticks to the word before it, so joining the segments of one kind gives back that text."""
    a, b = re.findall(r"\S+\s*|\s+", old), re.findall(r"\S+\s*|\s+", new)
    segments: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("ins", "".join(b[j1:j2])))
    return segments


def diff_versions(old: dict, new: dict, operations: list[dict]) -> dict:
    """added, retired, renamed, merged, split and text changes per criterion (each changed
    field with its word diff), and whether the scale changed."""
    before, after = _active(old), _active(new)
    mapped = {code for op in operations if op["op"] != "retire" for code in sources_of(op)}
    received = {code for op in operations for code in targets_of(op)}
    result = {
        "added": sorted(code for code in after if code not in before),
        "retired": sorted(code for code in before if code not in after and code not in mapped),
        "renamed": [],
        "merged": [],
        "split": [],
        "changed": [],
        "scale_changed": old.get("scale") != new.get("scale"),
    }
    for op in operations:
        if op["op"] == "rename":
            result["renamed"].append((op["from"], op["to"]))
        elif op["op"] == "merge":
            result["merged"].append((list(op["from"]), op["to"]))
        elif op["op"] == "split":
            result["split"].append((op["from"], list(op["to"])))
    for code in sorted(set(before) & set(after), key=lambda c: (after[c].get("order", 0), c)):
        fields = []
        for name in TEXT_FIELDS:
            was, now = _as_text(before[code].get(name, "")), _as_text(after[code].get(name, ""))
            if was != now:
                fields.append({"field": name, "segments": word_diff(was, now)})
        if fields:
            result["changed"].append({"code": code, "name": after[code]["name"], "fields": fields})
    # A code added and named by a rename, merge or split is reported there, not as new.
    result["added"] = [code for code in result["added"] if code not in received]
    return result
