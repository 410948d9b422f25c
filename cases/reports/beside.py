"""Verdicts beside the rule's: the coders' holistic stage judgments, counted (and named for
readers who may see them), and the author's own assessment with the codes that decide a difference.

PURE: no Django; ``cases.reports.build`` loads the judgments and assessments. The sentences'
words are a ``BesideWords``: English by default (the report's JSON); the report page passes the
reader's (``cases.reports.page_words``). The data beside them (verdicts, counts, the
deciding conditions) stay English whatever the words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cases.classification.explain import ENGLISH, Words, verdict_text
from cases.classification.rule import RULE_V1, Condition, PeriodResult, Rule, holds, score
from cases.reports.audience import Audience


def _everyone(n: int) -> str:
    return "Both coders" if n == 2 else ("The one coder" if n == 1 else f"All {n} coders")


@dataclass(frozen=True)
class BesideWords:
    """The sentences beside the rule as %-format strings with named placeholders, and the
    explanation's ``Words`` for the verdicts and lists."""

    explain: Words = ENGLISH
    everyone: Callable[[int], str] = _everyone
    no_judgment: str = "No coder has judged this period."
    unanimous_as_rule: str = "%(everyone)s judged it %(verdict)s, as the rule does."
    unanimous_not_rule: str = (
        "%(everyone)s judged it %(verdict)s; the rule gives %(rule)s: "
        "the holistic reading and the coded evidence differ."
    )
    split: str = "The %(n)s coders judged it %(parts)s; the rule gives %(rule)s."
    count_part: str = "%(count)s %(verdict)s"
    condition_count: str = "%(have)s of %(total)s %(subject)s >= %(minimum)s (needs %(count)s)"
    condition: str = "%(name)s = %(have)s (needs %(minimum)s)"
    short_of: str = "short of %(target)s on %(deciding)s"
    every_condition: str = "every condition of %(targets)s holds (%(deciding)s)"
    undocumented: str = "; %(codes)s not documented in this period"
    author: str = "The rule gives %(verdict)s where the author assesses %(author)s: %(why)s."


ENGLISH_BESIDE = BesideWords()


@dataclass(frozen=True)
class Judgment:
    period: str
    coder: str
    stage: str
    coupling: str | None
    rationale: str


def judgments_beside_rule(
    results: Sequence[PeriodResult],
    judgments: Sequence[Judgment],
    audience: Audience,
    words: BesideWords = ENGLISH_BESIDE,
) -> list[dict[str, Any]] | None:
    """Per period: the rule's verdict, the coders' verdicts counted, and (for readers who may
    read them) who judged what and why; the summary in ``words``. None when the audience may
    see nothing of them."""
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
            "summary": _judgment_sentence(result, mine, counts, words),
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


def _judgment_sentence(
    result: PeriodResult, mine: Sequence[Judgment], counts: Counter, words: BesideWords
) -> str:
    """``counts``: the coders' verdicts by their English text, which also orders a tie."""
    n = len(mine)
    if n == 0:
        return words.no_judgment
    # Each English verdict text (the data's) as the reader's words say it.
    said = {
        verdict_text(j.stage, j.coupling): words.explain.verdict_text(j.stage, j.coupling)
        for j in mine
    }
    rule_verdict = verdict_text(result.stage, result.coupling)
    shown_rule = words.explain.verdict_text(result.stage, result.coupling)
    everyone = words.everyone(n)
    if len(counts) == 1:
        (verdict,) = counts
        named = {"everyone": everyone, "verdict": said[verdict], "rule": shown_rule}
        if verdict == rule_verdict:
            return words.unanimous_as_rule % named
        return words.unanimous_not_rule % named
    ranked = sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))
    parts = words.explain.joined(
        [words.count_part % {"count": count, "verdict": said[verdict]} for verdict, count in ranked]
    )
    return words.split % {"n": n, "parts": parts, "rule": shown_rule}


# --- the author's own stage assessment beside the rule's --------------------------------------


def _condition_text(
    condition: Condition, values: Mapping[str, int], words: BesideWords = ENGLISH_BESIDE
) -> str:
    """A condition with the value the period has: "AB-T3-ID = 2 (needs 3)"."""
    have = score(condition, values)
    if condition.is_count:
        return words.condition_count % {
            "have": have,
            "total": len(condition.codes),
            "subject": condition.subject,
            "minimum": condition.minimum,
            "count": condition.count,
        }
    name = condition.codes[0] if condition.is_single else f"max({condition.subject})"
    return words.condition % {"name": name, "have": have, "minimum": condition.minimum}


def author_beside_rule(
    result: PeriodResult,
    stage: str,
    coupling: str | None,
    rule: Rule = RULE_V1,
    words: BesideWords = ENGLISH_BESIDE,
) -> dict[str, Any]:
    """Where the rule's verdict differs from the author's assessment of the period, the codes
    that decide it: the conditions of the steps between the two verdicts. The rule lower: the
    unmet ones (at the first step up, its ``blocked_by``); the rule higher: the ones it found
    met. An assessment without a coupling is compared on the stage alone. CODEBOOK.md §4b: the
    assessment is shown beside the rule, never fed into it. ``deciding`` is data (English);
    ``sentence`` is in ``words``."""
    names = rule.stage_names
    verdict = words.explain.verdict_text(result.stage, result.coupling)
    author = words.explain.verdict_text(stage, coupling)
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
    shown = words.explain.joined([_condition_text(c, result.values, words) for c in conditions])
    targets = [
        words.explain.coupled(s.name) if s is rule.coupling else words.explain.term(s.name)
        for s in steps
    ]
    if lower:
        why = words.short_of % {"target": targets[0], "deciding": shown}
    else:
        why = words.every_condition % {
            "targets": words.explain.joined(targets),
            "deciding": shown,
        }
    if result.indeterminate:
        why += words.undocumented % {"codes": words.explain.joined(result.undocumented)}
    return {
        "agrees": False,
        "direction": "lower" if lower else "higher",
        "deciding": deciding,
        "sentence": words.author % {"verdict": verdict, "author": author, "why": why},
    }
