"""Decision rules v1 and v2 (CODEBOOK.md §4, §4b): consensus codes per period -> stage and
coupling.

PURE: the standard library only, so the rule can be tested by hand and re-run in scripts.
An adapter (``cases.classification.inputs``) feeds it from the database; the words that explain
a verdict (step 5) are ``cases.classification.explain``.

The thresholds and code groups live in one table per rule, ``RULE_V1`` and ``RULE_V2``; the
functions below only read a table. v2 differs from v1 in three table entries (trust and identity
carry forward; ascendant needs identity emerging and military coordination or less fear; silence
is not a fall), each with its reason in CODEBOOK.md §4b and docs/classification.md.

Two things the codebook leaves open are settled here (and tested):

- An override replaces a period value after carrying, and the next period carries the
  overridden value: the reviewer's value *is* the period's value.
- The codes the rule requires to be shown in the period itself (trust, identity, dependable
  expectations, coupling indicators) are never carried, even if a codebook flags them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from types import MappingProxyType

# --- the rule table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """At least ``count`` of ``codes`` reach ``minimum``.

    One code is a plain threshold ("AB-T3-TRUST >= 3"); several codes with count 1 read their
    maximum ("max(AB-T2-TRANS, AB-T2-ORG) >= 2"); a higher count is a k-of-n test.
    ``label`` names the condition in English; ``best`` phrases a failed max-test.
    """

    codes: tuple[str, ...]
    minimum: int
    label: str
    count: int = 1
    group: str = ""  # short machine name of several codes, e.g. "AB-LC-*"
    best: str = ""

    @property
    def is_single(self) -> bool:
        return len(self.codes) == 1

    @property
    def is_count(self) -> bool:
        return self.count > 1

    @property
    def subject(self) -> str:
        return self.group or ", ".join(self.codes)


@dataclass(frozen=True)
class Step:
    """A stage (or the tight coupling) a period reaches when every condition holds."""

    name: str
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Rule:
    name: str
    scale: Mapping[int, str]  # value -> label, e.g. 2 -> "moderate"
    carry_forward: tuple[str, ...]  # the default list; a codebook may pass its own flags
    never_carried: tuple[str, ...]  # must be shown in the period itself, whatever the flags
    base_stage: str
    base_summary: str  # how the explanation describes a period at the base stage
    stages: tuple[Step, ...]  # in order; each needs the ones before it
    base_coupling: str  # the coupling of a period at the top stage that is not tighter
    coupling: Step
    loose_codes: tuple[str, ...]
    tight_codes: tuple[str, ...]
    indicator_minimum: int  # an indicator counts towards loose/tight_count from this value
    contested_minimum: int  # a 0 beside a value this high marks the code contested
    # Carried whatever the codebook's flags say (v2: trust and identity, CODEBOOK.md §4b.1).
    always_carried: tuple[str, ...] = ()
    # v2 (§4b.3): a fall that rests only on undocumented codes is indeterminate, not a fall.
    silence_is_missing: bool = False
    short_name: str = ""  # "v1", "v2": what --rule and the project's setting say

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code the rule reads, in the table's order (no duplicates)."""
        seen: dict[str, None] = {}
        for step in self.stages:
            for condition in step.conditions:
                seen.update(dict.fromkeys(condition.codes))
        seen.update(dict.fromkeys(self.loose_codes + self.tight_codes))
        for condition in self.coupling.conditions:
            seen.update(dict.fromkeys(condition.codes))
        seen.update(dict.fromkeys(self.carry_forward))
        return tuple(seen)

    @property
    def stage_names(self) -> tuple[str, ...]:
        return (self.base_stage, *(step.name for step in self.stages))


TIER1 = ("AB-T1-TECH", "AB-T1-THREAT", "AB-T1-DEMO", "AB-T1-ECON", "AB-T1-ENV", "AB-T1-INTERP")
LOOSE = ("AB-LC-MULTI", "AB-LC-BORDER", "AB-LC-MILPLAN", "AB-LC-THREAT", "AB-LC-DISC")
TIGHT = (
    "AB-TC-COLLSEC",
    "AB-TC-MILINT",
    "AB-TC-INTTHREAT",
    "AB-TC-FREEMOVE",
    "AB-TC-AUTH",
    "AB-TC-POLITY",
)


