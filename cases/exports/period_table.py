"""The period values and the classification as an export table: one row per dyad x period x
criterion, the period's verdict on every row. A community of more than two states has its rows
as a dyad has; ``states``, last so that files written before it keep their columns, lists a
case's members."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cases.classification.explain import explain
from cases.classification.inputs import classify_dyads
from cases.exports.scope import OPERATOR, ExportScope
from cases.exports.tables import Row, Table, criteria_of
from cases.models import Project

PERIOD_COLUMNS = (
    "project",
    "dyad",
    "dyad_name",
    "period",
    "label",
    "start_year",
    "end_year",
    "criterion",
    "framework",
    "group",
    "own_value",
    "value",
    "carried_from",
    "overridden",
    "derived_value",
    "override_rationale",
    "contested",
    "stage",
    "coupling",
    "loose_count",
    "tight_count",
    "blocked_by",
    "pending_items",
    "rule",
    "explanation",
    "indeterminate",
    "undocumented",
    "states",
)


def periods_table(project: Project, scope: ExportScope = OPERATOR) -> Table:
    """One row per dyad × period × criterion, with the period's classification on every row.

    ``own_value``: the highest consensus value among the period's own items (empty when none
    codes the criterion); ``value``: what the project's rule reads after carrying and overrides
    (0 when missing, CODEBOOK.md §4); ``derived_value``: the value an override replaced.
    Criteria come in codebook order, then any code the rule reads that the codebook lacks.
    Items the viewer still has to code count as not coded (``scope.visibility``).
    """
    return Table("periods", PERIOD_COLUMNS, _period_rows(project, scope))


def _period_rows(project: Project, scope: ExportScope) -> Iterator[Row]:
    criteria = criteria_of(project.codebook_id)
    rule = project.rule
    for classified in classify_dyads(project, visibility=scope.visibility, rule=rule):
        dyad, labels = classified.dyad, classified.labels
        for period_input, result in zip(classified.inputs, classified.results, strict=True):
            own = _own_values(period_input.items)
            overrides = {o.code: o for o in result.overrides}
            per_period = [
                result.stage,
                result.coupling,
                result.loose_count,
                result.tight_count,
                "; ".join(result.blocked_by) or None,
                result.pending_items,
                result.rule,
                explain(result, rule),
                result.indeterminate,
                "; ".join(result.undocumented) or None,
                " ".join(dyad.member_states),
            ]
            extra = [c for c in result.values if c not in criteria]
            for code in [*criteria, *extra]:
                info = criteria.get(code)
                override = overrides.get(code)
                yield [
                    project.slug,
                    dyad.code,
                    dyad.name,
                    result.code,
                    labels[result.code] or None,
                    result.start_year,
                    result.end_year,
                    code,
                    info.framework if info else None,
                    info.group if info else None,
                    own.get(code),
                    result.values.get(code, 0),
                    result.carried.get(code),
                    override is not None,
                    override.derived if override else None,
                    override.rationale if override else None,
                    code in result.contested,
                    *per_period,
                ]


def _own_values(items: Iterable[dict[str, int]]) -> dict[str, int]:
    values: dict[str, int] = {}
    for item in items:
        for code, value in item.items():
            values[code] = max(value, values.get(code, value))
    return values
