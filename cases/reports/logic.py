"""The pure parts of the dyad report: who sees what, the items behind each grid cell, robustness
(leave-one-out and without the authors' own assessments), the coders' verdicts beside the rule's,
the comparison table across dyads and the stage chart.

PURE: no Django. ``cases.reports.build`` gathers the inputs from the database (a fixed number of
queries) and calls these functions; they are tested on hand-made periods without a database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from io import StringIO
from typing import Any

from cases.classification.rule import (
    RULE_V1,
    Condition,
    PeriodInput,
    PeriodResult,
    Rule,
    classify,
    classify_without,
    holds,
    unmet,
)

# --- who sees what ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """What one reader of a report may see beyond the consensus (DESIGN.md, "Who may do what").

    Everyone reads the consensus, the verdicts, the evidence and the robustness checks. Only
    those who may read other people's stage judgments see who judged what. Observers, who code
    nothing and so cannot learn anything about their own blind work, see the judgments in
    aggregate and the agreement figures. Coders see neither: with two coders, "1 nascent,
    1 ascendant" next to their own verdict would tell them their colleague's, and so would an
    agreement coefficient computed against their own codes.
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
    """The one place that decides what a report shows to a reader of the given role."""
    if can_read_all_codings:
        return FULL
    # Observers and coders alike: DESIGN.md's table gives neither of them other people's stage
    # judgments or agreement figures, and even counts of verdicts would tell a coder what a
    # colleague thought. AGGREGATE stays available for a project that chooses to show counts.
    return CONSENSUS_ONLY


# --- verdicts in words ------------------------------------------------------------------------


def verdict_text(stage: str, coupling: str | None) -> str:
    return f"{stage}, {coupling} coupled" if coupling else stage


def span_text(start_year: int, end_year: int | None) -> str:
    if end_year is None:
        return f"{start_year}–"
    if end_year == start_year:
        return str(start_year)
    return f"{start_year}–{end_year}"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


# --- the grid: which items set a period value -------------------------------------------------

Item = tuple[str, Mapping[str, int]]  # (evidence key, its consensus codes)


def trace_cell(
    code: str, result: PeriodResult, items_by_period: Mapping[str, Sequence[Item]]
) -> dict[str, Any]:
    """One grid cell: the period value and the evidence items that set it.

    The items that set a value are those whose consensus equals the period's maximum (rule v1,
    step 0); a carried value points to the items of the period it was carried from; an override
    points to no item but carries its rationale. ``value`` is None when nothing was coded.
    """
    own = [
        (key, codes[code]) for key, codes in items_by_period.get(result.code, ()) if code in codes
    ]
    override = next((o for o in result.overrides if o.code == code), None)
    carried_from = result.carried.get(code)
    value = result.values.get(code, 0)
    if override is not None:
        setters: list[str] = []
    elif carried_from is not None:
        setters = [
            key for key, codes in items_by_period.get(carried_from, ()) if codes.get(code) == value
        ]
    else:
        setters = [key for key, v in own if v == value]
    coded = bool(own) or carried_from is not None or override is not None
    return {
        "period": result.code,
        "value": value if coded else None,
        "carried_from": carried_from,
        "override": (
            {"value": override.value, "derived": override.derived, "rationale": override.rationale}
            if override
            else None
        ),
        "contested": code in result.contested,
        "items": setters,
        "other_items": [{"key": key, "value": v} for key, v in own if key not in setters],
    }


def grid_rows(
    criteria: Sequence[Mapping[str, Any]],
    results: Sequence[PeriodResult],
    items_by_period: Mapping[str, Sequence[Item]],
) -> list[dict[str, Any]]:
    """Frameworks → groups → criteria → one cell per period, in codebook order.

    ``criteria`` are dicts with code, name, framework, group and carry_forward.
    """
    frameworks: list[dict[str, Any]] = []
    for criterion in criteria:
        if not frameworks or frameworks[-1]["framework"] != criterion["framework"]:
            frameworks.append({"framework": criterion["framework"], "groups": []})
        groups = frameworks[-1]["groups"]
        if not groups or groups[-1]["group"] != criterion["group"]:
            groups.append({"group": criterion["group"], "criteria": []})
        groups[-1]["criteria"].append(
            {
                "code": criterion["code"],
                "name": criterion["name"],
                "carry_forward": criterion["carry_forward"],
                "cells": [trace_cell(criterion["code"], r, items_by_period) for r in results],
            }
        )
    return frameworks