def _at_least(code: str, minimum: int, label: str) -> Condition:
    return Condition((code,), minimum, label)


RULE_V1 = Rule(
    name="sccoder-v1",
    scale=MappingProxyType({0: "absent", 1: "weak", 2: "moderate", 3: "strong"}),
    # Step 0: Tier-1 triggers, the three Tier-2 processes and Deutsch's two essentials.
    carry_forward=(*TIER1, "AB-T2-TRANS", "AB-T2-ORG", "AB-T2-LEARN", "D-VAL", "D-RESP"),
    never_carried=("AB-T3-TRUST", "AB-T3-ID", "AB-T4-DEP", *LOOSE, *TIGHT),
    base_stage="none",
    base_summary="no security-community dynamic yet",
    stages=(
        Step(
            "nascent",  # step 1
            (
                Condition(
                    TIER1,
                    2,
                    "a Tier-1 trigger",
                    group="AB-T1-*",
                    best="the strongest Tier-1 trigger",
                ),
                Condition(
                    ("AB-T2-TRANS", "AB-T2-ORG"),
                    2,
                    "transactions or institutions",
                    best="the stronger of transactions and institutions",
                ),
            ),
        ),
        Step(
            "ascendant",  # step 2: all five
            (
                _at_least("AB-T2-TRANS", 2, "transactions"),
                _at_least("AB-T2-ORG", 2, "institutions"),
                _at_least("AB-T2-LEARN", 2, "social learning"),
                _at_least("AB-T3-TRUST", 2, "trust"),
                _at_least("AB-T3-ID", 2, "identity"),
            ),
        ),
        Step(
            "mature",  # step 3 (a)-(d)
            (
                _at_least("AB-T3-TRUST", 3, "trust"),
                _at_least("AB-T3-ID", 3, "identity"),
                _at_least("AB-T4-DEP", 2, "dependable expectations"),
                Condition(LOOSE, 2, "loosely-coupled indicators", count=3, group="AB-LC-*"),
                _at_least("D-VAL", 2, "value compatibility"),
                _at_least("D-RESP", 2, "responsiveness"),
            ),
        ),
    ),
    base_coupling="loosely",
    coupling=Step(
        "tightly",  # step 4 (a)-(c)
        (
            Condition(("AB-TC-COLLSEC", "AB-TC-MILINT"), 2, "mutual aid"),
            Condition(("AB-TC-AUTH", "AB-TC-POLITY"), 2, "shared rule above the state"),
            Condition(TIGHT, 2, "tightly-coupled indicators", count=4, group="AB-TC-*"),
        ),
    ),
    loose_codes=LOOSE,
    tight_codes=TIGHT,
    indicator_minimum=2,
    contested_minimum=2,  # §4 notes
    short_name="v1",
)

# Rule v2 (CODEBOOK.md §4b): everything not named here is v1's.
RULE_V2 = replace(
    RULE_V1,
    name="sccoder-v2",
    short_name="v2",
    # §4b.1: trust and identity build up over time (Adler & Barnett's path-dependent stages,
    # §2.3); a source that stops re-documenting them is silent, not contrary.
    always_carried=("AB-T3-TRUST", "AB-T3-ID"),
    never_carried=("AB-T4-DEP", *LOOSE, *TIGHT),
    stages=(
        RULE_V1.stages[0],
        Step(
            "ascendant",  # §4b.2: identity *starts to form*, with tighter military coordination
            # or less fear of the partner (§2.3)
            (
                _at_least("AB-T2-TRANS", 2, "transactions"),
                _at_least("AB-T2-ORG", 2, "institutions"),
                _at_least("AB-T2-LEARN", 2, "social learning"),
                _at_least("AB-T3-TRUST", 2, "trust"),
                _at_least("AB-T3-ID", 1, "identity"),
                Condition(
                    ("AB-LC-MILPLAN", "AB-LC-BORDER"),
                    2,
                    "military coordination or less fear of the partner",
                    best="the stronger of military coordination and a border kept only "
                    "against outsiders",
                ),
            ),
        ),
        RULE_V1.stages[2],
    ),
    silence_is_missing=True,
)

