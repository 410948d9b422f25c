"""Step 5 of the rule (CODEBOOK.md §4): a period's verdict in words, generated only from the
result and the rule table, so the words can never say something the rule did not do.

PURE: the standard library only, like the rule it explains (``cases.classification.rule``).
Every word of a sentence comes from a ``Words``: ``ENGLISH`` by default, which the machine
outputs (the classify command, the period table, the bundle, the report's JSON) use; the pages
pass a translated one (``cases.classification.explain_words``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

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


def _same(word: str) -> str:
    return word


def _coupled(coupling: str) -> str:
    return f"{coupling} coupled"


def _pending(n: int) -> str:
    return (
        "%(n)d item awaits adjudication, left out."
        if n == 1
        else "%(n)d items await adjudication, left out."
    )


@dataclass(frozen=True)
class Words:
    """The sentence parts of an explanation: %-format strings with named placeholders (whole
    clauses, so that a language may order them its own way) and the names of the rule's words.

    ``term`` names a word of the rule table (a stage, a condition's label, a scale label, the
    base stage's summary); ``coupled`` a coupling ("loosely" -> "loosely coupled"); ``pending``
    picks the sentence for n pending items (languages count differently). Codes stay codes.
    """

    term: Callable[[str], str] = _same
    coupled: Callable[[str], str] = _coupled
    pending: Callable[[int], str] = _pending
    last_of_list: str = "%(rest)s and %(last)s"
    verdict: str = "%(stage)s, %(coupled)s"
    at_least: str = "at least %(level)s"
    run_one: str = "%(names)s %(level)s"
    run_both: str = "%(names)s both %(level)s"
    run_all: str = "%(names)s all %(level)s"
    met_count: str = "%(have)s of %(total)s %(label)s %(level)s"
    met_group: str = "%(label)s %(level)s (%(codes)s)"
    unmet_count: str = "only %(have)s of %(total)s %(label)s are %(level)s (needs %(count)s)"
    unmet: str = "%(name)s is %(have)s (needs %(minimum)s)"
    why_not: str = "not %(target)s because %(reasons)s"
    open_end: str = " onward"
    sentence: str = "%(span)s: %(verdict)s — %(reached)s"
    carried: str = "Carried forward: %(carried)s."
    carried_from: str = "%(codes)s from %(origin)s"
    override: str = "Override: %(code)s set to %(value)s instead of %(derived)s (%(why)s)."
    contested: str = "Contested (a 0 beside a value of 2 or more): %(codes)s."
    indeterminate: str = (
        "Indeterminate: %(codes)s not documented in this period; "
        "the fall from the previous period rests on that silence, not on evidence."
    )

    def joined(self, parts: Sequence[str]) -> str:
        """ "a", "a and b", "a, b and c"."""
        if len(parts) <= 1:
            return "".join(parts)
        return self.last_of_list % {"rest": ", ".join(parts[:-1]), "last": parts[-1]}

    def verdict_text(self, stage: str, coupling: str | None) -> str:
        """ "nascent", "mature, loosely coupled"."""
        if not coupling:
            return self.term(stage)
        return self.verdict % {"stage": self.term(stage), "coupled": self.coupled(coupling)}


ENGLISH = Words()


def joined(parts: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return ENGLISH.joined(parts)


def verdict_text(stage: str, coupling: str | None) -> str:
    """ "nascent", "mature, loosely coupled"."""
    return ENGLISH.verdict_text(stage, coupling)


def _level(minimum: int, rule: Rule, words: Words) -> str:
    """ "strong" at the top of the scale, "at least moderate" below it."""
    label = words.term(rule.scale.get(minimum, str(minimum)))
    return label if minimum == max(rule.scale) else words.at_least % {"level": label}


def _met_phrases(step: Step, values: Mapping[str, int], rule: Rule, words: Words) -> list[str]:
    """Describe a step's (met) conditions; runs of single codes at one level share a phrase."""
    phrases: list[str] = []
    run: list[Condition] = []

    def flush() -> None:
        if run:
            names = words.joined([words.term(c.label) for c in run])
            form = words.run_one if len(run) == 1 else words.run_both if len(run) == 2 else None
            form = form or words.run_all
            phrases.append(form % {"names": names, "level": _level(run[0].minimum, rule, words)})
            run.clear()

    for condition in step.conditions:
        if condition.is_single:
            if run and run[0].minimum != condition.minimum:
                flush()
            run.append(condition)
            continue
        flush()
        phrases.append(_met_group(condition, values, rule, words))
    flush()
    return phrases


def _met_group(condition: Condition, values: Mapping[str, int], rule: Rule, words: Words) -> str:
    level = _level(condition.minimum, rule, words)
    label = words.term(condition.label)
    if condition.is_count:
        have = score(condition, values)
        return words.met_count % {
            "have": have,
            "total": len(condition.codes),
            "label": label,
            "level": level,
        }
    meeting = [c for c in condition.codes if values.get(c, 0) >= condition.minimum]
    return words.met_group % {"label": label, "level": level, "codes": ", ".join(meeting)}


def _unmet_phrase(condition: Condition, values: Mapping[str, int], rule: Rule, words: Words) -> str:
    have = score(condition, values)
    if condition.is_count:
        return words.unmet_count % {
            "have": have,
            "total": len(condition.codes),
            "label": words.term(condition.label),
            "level": _level(condition.minimum, rule, words),
            "count": condition.count,
        }
    name = condition.label if condition.is_single else (condition.best or condition.label)
    return words.unmet % {"name": words.term(name), "have": have, "minimum": condition.minimum}


def _verdict_text(result: PeriodResult, rule: Rule, words: Words) -> tuple[str, str]:
    """(what the period reached, why it goes no higher)."""
    steps = {step.name: step for step in rule.stages}
    values = result.values
    if result.stage == rule.base_stage:
        reached = words.term(rule.base_summary)
    else:
        reached = "; ".join(_met_phrases(steps[result.stage], values, rule, words))
    above = step_above(result.stage, result.coupling, rule)
    if above is None:  # tightly coupled: nothing is above
        reached += "; " + "; ".join(_met_phrases(rule.coupling, values, rule, words))
        return reached, ""
    _, step = above
    # The step's name as the reader knows it: the next stage, or at the top the tighter coupling.
    target = words.coupled(step.name) if step is rule.coupling else words.term(step.name)
    reasons = [_unmet_phrase(c, values, rule, words) for c in unmet(step, values)]
    return reached, words.why_not % {"target": target, "reasons": words.joined(reasons)}


def _notes(result: PeriodResult, words: Words) -> list[str]:
    notes = []
    if result.carried:
        by_origin: dict[str, list[str]] = {}
        for code, origin in sorted(result.carried.items()):
            by_origin.setdefault(origin, []).append(code)
        carried = [
            words.carried_from % {"codes": ", ".join(codes), "origin": origin}
            for origin, codes in by_origin.items()
        ]
        notes.append(words.carried % {"carried": "; ".join(carried)})
    for o in result.overrides:
        why = o.rationale.strip().rstrip(".")
        notes.append(
            words.override % {"code": o.code, "value": o.value, "derived": o.derived, "why": why}
        )
    if result.contested:
        notes.append(words.contested % {"codes": words.joined(result.contested)})
    if result.indeterminate:
        notes.append(words.indeterminate % {"codes": words.joined(result.undocumented)})
    if result.pending_items:
        notes.append(words.pending(result.pending_items) % {"n": result.pending_items})
    return notes


def explain(result: PeriodResult, rule: Rule | None = None, words: Words = ENGLISH) -> str:
    """Step 5: one paragraph, generated only from the result and the rule table; in English
    unless ``words`` are another language's."""
    rule = rule or RULES[result.rule]
    reached, why_not = _verdict_text(result, rule, words)
    span = span_text(result.start_year, result.end_year, open_end=words.open_end)
    text = words.sentence % {
        "span": span,
        "verdict": words.verdict_text(result.stage, result.coupling),
        "reached": reached,
    }
    text += f"; {why_not}." if why_not else "."
    return " ".join([text, *_notes(result, words)])