# --- robustness -------------------------------------------------------------------------------


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
    steps = {step.name: step for step in rule.stages}
    names = rule.stage_names
    if result.coupling is not None:
        target, step = f"{rule.coupling.name} coupled", rule.coupling
    elif result.stage in names[:-1]:
        target = names[names.index(result.stage) + 1]
        step = steps[target]
    else:
        return []
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
            have = (
                sum(result.values.get(c, 0) >= condition.minimum for c in condition.codes)
                if condition.is_count
                else max(result.values.get(c, 0) for c in condition.codes)
            )
            gaps.append(
                {
                    "target": target,
                    "code": condition.subject,
                    "label": condition.best or condition.label,
                    "value": have,
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
            names[0] if len(names) == 1 else f"any one of {_join(names).replace(' and ', ' or ')}"
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
        reasons = _join([_gap_sentence(g, span, rule) for g in gaps])
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


# --- the coders' verdicts beside the rule's ---------------------------------------------------


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
    parts = _join([f"{count} {verdict}" for verdict, count in ranked])
    return f"The {n} coders judged it {parts}; the rule gives {rule_verdict}."


# --- the author's own stage assessment beside the rule's --------------------------------------


def _condition_text(condition: Condition, values: Mapping[str, int]) -> str:
    """A condition with the value the period has: "AB-T3-ID = 2 (needs 3)"."""
    if condition.is_count:
        have = sum(values.get(c, 0) >= condition.minimum for c in condition.codes)
        return (
            f"{have} of {len(condition.codes)} {condition.subject} >= {condition.minimum} "
            f"(needs {condition.count})"
        )
    have = max(values.get(c, 0) for c in condition.codes)
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
        why = f"short of {targets[0]} on {_join(deciding)}"
    else:
        why = f"every condition of {_join(targets)} holds ({_join(deciding)})"
    if result.indeterminate:
        why += f"; {_join(result.undocumented)} not documented in this period"
    return {
        "agrees": False,
        "direction": "lower" if lower else "higher",
        "deciding": deciding,
        "sentence": f"The rule gives {verdict} where the author assesses {author}: {why}.",
    }


# --- comparison across dyads ------------------------------------------------------------------


def compare_table(
    dyads: Sequence[Mapping[str, Any]],
    *,
    spans: Iterable[tuple[int, int | None]] | None = None,
) -> dict[str, Any]:
    """Rows of dyads, columns of the distinct period spans (sorted by start year; an open period
    after a closed one starting the same year). A dyad's period sits in the column of its own
    span; different spans are different columns. ``spans``: the columns to use (e.g. those of
    every dyad, when ``dyads`` is one page of them); default the dyads' own spans."""
    if spans is None:
        spans = [(p["start_year"], p["end_year"]) for d in dyads for p in d["periods"]]
    ordered = sorted(set(spans), key=lambda s: (s[0], s[1] is None, s[1] or 0))
    columns = [{"start_year": s, "end_year": e, "span": span_text(s, e)} for s, e in ordered]
    rows = []
    for dyad in dyads:
        by_span = {(p["start_year"], p["end_year"]): p for p in dyad["periods"]}
        rows.append(
            {
                "code": dyad["code"],
                "name": dyad["name"],
                "cells": [by_span.get(span) for span in ordered],
            }
        )
    return {"columns": columns, "rows": rows}


# --- the stage chart --------------------------------------------------------------------------

STAGE_COLOURS = {
    "none": "#d9dde2",
    "nascent": "#ecd89a",
    "ascendant": "#9cc9ad",
    "mature": "#4e8f6f",
}


def stage_chart_svg(
    periods: Sequence[Mapping[str, Any]],
    last_year: int,
    stages: Sequence[str] = RULE_V1.stage_names,
) -> str:
    """A step chart of the stage over the years, as SVG text. Deterministic: the same periods
    give the same bytes (fixed hash salt, no date, text kept as text).

    ``periods`` are dicts with code, start_year, end_year (None: open, drawn to ``last_year``),
    stage and coupling.
    """
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    level = {name: i for i, name in enumerate(stages)}
    settings = {
        "svg.hashsalt": "sccoder-report",
        "svg.fonttype": "none",
        "svg.id": "stages",
        "font.family": "sans-serif",
        "font.size": 9,
    }
    with rc_context(settings):
        figure = Figure(figsize=(7.5, 2.6))
        axes = figure.add_axes((0.13, 0.2, 0.84, 0.68))
        xs, ys = [], []
        for p in periods:
            start = p["start_year"]
            end = (p["end_year"] if p["end_year"] is not None else max(last_year, start)) + 1
            y = level.get(p["stage"], 0)
            axes.axvspan(start, end, color=STAGE_COLOURS.get(p["stage"], "#eeeeee"), alpha=0.35)
            axes.text((start + end) / 2, len(stages) - 0.55, p["code"], ha="center", va="top")
            if p.get("coupling"):
                axes.text(
                    (start + end) / 2, y - 0.15, f"{p['coupling']}\ncoupled", ha="center", va="top"
                )
            xs += [start, end]
            ys += [y, y]
        axes.plot(xs, ys, color="#1d232b", linewidth=2, drawstyle="steps-post")
        axes.set_yticks(range(len(stages)), list(stages))
        axes.set_ylim(-0.6, len(stages) - 0.4)
        if xs:
            axes.set_xlim(min(xs), max(xs))
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_xlabel("year")
        out = StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
