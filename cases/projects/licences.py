"""The licences a project may put its data under: the replication package's LICENSE,
CITATION.cff and datapackage.json name it, and the bundle carries it (``project.data_licence``).

Identifiers are SPDX's (spdx.org/licenses). ``other`` means another licence or none: the
project's authors then state the terms in their deposit, and the package says so.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    key: str  # what the project stores: the SPDX identifier, or "other"
    name: str  # SPDX's full name
    url: str
    attribution: bool  # whether the licence requires crediting the authors

    @property
    def spdx(self) -> str | None:
        """The SPDX identifier, or None for "other" (no standard licence to name)."""
        return None if self.key == OTHER else self.key


OTHER = "other"
DEFAULT_LICENCE = "CC-BY-4.0"  # data: free to reuse with credit, the usual journal requirement

LICENCES: dict[str, Licence] = {
    licence.key: licence
    for licence in [
        Licence(
            "CC-BY-4.0",
            "Creative Commons Attribution 4.0 International",
            "https://creativecommons.org/licenses/by/4.0/",
            True,
        ),
        Licence(
            "CC-BY-SA-4.0",
            "Creative Commons Attribution Share Alike 4.0 International",
            "https://creativecommons.org/licenses/by-sa/4.0/",
            True,
        ),
        Licence(
            "CC0-1.0",
            "Creative Commons Zero v1.0 Universal",
            "https://creativecommons.org/publicdomain/zero/1.0/",
            False,
        ),
        Licence(
            "ODbL-1.0",
            "Open Data Commons Open Database License v1.0",
            "https://opendatacommons.org/licenses/odbl/1-0/",
            True,
        ),
        Licence(OTHER, "another licence, or none", "", False),
    ]
}

CHOICES = [
    (key, licence.name if key == OTHER else f"{key}: {licence.name}")
    for key, licence in LICENCES.items()
]


def licence_named(key: str | None) -> Licence:
    """The licence stored as ``key`` (empty: the default); KeyError for anything else, since
    guessing would grant rights nobody chose."""
    return LICENCES[key or DEFAULT_LICENCE]
