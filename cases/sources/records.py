"""What every way in shares: the parsed record, problems named by where they are, the format of a
paste, the fingerprint of a stored record, DOIs. Pure: no Django."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cases.lib import limits

MAX_PROBLEMS = 20


class SourceImportError(ValueError):
    """Nothing could be imported; ``problems`` lists each one with its item or line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class ParsedSource:
    key: str
    csl: dict
    origin: str  # where the record was in the pasted text: "item 3", "line 12"
    key_generated: bool = False


class Problems:
    """Collects problems up to a limit, so one paste reports many mistakes at once."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.more = 0

    def add(self, where: str, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(f"{where}: {message}")
        else:
            self.more += 1

    def add_limits(self, csl: dict, where: str) -> None:
        """Nesting, characters and lengths (cases.lib.limits): a 22 MB title would make every page
        that lists the source as large."""
        for _variable, message in limits.csl_problems(csl):
            self.add(where, message)

    def raise_if_any(self) -> None:
        if self.items:
            extra = [f"… and {self.more} more problems"] if self.more else []
            raise SourceImportError(self.items + extra)


def detect_format(text: str) -> str | None:
    """Guess the format: CSL-JSON starts with [ or {, BibTeX with @ (after any % comment
    lines, as JabRef writes them). Returns "csl-json", "bibtex", or None for neither."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("%"):
            continue
        if stripped[0] in "[{":
            return "csl-json"
        if stripped[0] == "@":
            return "bibtex"
        return None
    return None


def record_digest(key: str, csl: Mapping) -> str:
    """A fingerprint of a stored record, to tell whether it changed while a form was open."""
    blob = json.dumps([key, csl], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def normalise_doi(value: str) -> str:
    """ "https://doi.org/10.1/x", "doi:10.1/x" → "10.1/x"."""
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value.strip(), flags=re.I)
