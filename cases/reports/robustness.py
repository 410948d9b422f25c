"""The report's robustness checks: the single items a verdict hangs on (leave-one-out), the
verdict without the authors' own assessments, and what keeps a period from the next stage up.

PURE: no Django; ``cases.reports.build`` and the replication package's tables call it. The
paragraph's words are a ``RobustnessWords``: English by default (the report's JSON, the
replication package); the report page passes the reader's (``cases.reports.page_words``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from cases.classification.explain import ENGLISH, Words
from cases.classification.rule import (
    RULE_V1,
    PeriodInput,
    PeriodResult,
    Rule,
    classify,
    classify_without,
    score,
    step_above,
    unmet,
)
from cases.lib.dates import span_text
from cases.reports.grid import Item


def _assessments(n: int) -> str:
    return (
        "the dyad's %(n)d author-assessment item (%(here)s in this period)"
        if n == 1
        else "the dyad's %(n)d author-assessment items (%(here)s in this period)"
    )


def _pending(n: int) -> str:
    return (
        "%(n)d item awaits adjudication and is left out; settling them may change the verdict."
        if n == 1
        else "%(n)d items await adjudication and are left out; settling them may change the "
        "verdict."
    )


@dataclass(frozen=True)
class RobustnessWords:
    """The robustness paragraph's sentences as %-format strings with named placeholders, and
    the explanation's ``Words`` for the verdicts, the rule's labels and lists."""

    explain: Words = ENGLISH
    assessments: Callable[[int], str] = _assessments
    pending: Callable[[int], str] = _pending
    hangs_on: str = "The %(verdict)s verdict hangs on single items: %(without)s."
    holds: str = "No single item's removal changes the %(verdict)s verdict."
    no_assessments: str = "The dyad has no author-assessment items to leave out."
    without_changed: str = "Without %(which)s it would be %(verdict)s."
    without_stays: str = "Without %(which)s it stays %(verdict)s."
    why_not: str = "Not %(target)s because %(reasons)s."
    would_be: str = "without %(which)s it would be %(verdict)s"
    any_one_of: str = "any one of %(names)s"
    last_of_or_list: str = "%(rest)s or %(last)s"
    item_of_period: str = "%(key)s (%(period)s)"
    gap_count: str = (
        "only %(value)s of %(of)s %(label)s (%(code)s) are at least %(level)s (needs %(needs)s)"
    )
    gap: str = "%(label)s (%(code)s) is %(value)s (needs %(needs)s)"
    never_carried_shown: str = (
        ": no item dated %(span)s shows it at %(needs)s or more, and the rule never carries it "
        "from an earlier period"
    )
    never_carried_none: str = (
        ": no item dated %(span)s codes it, and the rule never carries it from an earlier period"
    )

    def or_list(self, parts: Sequence[str]) -> str:
        """ "a", "a or b", "a, b or c"."""
        if len(parts) <= 1:
            return "".join(parts)
        return self.last_of_or_list % {"rest": ", ".join(parts[:-1]), "last": parts[-1]}


ENGLISH_ROBUSTNESS = RobustnessWords()


def _could_change_values(items: Sequence[Mapping[str, int]], index: int) -> bool:
    """Whether leaving item ``index`` out can change its period's values at all.

    The rule reads a period's items only through each code's maximum and the set of codes
    coded 0 (which stops a carry). An item that holds neither a unique maximum nor a unique 0
    cannot change anything, so it needs no re-run: this keeps leave-one-out cheap.
    """
    for code, value in items[index].items():
        others = [item[code] for i, item in enumerate(items) if i != index and code in item]
        if not others or value > max(others):
            return True
        if value == 0 and 0 not in others:
            return True
    return False


def leave_one_out(
    inputs: Sequence[PeriodInput],
    item_keys: Mapping[str, Sequence[str]],
    *,
    carry_forward: Iterable[str] | None = None,
    rule: Rule = RULE_V1,
) -> dict[str, list[dict[str, Any]]]:
    """For each period, the single items whose removal changes its stage or coupling.

    An item may sit in an earlier period and matter later through carry-forward; the entry
    names the item's own period. ``item_keys[period][i]`` is the key of ``items[i]``.
    """
    carry = None if carry_forward is None else list(carry_forward)
    baseline = classify(inputs, carry_forward=carry, rule=rule)
    changes: dict[str, list[dict[str, Any]]] = {p.code: [] for p in inputs}
    for period in inputs:
        for index, key in enumerate(item_keys.get(period.code, ())):
            if not _could_change_values(period.items, index):
                continue
            without = classify_without(inputs, period.code, index, carry_forward=carry, rule=rule)
            for before, after in zip(baseline, without, strict=True):
                if (before.stage, before.coupling) != (after.stage, after.coupling):
                    changes[before.code].append(
                        {
                            "key": key,
                            "item_period": period.code,
                            "stage": after.stage,
                            "coupling": after.coupling,
                        }
                    )
    return changes


def classify_leaving_out(
    inputs: Sequence[PeriodInput],
    item_keys: Mapping[str, Sequence[str]],
    left_out: set[str],
    *,
    carry_forward: Iterable[str] | None = None,
    rule: Rule = RULE_V1,
) -> list[PeriodResult]:
    """The classification with a set of items (by key) left out of every period."""
    trimmed = [
        replace(
            p,
            items=[
                item
                for item, key in zip(p.items, item_keys.get(p.code, ()), strict=True)
                if key not in left_out
            ],
        )
        for p in inputs
    ]
    return classify(trimmed, carry_forward=carry_forward, rule=rule)


def next_stage_gaps(
    result: PeriodResult, items: Sequence[Item], rule: Rule = RULE_V1
) -> list[dict[str, Any]]:
    """What keeps a period from the next stage up, with what the period's own items show.

    For a code the rule never carries, the text says so: the period's own items are all there is.
    """
    above = step_above(result.stage, result.coupling, rule)
    if above is None:
        return []
    target, step = above
    gaps = []
    for condition in unmet(step, result.values):
        if condition.is_single:
            code = condition.codes[0]
            coded = [codes[code] for _, codes in items if code in codes]
            gaps.append(
                {
                    "target": target,
                    "code": code,
                    "label": condition.label,
                    "value": result.values.get(code, 0),
                    "needs": condition.minimum,
                    "of": None,
                    "at_least": None,
                    "items_coding_it": len(coded),
                    "never_carried": code in rule.never_carried,
                }
            )
        else:
            gaps.append(
                {
                    "target": target,
                    "code": condition.subject,
                    "label": condition.best or condition.label,
                    "value": score(condition, result.values),
                    "needs": condition.count if condition.is_count else condition.minimum,
                    "of": len(condition.codes) if condition.is_count else None,
                    "at_least": condition.minimum if condition.is_count else None,
                    "items_coding_it": None,
                    "never_carried": False,
                }
            )
    return gaps


def _gap_sentence(gap: Mapping[str, Any], span: str, rule: Rule, words: RobustnessWords) -> str:
    term = words.explain.term
    named = {
        "value": gap["value"],
        "label": term(gap["label"]),
        "code": gap["code"],
        "needs": gap["needs"],
    }
    if gap["of"] is not None:
        level = term(rule.scale.get(gap["at_least"], str(gap["at_least"])))
        return words.gap_count % {**named, "of": gap["of"], "level": level}
    text = words.gap % named
    if gap["never_carried"]:
        never = words.never_carried_shown if gap["items_coding_it"] else words.never_carried_none
        text += never % {"span": span, "needs": gap["needs"]}
    return text


def _target(target: str, rule: Rule, words: RobustnessWords) -> str:
    """The next step's name (``step_above``'s) in the reader's words."""
    if target == f"{rule.coupling.name} coupled":
        return words.explain.coupled(rule.coupling.name)
    return words.explain.term(target)


