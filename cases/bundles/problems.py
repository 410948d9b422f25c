"""Every problem found in a bundle, named by its place in the document and listed in its order."""

from typing import Any

from cases.lib import limits

Path = tuple[str | int, ...]

# The keys that name an entry of each list after its index, as in "evidence[12] (KAR-P03)" or
# "codings[0] (E1/carl)"; list indexes count from 0, as in a JSON path.
ENTRY_KEYS = {
    "scale": (),
    "criteria": ("code",),
    "members": ("username",),
    "dyads": ("code",),
    "communities": ("code",),
    "periods": ("code",),
    "sources": ("key",),
    "evidence": ("key",),
    "codings": ("evidence", "coder"),
    "consensus": ("evidence",),
    "period_overrides": ("dyad", "period", "criterion"),
    "stage_judgments": ("dyad", "period", "coder"),
}
# The lists of entries a bundle holds, in the order of the document.
SECTIONS = (
    "members",
    "dyads",
    "communities",
    "sources",
    "evidence",
    "codings",
    "consensus",
    "period_overrides",
    "stage_judgments",
)
# Problems are listed in the order of the document: its sections, then the lists inside an
# entry (a codebook's scale before its criteria, a dyad's own problems before its periods').
_ORDER = {
    name: rank for rank, name in enumerate(("format", "version", "project", "codebook", *SECTIONS))
} | {"scale": 0, "criteria": 1, "periods": 0}


def entry_path(path: Path) -> Path:
    """The part of a JSON path that leads to the entry a problem is reported on: a list's item,
    a dyad's period, the project or the codebook; a top-level key or list is its own entry."""
    if len(path) >= 4 and path[0] == "dyads" and path[2] == "periods" and isinstance(path[3], int):
        return path[:4]
    if len(path) >= 2 and path[0] == "codebook" and path[1] in ("scale", "criteria"):
        return path[:3] if len(path) >= 3 and isinstance(path[2], int) else path[:2]
    if len(path) >= 2 and isinstance(path[1], int):
        return path[:2]
    return path[:1]


def label(section: str, index: int, entry: Any) -> str:
    """``evidence[12] (KAR-P03)``: the index, and the entry's own key where it has one."""
    where = f"{section}[{index}]"
    if isinstance(entry, dict):
        parts = [
            limits.visible(str(entry[n]))
            for n in ENTRY_KEYS[section]
            if isinstance(entry.get(n), str | int)
        ]
        if parts:
            where += f" ({'/'.join(parts)})"
    return where


def name_of(doc: dict, place: Path) -> str:
    """How messages name an entry: ``dyads[0] (FRA-DEU).periods[1] (P2)``, ``codebook.scale``."""
    names, node, i = [], doc, 0
    while i < len(place):
        part = place[i]
        items = node.get(part) if isinstance(node, dict) else None
        if i + 1 < len(place) and isinstance(place[i + 1], int) and isinstance(items, list):
            node = items[place[i + 1]]
            names.append(label(str(part), place[i + 1], node))
            i += 2
        else:
            node = items
            names.append(str(part))
            i += 1
    return ".".join(names)


class Problems:
    """The problems found so far, each on the entry it belongs to."""

    def __init__(self, doc: dict) -> None:
        self.doc = doc
        self._found: list[tuple[Path, str]] = []
        # Paths of the values the schema refused: rules that read them look no further.
        self.misshapen: set[Path] = set()

    def add(self, path: Path, message: str) -> None:
        self._found.append((entry_path(path), message))

    def accepted(self, path: Path, name: str) -> bool:
        """Whether the schema accepted this entry's ``name``, so that a rule may read it."""
        return (*path, name) not in self.misshapen

    def __bool__(self) -> bool:
        return bool(self._found)

    def messages(self) -> list[str]:
        """``where: what``, in the document's order; one entry's problems as they were found."""
        ranked = sorted(self._found, key=lambda found: _position(found[0]))
        return [f"{name_of(self.doc, place)}: {message}" for place, message in ranked]


def _position(place: Path) -> tuple[int, ...]:
    return tuple(_ORDER.get(part, 0) if isinstance(part, str) else part for part in place)
