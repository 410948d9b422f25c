"""Step 5 of the rule (CODEBOOK.md §4): a period's verdict in English, generated only from the
result and the rule table, so the words can never say something the rule did not do.

PURE: the standard library only, like the rule it explains (``cases.classification.rule``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cases.classification.rule import (
    RULES,
    Condition,
    PeriodResult,
    Rule,
    Step,
    score,
    step_above,
    unmet,
)
from cases.lib.dates import span_text


def joined(parts: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def verdict_text(stage: str, coupling: str | None) -> str:
    """ "nascent", "mature, loosely coupled"."""
    return f"{stage}, {coupling} coupled" if coupling else stage


def _level(minimum: int, rule: Rule) -> str:
    """ "strong" at the top of the scale, "at least moderate" below it."""
    label = rule.scale.get(minimum, str(minimum))
    return label if minimum == max(rule.scale) else f"at least {label}"


def _met_phrases(step: Step, values: Mapping[str, int], rule: Rule) -> list[str]:
    """Describe a step's (met) conditions; runs of single codes at one level share a phrase."""
    phrases: list[str] = []
    run: list[Condition] = []

    def flush() -> None:
        if run:
            names = joined([c.label for c in run])
            both = "" if len(run) == 1 else (" both" if len(run) == 2 else " all")
            phrases.append(f"{names}{both} {_level(run[0].minimum, rule)}")
            run.clear()

    for condition in step.conditions:
        if condition.is_single:
            if run and run[0].minimum != condition.minimum:
                flush()
            run.append(condition)
            continue
        flush()
        phrases.append(_met_group(condition, values, rule))
    flush()
    return phrases


def _met_group(condition: Condition, values: Mapping[str, int], rule: Rule) -> str:
    level = _level(condition.minimum, rule)
    if condition.is_count:
        have = score(condition, values)
        return f"{have} of {len(condition.codes)} {condition.label} {level}"
    meeting = [c for c in condition.codes if values.get(c, 0) >= condition.minimum]
    return f"{condition.label} {level} ({', '.join(meeting)})"


def _unmet_phrase(condition: Condition, values: Mapping[str, int], rule: Rule) -> str:
    have = score(condition, values)
    if condition.is_count:
        return (
            f"only {have} of {len(condition.codes)} {condition.label} are "
            f"{_level(condition.minimum, rule)} (needs {condition.count})"
        )
    name = condition.label if condition.is_single else (condition.best or condition.label)
    return f"{name} is {have} (needs {condition.minimum})"


def _verdict_text(result: PeriodResult, rule: Rule) -> tuple[str, str]:
    """(what the period reached, why it goes no higher)."""
    steps = {step.name: step for step in rule.stages}
    values = result.values
    if result.stage == rule.base_stage:
        reached = rule.base_summary
    else:
        reached = "; ".join(_met_phrases(steps[result.stage], values, rule))
    above = step_above(result.stage, result.coupling, rule)
    if above is None:  # tightly coupled: nothing is above
        reached += "; " + "; ".join(_met_phrases(rule.coupling, values, rule))
        return reached, ""
    target, step = above
    reasons = [_unmet_phrase(c, values, rule) for c in unmet(step, values)]
    return reached, f"not {target} because {joined(reasons)}"


def _notes(result: PeriodResult) -> list[str]:
    notes = []
    if result.carried:
        by_origin: dict[str, list[str]] = {}
        for code, origin in sorted(result.carried.items()):
            by_origin.setdefault(origin, []).append(code)
        carried = [f"{', '.join(codes)} from {origin}" for origin, codes in by_origin.items()]
        notes.append(f"Carried forward: {'; '.join(carried)}.")
    for o in result.overrides:
        why = o.rationale.strip().rstrip(".")
        notes.append(f"Override: {o.code} set to {o.value} instead of {o.derived} ({why}).")
    if result.contested:
        notes.append(f"Contested (a 0 beside a value of 2 or more): {joined(result.contested)}.")
    if result.indeterminate:
        notes.append(
            f"Indeterminate: {joined(result.undocumented)} not documented in this period; "
            "the fall from the previous period rests on that silence, not on evidence."
        )
    if result.pending_items:
        one = result.pending_items == 1
        notes.append(
            f"{result.pending_items} item{'' if one else 's'} "
            f"{'awaits' if one else 'await'} adjudication, left out."
        )
    return notes


def explain(result: PeriodResult, rule: Rule | None = None) -> str:
    """Step 5: one paragraph of English, generated only from the result and the rule table."""
    rule = rule or RULES[result.rule]
    reached, why_not = _verdict_text(result, rule)
    span = span_text(result.start_year, result.end_year, open_end=" onward")
    text = f"{span}: {verdict_text(result.stage, result.coupling)} — {reached}"
    text += f"; {why_not}." if why_not else "."
    return " ".join([text, *_notes(result)])