def _hangs_on_text(
    hangs_on: Sequence[Mapping[str, Any]], period: str, words: RobustnessWords
) -> str:
    """ "without KAR-064 it would be ascendant; without any one of A or B it would be none"."""
    by_verdict: dict[str, list[str]] = {}
    for h in hangs_on:
        name = (
            h["key"]
            if h["item_period"] == period
            else words.item_of_period % {"key": h["key"], "period": h["item_period"]}
        )
        verdict = words.explain.verdict_text(h["stage"], h["coupling"])
        by_verdict.setdefault(verdict, []).append(name)
    parts = []
    for verdict, names in by_verdict.items():
        which = names[0] if len(names) == 1 else words.any_one_of % {"names": words.or_list(names)}
        parts.append(words.would_be % {"which": which, "verdict": verdict})
    return "; ".join(parts)


def robustness_entry(
    result: PeriodResult,
    hangs_on: Sequence[Mapping[str, Any]],
    without_assessments: PeriodResult,
    assessments_left_out: int,
    gaps: Sequence[Mapping[str, Any]],
    rule: Rule = RULE_V1,
    assessments_here: int = 0,
    words: RobustnessWords = ENGLISH_ROBUSTNESS,
) -> dict[str, Any]:
    """One period's robustness, as data and as one paragraph a reader can quote (in
    ``words``, English by default).

    The author-assessment items are left out of every period at once (an earlier period's
    assessment can matter later through carry-forward); ``assessments_here`` counts this
    period's own."""
    span = span_text(result.start_year, result.end_year)
    verdict = words.explain.verdict_text(result.stage, result.coupling)
    changed = (without_assessments.stage, without_assessments.coupling) != (
        result.stage,
        result.coupling,
    )
    sentences = []
    if hangs_on:
        without = _hangs_on_text(hangs_on, result.code, words)
        sentences.append(words.hangs_on % {"verdict": verdict, "without": without})
    else:
        sentences.append(words.holds % {"verdict": verdict})
    if assessments_left_out == 0:
        sentences.append(words.no_assessments)
    else:
        which = words.assessments(assessments_left_out) % {
            "n": assessments_left_out,
            "here": assessments_here,
        }
        if changed:
            now = words.explain.verdict_text(
                without_assessments.stage, without_assessments.coupling
            )
            sentences.append(words.without_changed % {"which": which, "verdict": now})
        else:
            sentences.append(words.without_stays % {"which": which, "verdict": verdict})
    if gaps:
        reasons = words.explain.joined([_gap_sentence(g, span, rule, words) for g in gaps])
        target = _target(gaps[0]["target"], rule, words)
        sentences.append(words.why_not % {"target": target, "reasons": reasons})
    if result.pending_items:
        sentences.append(words.pending(result.pending_items) % {"n": result.pending_items})
    return {
        "period": result.code,
        "stage": result.stage,
        "coupling": result.coupling,
        "fragile": bool(hangs_on) or changed,
        "hangs_on": list(hangs_on),
        "without_author_assessment": {
            "stage": without_assessments.stage,
            "coupling": without_assessments.coupling,
            "changed": changed,
            "left_out": assessments_left_out,
            "in_period": assessments_here,
        },
        "next_stage_gaps": list(gaps),
        "summary": " ".join(sentences),
    }
