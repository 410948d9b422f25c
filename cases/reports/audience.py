"""Who sees what of a report beyond the consensus: the one place that decides it.

PURE: no Django; ``cases.reports.build`` asks it with the reader's membership.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Audience:
    """What one reader of a report may see beyond the consensus (docs/api.md, "who reads").

    Everyone reads the consensus, the verdicts, the evidence and the robustness checks. Only
    those who may read every coding (``FULL``) see the coders' stage judgments, who judged what,
    and the agreement figures. Every other reader, observers included, gets ``CONSENSUS_ONLY``:
    with two coders, "1 nascent, 1 ascendant" next to a coder's own verdict would tell them their
    colleague's, and so would an agreement coefficient computed against their own codes.
    ``AGGREGATE`` (the judgments counted, without names, and agreement) is given to no reader
    today; the report's functions support it for a project that chooses to show counts.
    """

    name: str
    named_judgments: bool
    judgment_summary: bool
    agreement: bool


FULL = Audience("full", named_judgments=True, judgment_summary=True, agreement=True)
AGGREGATE = Audience("aggregate", named_judgments=False, judgment_summary=True, agreement=True)
CONSENSUS_ONLY = Audience(
    "consensus", named_judgments=False, judgment_summary=False, agreement=False
)


def audience_for(role: str | None, *, can_read_all_codings: bool = False) -> Audience:
    """The one place that decides what a report shows to a reader of the given role.

    Only ``can_read_all_codings`` decides it today; ``role`` is asked for so that a change of
    policy by role stays here."""
    if can_read_all_codings:
        return FULL
    # Observers and coders alike: neither reads other people's stage judgments or agreement
    # figures (docs/api.md), and even counts of verdicts would tell a coder what a
    # colleague thought.
    return CONSENSUS_ONLY
