"""The dyad report: verdicts per period, the evidence and pages behind every value, robustness,
the coders' verdicts beside the rule's, agreement, citations and bibliography.

``build_report`` returns one JSON-ready dict; the HTML page renders it and the API serves it as
is. It reads the database in a fixed number of queries whatever the dyad's size and asks one
place (``cases.reports.audience.audience_for``) what the reader's role may see. The report reads
the consensus only: never a coder's raw codings or notes. The pure parts it calls are the other
modules of ``cases.reports``; the citations are ``cases.reports.citing``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from cases.classification.community import lagging_dyads
from cases.classification.explain import ENGLISH, Words, explain
from cases.classification.inputs import (
    carry_forward_codes,
    classify_member_dyads,
    find_dyads,
    gather_inputs,
)
from cases.classification.rule import RULE_V1, VERSIONS, Rule, classify
from cases.lib.cache import cached_for_project
from cases.lib.dates import span_text
from cases.models import (
    Dyad,
    Evidence,
    EvidenceType,
    Membership,
    PeriodOverride,
    Project,
    StageJudgment,
)
from cases.reports.audience import Audience, audience_for
from cases.reports.beside import (
    ENGLISH_BESIDE,
    BesideWords,
    Judgment,
    author_beside_rule,
    judgments_beside_rule,
)
from cases.reports.citing import bibliography, cite_entries
from cases.reports.grid import grid_rows
from cases.reports.robustness import (
    ENGLISH_ROBUSTNESS,
    RobustnessWords,
    classify_leaving_out,
    leave_one_out,
    next_stage_gaps,
    robustness_entry,
)
from cases.review.agreement.reading import ENGLISH_READING, ReadingWords
from cases.review.reliability import (
    FIGURES_VERSION,
    ROW_KEYS,
    agreement_rows,
    stage_judgment_agreement,
)
from cases.visibility import Visibility, visibility_for

# What each measure (application, value) of an agreement row carries, once its scope is known.
MEASURE_KEYS = ROW_KEYS[ROW_KEYS.index("n_units") :]

REPORT_FORMAT = "sccoder-report"
REPORT_VERSION = 1
# What a report holds within its format (counted up when keys are added, e.g. the author's stage
# assessments): part of the cache key, so a report cached by earlier code is not served.
# 3: a community's member dyads beside its verdicts; 4: the page's sentences in its language;
# 5: the author's stage assessments named in the page's words.
REPORT_CONTENTS = 5


def audience_of(membership: Membership | None) -> Audience:
    if membership is None:
        return audience_for(None)
    return audience_for(membership.role, can_read_all_codings=membership.can_read_all_codings)


def build_report(
    project: Project,
    dyad: Dyad | str,
    viewer: Membership | None = None,
    *,
    rule: Rule | None = None,
    visibility: Visibility | None = None,
    words: Words = ENGLISH,
    reading_words: ReadingWords = ENGLISH_READING,
    robustness_words: RobustnessWords = ENGLISH_ROBUSTNESS,
    beside_words: BesideWords = ENGLISH_BESIDE,
) -> dict[str, Any]:
    """The report of one dyad as a JSON-ready dict, shaped for ``viewer`` (None: the least
    a member may see, i.e. a coder's view). Items the viewer still has to code count as not
    coded everywhere, verdicts included, and are listed as hidden (``cases.visibility``).

    ``words``: the explanations' words. English (the default) for the report's JSON, which
    scripts read; the HTML page passes the reader's language
    (``cases.classification.explain_words``). ``reading_words``: the agreement readings' notes,
    likewise (``cases.review.reading_words``); ``robustness_words`` and ``beside_words``: the
    robustness paragraphs and the sentences beside the rule (``cases.reports.page_words``).
    """
    dyad = _the_dyad(project, dyad)
    audience = audience_of(viewer)
    rule = rule or project.rule
    if visibility is None:
        visibility = visibility_for(viewer)
    periods = sorted(dyad.periods.all(), key=lambda p: p.start_year)
    gathered = gather_inputs(project, [dyad], visibility)
    inputs = gathered.inputs[dyad.pk]
    carry = carry_forward_codes(project)
    results = classify(inputs, carry_forward=carry, rule=rule)
    other = _other_rule(inputs, results, carry, rule, words)

    evidence = list(
        Evidence.objects.filter(project=project, dyad=dyad)
        .select_related("source", "via_source")
        .order_by("date_start", "key")
    )
    key_of = {e.pk: e.key for e in evidence}
    code_of_period = {p.pk: p.code for p in periods}
    item_keys = {p.code: [key_of[pk] for pk in gathered.item_ids.get(p.pk, [])] for p in periods}
    items_by_period = {p.code: list(zip(item_keys[p.code], p.items, strict=True)) for p in inputs}
    criteria = list(
        project.codebook.criteria.in_codebook_order().values(
            "code", "name", "framework", "group", "carry_forward"
        )
    )
    entries = _evidence_entries(evidence, gathered.consensus, code_of_period, periods, criteria)
    cite_entries(project, evidence, entries)

    report = {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "project": {"slug": project.slug, "name": project.name},
        "dyad": {
            "code": dyad.code,
            "name": dyad.name,
            "state_a": dyad.state_a,
            "state_b": dyad.state_b,
        },
        "rule": rule.name,
        "rule_version": rule.short_name,
        "audience": audience.name,
        "scale": [{"value": v, "label": label} for v, label in rule.scale.items()],
        "stages": list(rule.stage_names),
        "periods": _with_author_assessments(
            _with_other_rule(_periods(results, periods, dyad, rule, gathered.hidden, words), other),
            results,
            entries,
            rule,
            beside_words,
        ),
        "other_rule": other,
        "grid": grid_rows(criteria, results, items_by_period),
        "robustness": _robustness(
            inputs, results, item_keys, items_by_period, entries, carry, rule, robustness_words
        ),
        "stage_judgments": _judgments(project, dyad, results, audience, entries, beside_words),
        "agreement": _agreement(project, dyad, audience, reading_words),
        "evidence": entries,
        "hidden_items": sum(e["hidden_until_submitted"] for e in entries),
        "bibliography": bibliography(project, evidence),
    }
    if dyad.is_community:
        _with_member_dyads(report, project, dyad, results, rule, visibility, words)
    return report


def _with_member_dyads(
    report, project, community: Dyad, results, rule: Rule, visibility, words: Words
) -> None:
    """A community's report: its members, each member dyad's verdicts beside the community's
    (from the items naming both its states), and per period the member dyads that lag it."""
    members = classify_member_dyads(project, community, visibility=visibility, rule=rule)
    lagging = lagging_dyads(results, {m.code: m.results for m in members}, rule)
    report["dyad"]["states"] = community.member_states
    report["member_dyads"] = [
        {
            "code": m.code,
            "states": list(m.states),
            "periods": [
                {
                    "code": r.code,
                    "stage": r.stage,
                    "coupling": r.coupling,
                    "lags": r.code in lagging and m.code in lagging[r.code],
                    "blocked_by": list(r.blocked_by),
                    "explanation": explain(r, rule, words),
                }
                for r in m.results
            ],
        }
        for m in members
    ]
    for period in report["periods"]:
        period["lagging_dyads"] = lagging.get(period["code"], [])


def cached_report(
    project: Project, dyad: Dyad | str, viewer: Membership | None = None
) -> dict[str, Any]:
    """``build_report`` (the project's rule), kept until anything of the project it reads
    changes: the
    leave-one-out trace and the bootstrap make it the slowest page to compute."""
    dyad = _the_dyad(project, dyad)
    visibility = visibility_for(viewer)
    return cached_for_project(
        "dyad-report",
        project,
        report_key(project, dyad, viewer, visibility),
        lambda: build_report(project, dyad, viewer, visibility=visibility),
    )


def report_key(
    project: Project, dyad: Dyad, viewer: Membership | None, visibility: Visibility
) -> list:
    """What a cached report depends on besides the project's data: which report, which rule,
    and what the reader may see (a coder must never be served a reviewer's report, nor one
    coder the report of another who has submitted different items)."""
    return [
        REPORT_VERSION,
        REPORT_CONTENTS,
        FIGURES_VERSION,
        project.rule_version,
        dyad.pk,
        repr(audience_of(viewer)),
        visibility.cache_part,
    ]


def _the_dyad(project: Project, dyad: Dyad | str) -> Dyad:
    """A Dyad of the project, found by code in either order (``UnknownDyad`` if there is none).

    A dyad of another project is looked up by its code here, so it cannot leak across projects.
    """
    if isinstance(dyad, Dyad) and dyad.project_id == project.pk:
        return dyad
    code = dyad if isinstance(dyad, str) else dyad.code
    return find_dyads(project, code)[0]


def _periods(
    results, periods, dyad: Dyad, rule: Rule, hidden: dict, words: Words
) -> list[dict[str, Any]]:
    label_of = {p.code: p.label for p in periods}
    hidden_in = {p.code: hidden.get(p.pk, 0) for p in periods}
    who = {
        (period, code): name
        for period, code, name in PeriodOverride.objects.filter(period__dyad=dyad).values_list(
            "period__code", "criterion__code", "decided_by__username"
        )
    }
    out = []
    for r in results:
        out.append(
            {
                "code": r.code,
                "label": label_of.get(r.code, ""),
                "start_year": r.start_year,
                "end_year": r.end_year,
                "span": span_text(r.start_year, r.end_year),
                "stage": r.stage,
                "coupling": r.coupling,
                "explanation": explain(r, rule, words),
                "blocked_by": list(r.blocked_by),
                "loose_count": r.loose_count,
                "tight_count": r.tight_count,
                "pending_items": r.pending_items,
                "hidden_items": hidden_in.get(r.code, 0),
                "values": dict(r.values),
                "carried": dict(r.carried),
                "indeterminate": r.indeterminate,
                "undocumented": list(r.undocumented),
                "contested": list(r.contested),
                "overrides": [
                    {
                        "criterion": o.code,
                        "value": o.value,
                        "derived": o.derived,
                        "rationale": o.rationale,
                        "decided_by": who.get((r.code, o.code)),
                    }
                    for o in r.overrides
                ],
            }
        )
    return out


def _other_rule(inputs, results, carry, rule: Rule, words: Words) -> dict[str, Any]:
    """The verdicts under the other rule version, for the periods where they differ: a reader
    sees at once what the choice of rule decides (CODEBOOK.md §4b)."""
    other = RULE_V1 if rule.short_name != "v1" else VERSIONS["v2"]
    differing = []
    for mine, theirs in zip(
        results, classify(inputs, carry_forward=carry, rule=other), strict=True
    ):
        if (mine.stage, mine.coupling) != (theirs.stage, theirs.coupling):
            differing.append(
                {
                    "period": theirs.code,
                    "stage": theirs.stage,
                    "coupling": theirs.coupling,
                    "blocked_by": list(theirs.blocked_by),
                    "explanation": explain(theirs, other, words),
                }
            )
    return {"rule": other.name, "rule_version": other.short_name, "periods": differing}


def _with_other_rule(periods: list[dict], other: dict) -> list[dict]:
    differing = {p["period"]: p for p in other["periods"]}
    for period in periods:
        period["under_other_rule"] = differing.get(period["code"])
    return periods


def _evidence_entries(evidence, consensus, code_of_period, periods, criteria) -> list[dict]:
    """Every item of the dyad, in period and date order, numbered for the notes."""
    order = {code: i for i, code in enumerate(c["code"] for c in criteria)}
    period_order = {p.pk: i for i, p in enumerate(periods)}
    ordered = sorted(
        evidence, key=lambda e: (period_order.get(e.period_id, 0), e.date_start, e.key)
    )
    entries = []
    for number, e in enumerate(ordered, start=1):
        state = consensus.get(e.pk)
        pending = bool(state and state.awaits_adjudication)
        hidden = bool(state and state.hidden)
        values = {} if pending or hidden or state is None else state.values
        entries.append(
            {
                "id": e.pk,
                "key": e.key,
                "number": number,
                "date": e.date,
                "period": code_of_period.get(e.period_id),
                "evidence_type": e.evidence_type,
                "evidence_type_label": str(EvidenceType(e.evidence_type).label),
                "quote": e.quote,
                "summary": e.summary,
                "source": e.source.key,
                "locator": e.locator,
                "locator_note": e.locator_note,
                "footnote": e.footnote,
                "via_source": e.via_source.key if e.via_source_id else None,
                "via_locator": e.via_locator,
                "assessed_stage": e.assessed_stage or None,
                "assessed_coupling": e.assessed_coupling or None,
                "citation": "",
                "values": dict(sorted(values.items(), key=lambda kv: order.get(kv[0], 10**6))),
                "awaits_adjudication": pending,
                "hidden_until_submitted": hidden,
            }
        )
    return entries


def _robustness(
    inputs, results, item_keys, items_by_period, entries, carry, rule, words: RobustnessWords
) -> list[dict]:
    """Leave-one-out per item, and the rule re-run without the authors' own assessments."""
    hangs_on = leave_one_out(inputs, item_keys, carry_forward=carry, rule=rule)
    # The author assessments the rule reads: those coded on criteria. A bare stage verdict
    # (CODEBOOK.md §4b) is shown beside the rule instead and has nothing to leave out.
    assessed = [
        e
        for e in entries
        if e["evidence_type"] == EvidenceType.AUTHOR_ASSESSMENT
        and e["values"]
        and not (e["awaits_adjudication"] or e["hidden_until_submitted"])
    ]
    assessments = {e["key"] for e in assessed}
    without = classify_leaving_out(inputs, item_keys, assessments, carry_forward=carry, rule=rule)
    return [
        robustness_entry(
            result,
            hangs_on[result.code],
            changed,
            len(assessments),
            next_stage_gaps(result, items_by_period.get(result.code, ()), rule),
            rule,
            assessments_here=sum(e["period"] == result.code for e in assessed),
            words=words,
        )
        for result, changed in zip(results, without, strict=True)
    ]


def _judgments(
    project: Project,
    dyad: Dyad,
    results,
    audience: Audience,
    entries: list[dict],
    words: BesideWords,
) -> dict | None:
    """The coders' holistic verdicts, as far as the reader may see them, with the author's own
    assessment of each period beside them. For coders nothing is even loaded: what is not read
    cannot leak."""
    if not audience.judgment_summary:
        return None
    loaded = [
        Judgment(j.period.code, j.coder.username, j.stage, j.coupling, j.rationale)
        for j in StageJudgment.objects.filter(period__dyad=dyad).select_related("period", "coder")
    ]
    rows = judgments_beside_rule(results, loaded, audience, words)
    for row in rows:
        row["author"] = [
            {
                "key": e["key"],
                "verdict": words.explain.verdict_text(e["assessed_stage"], e["assessed_coupling"]),
            }
            for e in entries
            if e["period"] == row["period"] and e["assessed_stage"]
        ]
    return {"periods": rows, "agreement": stage_judgment_agreement(project, dyad=dyad)}


def _with_author_assessments(
    periods: list[dict], results, entries: list[dict], rule, words: BesideWords
) -> list:
    """Each period's stage assessments by the source's author (CODEBOOK.md §4b), beside the
    rule's verdict: evidence, so every member sees them; where the verdicts differ, the codes
    that decide it."""
    result_of = {r.code: r for r in results}
    for period in periods:
        period["author_assessments"] = [
            {
                "key": e["key"],
                "number": e["number"],
                "stage": e["assessed_stage"],
                "coupling": e["assessed_coupling"],
                # In the page's words; the stage and coupling stay the codebook's terms.
                "verdict": words.explain.verdict_text(e["assessed_stage"], e["assessed_coupling"]),
                "citation": e["citation"],
                "quote": e["quote"],
                **author_beside_rule(
                    result_of[period["code"]],
                    e["assessed_stage"],
                    e["assessed_coupling"],
                    rule,
                    words,
                ),
            }
            for e in entries
            if e["period"] == period["code"] and e["assessed_stage"]
        ]
    return periods


def _agreement(
    project: Project, dyad: Dyad, audience: Audience, words: ReadingWords
) -> list[dict] | None:
    """Inter-coder agreement on this dyad's items: one row per criterion, group and overall,
    pairing the two measures (application, value) of the review module."""
    if not audience.agreement:
        return None
    paired: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    for row in agreement_rows(project, dyad=dyad, words=words):
        # Groups are named within their framework: Deutsch's "Outcome" is not Adler &
        # Barnett's, so the framework is part of the key.
        key = (row["scope"], row["framework"], row["key"])
        paired[key].update(
            scope=row["scope"], key=row["key"], framework=row["framework"], group=row["group"]
        )
        paired[key][row["measure"]] = {k: row[k] for k in MEASURE_KEYS}
    return list(paired.values())


__all__ = ["REPORT_FORMAT", "audience_of", "build_report", "cached_report", "report_key"]