RULES: Mapping[str, Rule] = MappingProxyType({RULE_V1.name: RULE_V1, RULE_V2.name: RULE_V2})
VERSIONS: Mapping[str, Rule] = MappingProxyType({"v1": RULE_V1, "v2": RULE_V2})


def rule_table(rule: Rule) -> dict:
    """The rule's table as plain data (the codebook fixture's ``decision_rules`` holds it)."""

    def conditions(step: Step) -> list[dict]:
        return [
            {"codes": list(c.codes), "minimum": c.minimum, "count": c.count, "label": c.label}
            for c in step.conditions
        ]

    return {
        "name": rule.name,
        "carry_forward": sorted(_carry_codes(None, rule)),
        "never_carried": list(rule.never_carried),
        "stages": {step.name: conditions(step) for step in rule.stages},
        "tightly_coupled": conditions(rule.coupling),
        "silence_is_missing": rule.silence_is_missing,
    }


def rule_named(name: str) -> Rule:
    """A rule by its short name ("v2") or its full name ("sccoder-v2")."""
    found = VERSIONS.get(name) or RULES.get(name)
    if found is None:
        raise ValueError(f"unknown rule {name!r}: choose one of {', '.join(VERSIONS)}")
    return found


# --- inputs and results -----------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodInput:
    """One period as the rule sees it.

    ``items`` holds the consensus codes of each evidence item ({code: value}; a code the item
    does not code is absent). Items awaiting adjudication are left out and only counted in
    ``pending_items``. ``overrides`` maps a code to (value, rationale).
    """

    code: str
    start_year: int
    end_year: int | None = None
    items: Sequence[Mapping[str, int]] = ()
    pending_items: int = 0
    overrides: Mapping[str, tuple[int, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class AppliedOverride:
    code: str
    value: int
    derived: int  # the value the rule would have used (after carrying)
    rationale: str


@dataclass(frozen=True)
class Verdict:
    """Steps 1–4 on one set of period values."""

    stage: str
    coupling: str | None
    blocked_by: list[str]
    loose_count: int
    tight_count: int


@dataclass(frozen=True)
class PeriodResult:
    code: str
    start_year: int
    end_year: int | None
    stage: str
    coupling: str | None
    values: dict[str, int]
    loose_count: int
    tight_count: int
    blocked_by: list[str]
    pending_items: int
    carried: dict[str, str]  # code -> the period its value was carried from
    contested: list[str]  # codes with both a 0 and a value >= 2 among the items
    overrides: list[AppliedOverride]
    rule: str
    # v2 (§4b.3): the stage fell from the previous period's only for want of documentation.
    indeterminate: bool = False
    undocumented: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Carry:
    value: int
    origin: str  # the period whose items (or override) gave the value


# --- step 0: period values --------------------------------------------------------------------


@dataclass(frozen=True)
class _Scan:
    """What step 0 and the contested note read of a period's own items, gathered in one pass
    (classifying a large project read every item four times)."""

    own: dict[str, int]  # the highest consensus value per code among the period's own items
    zeros: frozenset[str]  # codes some item gives 0: contrary evidence
    strong: frozenset[str]  # codes some item gives at least the contested minimum


def _scan(period: PeriodInput, rule: Rule) -> _Scan:
    """Read the period's items once, checking every value (and override) against the scale."""
    own: dict[str, int] = {}
    zeros, strong = set(), set()
    for item in period.items:
        for code, value in item.items():
            if value not in rule.scale:
                raise ValueError(f"{period.code}: {code} = {value!r} is not on the rule's scale")
            own[code] = max(value, own.get(code, 0))
            if value == 0:
                zeros.add(code)
            if value >= rule.contested_minimum:
                strong.add(code)
    for code, (value, _) in period.overrides.items():
        if value not in rule.scale:
            raise ValueError(f"{period.code}: override {code} = {value!r} is not on the scale")
    return _Scan(own, frozenset(zeros), frozenset(strong))


def carried_codes(carry_forward: Iterable[str] | None, rule: Rule) -> list[str]:
    """The codes the rule carries forward, in order: the codebook's flags (default: the
    table's list) and the rule's own always-carried codes, less those it never carries."""
    codes = rule.carry_forward if carry_forward is None else carry_forward
    return [
        code
        for code in dict.fromkeys([*codes, *rule.always_carried])
        if code not in rule.never_carried
    ]


def _carry_codes(carry_forward: Iterable[str] | None, rule: Rule) -> frozenset[str]:
    return frozenset(carried_codes(carry_forward, rule))


def _derive(
    period: PeriodInput, scan: _Scan, previous: Mapping[str, _Carry], carry: frozenset[str]
) -> tuple[dict[str, _Carry], list[AppliedOverride]]:
    """Step 0 for one period: own maximum, carry-forward, then overrides."""
    state = {code: _Carry(v, period.code) for code, v in scan.own.items()}
    for code in carry - scan.zeros:  # an explicit 0 here: only this period's items count
        before = previous.get(code)
        if before and before.value > state.get(code, _Carry(0, period.code)).value:
            state[code] = before
    applied = []
    for code, (value, rationale) in period.overrides.items():
        derived = state[code].value if code in state else 0
        applied.append(AppliedOverride(code, value, derived, rationale))
        state[code] = _Carry(value, period.code)
    return state, applied


def _ordered_values(state: Mapping[str, _Carry], rule: Rule) -> dict[str, int]:
    """Every code the rule reads (0 when missing), then any other code, sorted."""
    values = {code: state[code].value if code in state else 0 for code in rule.codes}
    for code in sorted(set(state) - set(values)):
        values[code] = state[code].value
    return values


# --- steps 1–4: the stage ---------------------------------------------------------------------


def score(condition: Condition, values: Mapping[str, int]) -> int:
    """The number a condition compares: a count of codes for k-of-n, else the maximum."""
    if condition.is_count:
        return sum(values.get(c, 0) >= condition.minimum for c in condition.codes)
    return max(values.get(c, 0) for c in condition.codes)


def holds(condition: Condition, values: Mapping[str, int]) -> bool:
    have = score(condition, values)
    return have >= condition.count if condition.is_count else have >= condition.minimum


def blocked_text(condition: Condition, values: Mapping[str, int]) -> str:
    """The machine-readable form of an unmet condition, e.g. "AB-T3-TRUST < 3"."""
    if condition.is_count:
        return (
            f"fewer than {condition.count} of {len(condition.codes)} {condition.subject} "
            f">= {condition.minimum} (have {score(condition, values)})"
        )
    if condition.is_single:
        return f"{condition.codes[0]} < {condition.minimum}"
    return f"max({condition.subject}) < {condition.minimum}"


def unmet(step: Step, values: Mapping[str, int]) -> list[Condition]:
    return [c for c in step.conditions if not holds(c, values)]


def has_coupling(stage: str, rule: Rule = RULE_V1) -> bool:
    """Whether a verdict at ``stage`` is loosely or tightly coupled: only the top stage (mature)
    is (step 4). The one place that says so, for the rule's verdicts and for the verdicts coders
    and authors give."""
    return stage == rule.stage_names[-1]


def step_above(stage: str, coupling: str | None, rule: Rule = RULE_V1) -> tuple[str, Step] | None:
    """The next step up from a verdict, with the name a reader knows it by: the next stage, or at
    the top stage the tighter coupling ("tightly coupled"). None when there is none."""
    if has_coupling(stage, rule):
        if coupling == rule.coupling.name:
            return None
        return f"{rule.coupling.name} coupled", rule.coupling
    names = rule.stage_names
    if stage not in names:
        return None
    following = rule.stages[names.index(stage)]  # stages[i] leads from names[i] to names[i + 1]
    return following.name, following


def evaluate(values: Mapping[str, int], rule: Rule = RULE_V1) -> Verdict:
    """Steps 1–4: climb the stages while every condition holds (the steps are nested)."""
    loose = sum(values.get(c, 0) >= rule.indicator_minimum for c in rule.loose_codes)
    tight = sum(values.get(c, 0) >= rule.indicator_minimum for c in rule.tight_codes)
    stage = rule.base_stage
    for step in rule.stages:
        missing = unmet(step, values)
        if missing:
            blocked = [blocked_text(c, values) for c in missing]
            return Verdict(stage, None, blocked, loose, tight)
        stage = step.name
    # Step 4: coupling, for the top stage only (``has_coupling``): every stage was reached.
    missing = unmet(rule.coupling, values)
    coupling = rule.base_coupling if missing else rule.coupling.name
    return Verdict(stage, coupling, [blocked_text(c, values) for c in missing], loose, tight)


# --- the whole rule over a dyad's periods -----------------------------------------------------


def classify(
    periods: Sequence[PeriodInput],
    *,
    carry_forward: Iterable[str] | None = None,
    rule: Rule = RULE_V1,
) -> list[PeriodResult]:
    """Classify a dyad's periods, given in date order (carry-forward runs along that order).

    ``carry_forward``: the codebook's carry-forward codes; default the rule table's list.
    """
    _check_order(periods)
    carry = _carry_codes(carry_forward, rule)
    previous: dict[str, _Carry] = {}
    documented_before: frozenset[str] = frozenset()
    results: list[PeriodResult] = []
    for period in periods:
        scan = _scan(period, rule)
        state, applied = _derive(period, scan, previous, carry)
        values = _ordered_values(state, rule)
        verdict = evaluate(values, rule)
        # What the period's own items (a 0 included), its overrides or, for a carried code, an
        # earlier period say anything about (§4b.3).
        documented = frozenset(scan.own) | frozenset(period.overrides) | (documented_before & carry)
        silent: list[str] = []
        if rule.silence_is_missing and results:
            silent = _fall_on_silence(values, verdict.stage, results[-1].stage, documented, rule)
        results.append(
            PeriodResult(
                code=period.code,
                start_year=period.start_year,
                end_year=period.end_year,
                stage=verdict.stage,
                coupling=verdict.coupling,
                values=values,
                loose_count=verdict.loose_count,
                tight_count=verdict.tight_count,
                blocked_by=verdict.blocked_by,
                pending_items=period.pending_items,
                carried={c: s.origin for c, s in sorted(state.items()) if s.origin != period.code},
                # §4 notes: contrary evidence (0) beside a value of 2 or more goes back to coders.
                contested=sorted(scan.zeros & scan.strong),
                overrides=applied,
                rule=rule.name,
                indeterminate=bool(silent),
                undocumented=silent,
            )
        )
        previous = {code: s for code, s in state.items() if code in carry}
        documented_before = documented
    return results


def _fall_on_silence(
    values: Mapping[str, int],
    stage: str,
    previous_stage: str,
    documented: frozenset[str],
    rule: Rule,
) -> list[str]:
    """§4b.3: when the stage fell, the undocumented codes blocking the previous stage if
    filling every undocumented code with the top value reaches it again; else [] (the fall
    rests on documented values, or there is no fall)."""
    names = rule.stage_names
    if names.index(stage) >= names.index(previous_stage):
        return []
    top = max(rule.scale)
    filled = {c: (v if c in documented else top) for c, v in values.items()}
    if names.index(evaluate(filled, rule).stage) < names.index(previous_stage):
        return []
    steps = rule.stages[names.index(stage) : names.index(previous_stage)]
    blocking = [code for step in steps for c in unmet(step, values) for code in c.codes]
    return [code for code in dict.fromkeys(blocking) if code not in documented]


def _check_order(periods: Sequence[PeriodInput]) -> None:
    for before, after in pairwise(periods):
        if after.start_year < before.start_year:
            raise ValueError(
                f"periods must be in date order: {after.code} ({after.start_year}) "
                f"comes after {before.code} ({before.start_year})"
            )


def classify_without(
    periods: Sequence[PeriodInput],
    period_code: str,
    item_index: int,
    *,
    carry_forward: Iterable[str] | None = None,
    rule: Rule = RULE_V1,
) -> list[PeriodResult]:
    """Leave-one-out: the classification with one item of one period removed (robustness)."""
    if period_code not in {p.code for p in periods}:
        raise ValueError(f"no period {period_code} to leave an item out of")
    changed = []
    for period in periods:
        if period.code == period_code:
            items = list(period.items)
            del items[item_index]
            period = replace(period, items=items)
        changed.append(period)
    return classify(changed, carry_forward=carry_forward, rule=rule)
