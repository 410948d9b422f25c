"""Verdicts beside the rule's: the coders' holistic stage judgments, counted (and named for
readers who may see them), and the author's own assessment with the codes that decide a difference.

PURE: no Django; ``cases.reports.build`` loads the judgments and assessments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cases.classification.explain import joined, verdict_text
from cases.classification.rule import RULE_V1, Condition, PeriodResult, Rule, holds, score
from cases.reports.audience import Audience


@dataclass(frozen=True)
class Judgment:
    period: str
    coder: str
    stage: str
    coupling: str | None
    rationale: str


def judgments_beside_rule(
    results: Sequence[PeriodResult], judgments: Sequence[Judgment], audience: Audience
) -> list[dict[str, Any]] | None:
    """Per period: the rule's verdict, the coders' verdicts counted, and (for readers who may
    read them) who judged what and why. None when the audience may see nothing of them."""
    if not audience.judgment_summary:
        return None
    rows = []
    for result in results:
        mine = [j for j in judgments if j.period == result.code]
        counts = Counter(verdict_text(j.stage, j.coupling) for j in mine)
        rule_verdict = verdict_text(result.stage, result.coupling)
        agree = counts.get(rule_verdict, 0)
        row: dict[str, Any] = {
            "period": result.code,
            "rule": rule_verdict,
            "n": len(mine),
            "counts": dict(sorted(counts.items())),
            "agree_with_rule": agree,
            "summary": _judgment_sentence(rule_verdict, counts, len(mine)),
        }
        if audience.named_judgments:
            row["judgments"] = [
                {
                    "coder": j.coder,
                    "stage": j.stage,
                    "coupling": j.coupling,
                    "rationale": j.rationale,
                    "agrees_with_rule": verdict_text(j.stage, j.coupling) == rule_verdict,
                }
                for j in sorted(mine, key=lambda j: j.coder)
            ]
        rows.append(row)
    return rows


def _judgment_sentence(rule_verdict: str, counts: Counter, n: int) -> str:
    if n == 0:
        return "No coder has judged this period."
    everyone = "Both coders" if n == 2 else ("The one coder" if n == 1 else f"All {n} coders")
    if len(counts) == 1:
        (verdict,) = counts
        if verdict == rule_verdict:
            return f"{everyone} judged it {verdict}, as the rule does."
        return (
            f"{everyone} judged it {verdict}; the rule gives {rule_verdict}: "
            "the holistic reading and the coded evidence differ."
        )
    ranked = sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))
    parts = joined([f"{count} {verdict}" for verdict, count in ranked])
    return f"The {n} coders judged it {parts}; the rule gives {rule_verdict}."


# --- the author's own stage assessment beside the rule's --------------------------------------


def _condition_text(condition: Condition, values: Mapping[str, int]) -> str:
    """A condition with the value the period has: "AB-T3-ID = 2 (needs 3)"."""
    have = score(condition, values)
    if condition.is_count:
        return (
            f"{have} of {len(condition.codes)} {condition.subject} >= {condition.minimum} "
            f"(needs {condition.count})"
        )
    name = condition.codes[0] if condition.is_single else f"max({condition.subject})"
    return f"{name} = {have} (needs {condition.minimum})"


def author_beside_rule(
    result: PeriodResult, stage: str, coupling: str | None, rule: Rule = RULE_V1
) -> dict[str, Any]:
    """Where the rule's verdict differs from the author's assessment of the period, the codes
    that decide it: the conditions of the steps between the two verdicts. The rule lower: the
    unmet ones (at the first step up, its ``blocked_by``); the rule higher: the ones it found
    met. An assessment without a coupling is compared on the stage alone. CODEBOOK.md §4b: the
    assessment is shown beside the rule, never fed into it."""
    names = rule.stage_names
    verdict = verdict_text(result.stage, result.coupling)
    author = verdict_text(stage, coupling)
    same = result.stage == stage and (coupling is None or coupling == result.coupling)
    if same or stage not in names:
        return {"agrees": same, "direction": None, "deciding": [], "sentence": ""}
    here, there = names.index(result.stage), names.index(stage)
    if here == there:  # the same mature stage, coupled differently
        steps, lower = [rule.coupling], result.coupling != rule.coupling.name
    elif here < there:
        steps, lower = list(rule.stages[here:there]), True
    else:
        steps, lower = list(rule.stages[there:here]), False
    conditions = [c for step in steps for c in step.conditions if holds(c, result.values) != lower]
    deciding = [_condition_text(c, result.values) for c in conditions]
    targets = [f"{s.name} coupled" if s is rule.coupling else s.name for s in steps]
    if lower:
        why = f"short of {targets[0]} on {joined(deciding)}"
    else:
        why = f"every condition of {joined(targets)} holds ({joined(deciding)})"
    if result.indeterminate:
        why += f"; {joined(result.undocumented)} not documented in this period"
    return {
        "agrees": False,
        "direction": "lower" if lower else "higher",
        "deciding": deciding,
        "sentence": f"The rule gives {verdict} where the author assesses {author}: {why}.",
    }
