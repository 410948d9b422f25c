"""ORM adapter for the classification rule: a project's periods in, the ``classify`` contract out.

The rule itself is pure (``cases.classification.rule``); this module only gathers its inputs with
a fixed number of queries whatever the project's size (dyads, periods, evidence, the item
consensus, overrides, the codebook's carry-forward flags), runs it (``classify_dyads``, for every
caller that needs the verdicts; ``gather_inputs`` for one that traces them back to the items) and
shapes the JSON of the ``classify`` command (docs/commands.md).
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from cases.classification.community import lags, member_dyad_code
from cases.classification.explain import explain
from cases.classification.rule import RULE_V1, PeriodInput, PeriodResult, Rule, classify
from cases.models import Criterion, Dyad, Evidence, PeriodOverride, Project
from cases.review.consensus import ItemConsensus, consensus_for
from cases.visibility import SEES_ALL, Visibility


class UnknownDyad(LookupError):
    """The project has no dyad with that code (in either order of its two states)."""


def find_dyads(project: Project, dyad_code: str | None = None) -> list[Dyad]:
    """The project's dyads (and communities) with their periods, or the one named by
    ``dyad_code``.

    A pair is unordered, so DEU-FRA finds the dyad stored as FRA-DEU; a community is found by
    its code or by its members joined with hyphens in any order (SWE-DNK-NOR).
    """
    dyads = Dyad.objects.filter(project=project).prefetch_related("periods").order_by("code")
    if dyad_code is None:
        return list(dyads)
    found = [d for d in dyads if d.code == dyad_code] or [
        d for d in dyads if _same_pair(d, dyad_code)
    ]
    if not found:
        raise UnknownDyad(f'project "{project.slug}" has no dyad "{dyad_code}"')
    return found[:1]


def _same_pair(dyad: Dyad, code: str) -> bool:
    return sorted(code.upper().split("-")) == sorted(dyad.member_states)


@dataclass(frozen=True)
class GatheredInputs:
    """The rule's inputs with what the report needs to trace them back to the evidence.

    ``item_ids[period_pk][i]`` is the evidence id behind ``PeriodInput.items[i]`` of that
    period; ``consensus`` holds every item of the dyads, those awaiting adjudication included;
    ``hidden[period_pk]`` counts the items the reader must code before seeing their consensus.
    """

    inputs: dict[int, list[PeriodInput]]
    item_ids: dict[int, list[int]]
    consensus: dict[int, ItemConsensus]
    hidden: dict[int, int]


def build_inputs(
    project: Project, dyads: list[Dyad], visibility: Visibility = SEES_ALL
) -> dict[int, list[PeriodInput]]:
    """The rule's inputs per dyad id: periods in date order with their items' consensus codes.

    Items awaiting adjudication are left out and counted (the contract's ``pending_items``);
    items hidden from the reader (``cases.visibility``) are left out as if not coded yet.
    """
    return gather_inputs(project, dyads, visibility).inputs


def gather_inputs(
    project: Project,
    dyads: list[Dyad],
    visibility: Visibility = SEES_ALL,
    *,
    pair: tuple[str, str] | None = None,
) -> GatheredInputs:
    """``build_inputs`` plus the evidence id of each input item (for the report's traces).

    With ``pair`` (a member dyad of a community), only the items that concern both its states
    (those naming both, and those naming none: the whole community) are read, and no period
    override: a reviewer's override replaces a value of the community's period, not of a pair.
    """
    periods = [p for d in dyads for p in sorted(d.periods.all(), key=lambda p: p.start_year)]
    selected = Evidence.objects.filter(project=project, dyad__in=[d.pk for d in dyads])
    if pair is not None:
        concerning = [
            pk
            for pk, states in selected.values_list("pk", "states")
            if not states or set(pair) <= set(states.split())
        ]
        selected = selected.filter(pk__in=concerning)
    items = list(selected.order_by("key").values_list("pk", "period_id"))
    # The selection as a subquery, not as thousands of ids in the SQL.
    consensus = consensus_for(
        (pk for pk, _ in items),
        among=selected.order_by().values_list("pk", flat=True),
        hidden=visibility.hidden,
    )
    coded: dict[int, list[dict[str, int]]] = defaultdict(list)
    item_ids: dict[int, list[int]] = defaultdict(list)
    pending: dict[int, int] = defaultdict(int)
    hidden: dict[int, int] = defaultdict(int)
    for pk, period_id in items:
        if consensus[pk].hidden:
            hidden[period_id] += 1
        elif consensus[pk].awaits_adjudication:
            pending[period_id] += 1
        else:
            coded[period_id].append(dict(consensus[pk].values))
            item_ids[period_id].append(pk)
    overrides = _overrides([p.pk for p in periods]) if pair is None else defaultdict(dict)
    inputs: dict[int, list[PeriodInput]] = defaultdict(list)
    for p in periods:
        inputs[p.dyad_id].append(
            PeriodInput(
                code=p.code,
                start_year=p.start_year,
                end_year=p.end_year,
                items=coded[p.pk],
                pending_items=pending[p.pk],
                overrides=overrides[p.pk],
            )
        )
    return GatheredInputs(inputs=inputs, item_ids=item_ids, consensus=consensus, hidden=hidden)


def _overrides(period_ids: list[int]) -> dict[int, dict[str, tuple[int, str]]]:
    found: dict[int, dict[str, tuple[int, str]]] = defaultdict(dict)
    rows = PeriodOverride.objects.filter(period_id__in=period_ids).values_list(
        "period_id", "criterion__code", "value", "rationale"
    )
    for period_id, code, value, rationale in rows:
        found[period_id][code] = (value, rationale)
    return found


def carry_forward_codes(project: Project) -> list[str]:
    """The codebook's own carry-forward flags (step 0), so a project's codebook is honoured."""
    return list(
        Criterion.objects.filter(codebook_id=project.codebook_id, carry_forward=True).values_list(
            "code", flat=True
        )
    )


@dataclass(frozen=True)
class ClassifiedDyad:
    """One dyad's periods as the rule read them and its verdicts on them, both in date order."""

    dyad: Dyad
    inputs: list[PeriodInput]
    results: list[PeriodResult]

    @property
    def labels(self) -> dict[str, str]:
        """Each period's label by its code (the periods are loaded with the dyad)."""
        return {p.code: p.label for p in self.dyad.periods.all()}


def classify_dyads(
    project: Project,
    dyads: list[Dyad] | None = None,
    *,
    visibility: Visibility = SEES_ALL,
    rule: Rule | None = None,
) -> list[ClassifiedDyad]:
    """``dyads`` (default: all the project's, from ``find_dyads``) classified by ``rule``
    (default: the project's own) with the codebook's carry-forward flags, on the consensus the
    reader may see (``visibility``), each dyad with the inputs the rule read and its verdicts."""
    dyads = find_dyads(project) if dyads is None else dyads
    rule = rule or project.rule
    inputs = build_inputs(project, dyads, visibility)
    carry = carry_forward_codes(project)
    return [
        ClassifiedDyad(d, inputs[d.pk], classify(inputs[d.pk], carry_forward=carry, rule=rule))
        for d in dyads
    ]


@dataclass(frozen=True)
class MemberDyad:
    """One member dyad of a community, classified over the community's periods from the items
    that concern both its states."""

    code: str
    states: tuple[str, str]
    inputs: list[PeriodInput]
    results: list[PeriodResult]


def classify_member_dyads(
    project: Project,
    community: Dyad,
    *,
    visibility: Visibility = SEES_ALL,
    rule: Rule | None = None,
) -> list[MemberDyad]:
    """Each member dyad of ``community`` in member order (none for a dyad: it is its own one
    pair), classified by ``rule`` (default: the project's own) with the same rule code."""
    if not community.is_community:
        return []
    rule = rule or project.rule
    carry = carry_forward_codes(project)
    members = []
    for pair in community.member_pairs:
        inputs = gather_inputs(project, [community], visibility, pair=pair).inputs[community.pk]
        results = classify(inputs, carry_forward=carry, rule=rule)
        members.append(MemberDyad(member_dyad_code(pair), pair, inputs, results))
    return members


def classify_project(
    project: Project,
    *,
    dyad_code: str | None = None,
    rule: Rule | None = None,
    members: bool = False,
) -> dict[str, Any]:
    """The ``classify`` command's JSON object for a project, or for one of its dyads, by
    ``rule`` (default: the project's own rule version).

    A dyad's object is the contract's, unchanged. A community's adds ``states`` (its members)
    and, with ``members``, ``member_dyads``: each member dyad's periods, each with ``lags``
    (true where the pair stands at an earlier stage than the community)."""
    rule = rule or project.rule
    out = []
    for classified in classify_dyads(project, find_dyads(project, dyad_code), rule=rule):
        labels = classified.labels
        case = classified.dyad
        entry: dict[str, Any] = {
            "code": case.code,
            "name": case.name,
            "periods": [period_json(r, labels.get(r.code, ""), rule) for r in classified.results],
        }
        if case.is_community:
            entry["states"] = case.member_states
        if case.is_community and members:
            entry["member_dyads"] = [
                _member_json(member, classified.results, labels, rule)
                for member in classify_member_dyads(project, case, rule=rule)
            ]
        out.append(entry)
    return {
        "project": project.slug,
        "rule": rule.name,
        "rule_version": rule.short_name,
        "dyads": out,
    }


def _member_json(member: MemberDyad, community, labels, rule: Rule) -> dict[str, Any]:
    periods = []
    for result, whole in zip(member.results, community, strict=True):
        period = period_json(result, labels.get(result.code, ""), rule)
        period["lags"] = lags(result, whole, rule)
        periods.append(period)
    return {"code": member.code, "states": list(member.states), "periods": periods}


def period_json(result: PeriodResult, label: str = "", rule: Rule = RULE_V1) -> dict[str, Any]:
    """The contract's keys first, then the extras (label, explanation, carried, ...)."""
    return {
        "code": result.code,
        "start_year": result.start_year,
        "end_year": result.end_year,
        "stage": result.stage,
        "coupling": result.coupling,
        "blocked_by": list(result.blocked_by),
        "values": dict(result.values),
        "loose_count": result.loose_count,
        "tight_count": result.tight_count,
        "pending_items": result.pending_items,
        "label": label,
        "explanation": explain(result, rule),
        "carried": dict(result.carried),
        "indeterminate": result.indeterminate,
        "undocumented": list(result.undocumented),
        "contested": list(result.contested),
        "overrides": [
            {"criterion": o.code, "value": o.value, "derived": o.derived, "rationale": o.rationale}
            for o in result.overrides
        ],
    }


__all__ = [
    "ClassifiedDyad",
    "GatheredInputs",
    "MemberDyad",
    "UnknownDyad",
    "build_inputs",
    "carry_forward_codes",
    "classify_dyads",
    "classify_member_dyads",
    "classify_project",
    "find_dyads",
    "gather_inputs",
    "period_json",
]
