"""The report's robustness checks: the single items a verdict hangs on (leave-one-out), the
verdict without the authors' own assessments, and what keeps a period from the next stage up.

PURE: no Django; ``cases.reports.build`` and the replication package's tables call it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from cases.classification.explain import joined, verdict_text
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


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


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


def _gap_sentence(gap: Mapping[str, Any], span: str, rule: Rule) -> str:
    if gap["of"] is not None:
        level = rule.scale.get(gap["at_least"], str(gap["at_least"]))
        return (
            f"only {gap['value']} of {gap['of']} {gap['label']} ({gap['code']}) are at least "
            f"{level} (needs {gap['needs']})"
        )
    text = f"{gap['label']} ({gap['code']}) is {gap['value']} (needs {gap['needs']})"
    if gap["never_carried"]:
        shown = (
            "shows it at {} or more".format(gap["needs"]) if gap["items_coding_it"] else "codes it"
        )
        text += (
            f": no item dated {span} {shown}, and the rule never carries it from an earlier period"
        )
    return text


def _hangs_on_text(hangs_on: Sequence[Mapping[str, Any]], period: str) -> str:
    """ "without KAR-064 it would be ascendant; without any one of A or B it would be none"."""
    by_verdict: dict[str, list[str]] = {}
    for h in hangs_on:
        name = h["key"] if h["item_period"] == period else f"{h['key']} ({h['item_period']})"
        by_verdict.setdefault(verdict_text(h["stage"], h["coupling"]), []).append(name)
    parts = []
    for verdict, names in by_verdict.items():
        which = (
            names[0] if len(names) == 1 else f"any one of {joined(names).replace(' and ', ' or ')}"
        )
        parts.append(f"without {which} it would be {verdict}")
    return "; ".join(parts)


def robustness_entry(
    result: PeriodResult,
    hangs_on: Sequence[Mapping[str, Any]],
    without_assessments: PeriodResult,
    assessments_left_out: int,
    gaps: Sequence[Mapping[str, Any]],
    rule: Rule = RULE_V1,
    assessments_here: int = 0,
) -> dict[str, Any]:
    """One period's robustness, as data and as one paragraph a reader can quote.

    The author-assessment items are left out of every period at once (an earlier period's
    assessment can matter later through carry-forward); ``assessments_here`` counts this
    period's own."""
    span = span_text(result.start_year, result.end_year)
    verdict = verdict_text(result.stage, result.coupling)
    changed = (without_assessments.stage, without_assessments.coupling) != (
        result.stage,
        result.coupling,
    )
    sentences = []
    if hangs_on:
        sentences.append(
            f"The {verdict} verdict hangs on single items: {_hangs_on_text(hangs_on, result.code)}."
        )
    else:
        sentences.append(f"No single item's removal changes the {verdict} verdict.")
    if assessments_left_out == 0:
        sentences.append("The dyad has no author-assessment items to leave out.")
    else:
        which = (
            f"the dyad's {_plural(assessments_left_out, 'author-assessment item')} "
            f"({assessments_here} in this period)"
        )
        if changed:
            now = verdict_text(without_assessments.stage, without_assessments.coupling)
            sentences.append(f"Without {which} it would be {now}.")
        else:
            sentences.append(f"Without {which} it stays {verdict}.")
    if gaps:
        reasons = joined([_gap_sentence(g, span, rule) for g in gaps])
        sentences.append(f"Not {gaps[0]['target']} because {reasons}.")
    if result.pending_items:
        sentences.append(
            f"{_plural(result.pending_items, 'item')} "
            f"{'awaits' if result.pending_items == 1 else 'await'} adjudication and "
            f"{'is' if result.pending_items == 1 else 'are'} left out; "
            "settling them may change the verdict."
        )
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
