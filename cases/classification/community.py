"""Where a community's member dyads stand beside the community: which of them lag it.

PURE: the standard library and the rule's tables only. A community is classified per period
from all its evidence; each member dyad from the items that name both its states (or the whole
community). A member dyad *lags* in a period when the rule places it at an earlier stage than
the community (say, the community ascendant and Denmark–Sweden still nascent): the community's
verdict rests on evidence that does not reach that pair yet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cases.classification.rule import RULE_V1, PeriodResult, Rule


def stage_rank(stage: str, rule: Rule = RULE_V1) -> int:
    """A stage's place in the rule's order: none 0, nascent 1, ascendant 2, mature 3."""
    return rule.stage_names.index(stage)


def lags(member: PeriodResult, community: PeriodResult, rule: Rule = RULE_V1) -> bool:
    """Whether a member dyad stands at an earlier stage than its community in a period."""
    return stage_rank(member.stage, rule) < stage_rank(community.stage, rule)


def lagging_dyads(
    community: Sequence[PeriodResult],
    members: Mapping[str, Sequence[PeriodResult]],
    rule: Rule = RULE_V1,
) -> dict[str, list[str]]:
    """Per period code, the member dyads (by code, in the order given) that lag the community.

    Each member's results cover the same periods as the community's, in the same order."""
    lagging: dict[str, list[str]] = {result.code: [] for result in community}
    for code, results in members.items():
        for member, whole in zip(results, community, strict=True):
            if lags(member, whole, rule):
                lagging[whole.code].append(code)
    return lagging


def member_dyad_code(pair: tuple[str, str]) -> str:
    """A member dyad's code, its states in the community's member order: DNK-SWE."""
    return "-".join(pair)
