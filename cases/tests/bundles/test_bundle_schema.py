"""The bundle's JSON Schema: valid itself, met by every bundle we ship, in step with the database
and the limits, and its refusals read as the import's own messages."""

import json

import pytest
from jsonschema import Draft202012Validator

from cases.bundles import BundleError, import_bundle
from cases.bundles.shape import SCHEMA_FILE
from cases.lib import limits
from cases.models import (
    Consensus,
    Criterion,
    Evidence,
    Membership,
    Project,
    StageJudgment,
)
from cases.tests.bundle_factory import small_bundle
from cases.tests.cli import REPO

SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
DEFS = SCHEMA["$defs"]


def test_the_schema_is_a_valid_draft_2020_12_schema():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize(
    "doc",
    [
        json.loads((REPO / "fixtures" / "turkiye-azerbaijan.json").read_text(encoding="utf-8")),
        small_bundle(),
    ],
    ids=["demo", "small"],
)
def test_the_demo_and_the_test_bundles_meet_the_schema(doc):
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in Draft202012Validator(SCHEMA).iter_errors(doc)
    ]
    assert errors == []


def choices(model, name: str) -> set:
    return {value for value, _ in model._meta.get_field(name).choices}


def allowed(definition: str, name: str) -> set:
    return set(DEFS[definition]["properties"][name]["enum"]) - {None}


@pytest.mark.parametrize(
    ("definition", "name", "model", "field"),
    [
        ("project", "rule_version", Project, "rule_version"),
        ("project", "data_licence", Project, "data_licence"),
        ("criterion", "verification", Criterion, "verification"),
        ("member", "role", Membership, "role"),
        ("evidence", "evidence_type", Evidence, "evidence_type"),
        ("evidence", "assessed_stage", Evidence, "assessed_stage"),
        ("evidence", "assessed_coupling", Evidence, "assessed_coupling"),
        ("consensus", "method", Consensus, "method"),
        ("stage_judgment", "stage", StageJudgment, "stage"),
        ("stage_judgment", "coupling", StageJudgment, "coupling"),
    ],
)
def test_the_schema_allows_what_the_database_stores(definition, name, model, field):
    assert allowed(definition, name) == choices(model, field)


# Every maxLength and maxItems in the schema, and the limit in cases.lib.limits it states.
LIMITS = {
    "project.slug": limits.SLUG,
    "project.name": limits.NAME,
    "project.description": limits.DESCRIPTION,
    "project.citation_style": limits.CITATION_STYLE,
    "codebook.name": limits.NAME,
    "codebook.version": limits.VERSION,
    "scale_point.label": limits.SCALE_LABEL,
    "criterion.code": limits.CODE,
    "criterion.name": limits.NAME,
    "criterion.framework": limits.FRAMEWORK,
    "criterion.group": limits.FRAMEWORK,
    "criterion.definition": limits.DEFINITION,
    "criterion.indicators": limits.INDICATORS,
    "criterion.indicators[]": limits.INDICATOR,
    "criterion.notes": limits.CRITERION_NOTES,
    "member.username": limits.USERNAME,
    "dyad.code": limits.CODE,
    "dyad.name": limits.NAME,
    "community.code": limits.CODE,
    "community.name": limits.NAME,
    "community.states": limits.MEMBER_STATES,
    "period.code": limits.CODE,
    "period.label": limits.LABEL,
    "source.key": limits.KEY,
    "evidence.key": limits.KEY,
    "evidence.locator": limits.LOCATOR,
    "evidence.locator_note": limits.LOCATOR_NOTE,
    "evidence.footnote": limits.FOOTNOTE,
    "evidence.via_locator": limits.LOCATOR,
    "evidence.quote": limits.QUOTE,
    "evidence.summary": limits.SUMMARY,
    "coding.notes.*": limits.NOTE,
    "consensus.rationale": limits.RATIONALE,
    "consensus.rationales.*": limits.RATIONALE,
    "period_override.rationale": limits.RATIONALE,
    "stage_judgment.rationale": limits.RATIONALE,
    # A source's document and an item's passage (the zip bundle's extension).
    "document.filename": limits.DOCUMENT_FILENAME,
    "document.page_labels[]": limits.PAGE_LABEL,
    "passage.exact": limits.QUOTE,
    "passage.prefix": limits.PASSAGE_CONTEXT,
    "passage.suffix": limits.PASSAGE_CONTEXT,
    "passage.page_label": limits.PAGE_LABEL,
}


def stated_limits() -> dict[str, int]:
    found = {}
    for definition, rule in DEFS.items():
        for name, prop in rule.get("properties", {}).items():
            where = f"{definition}.{name}"
            for inner, part in [("", prop), ("[]", prop.get("items", {}))]:
                for keyword in ("maxLength", "maxItems"):
                    if keyword in part:
                        found[where + inner] = part[keyword]
            if "maxLength" in prop.get("additionalProperties", {}):
                found[f"{where}.*"] = prop["additionalProperties"]["maxLength"]
    return found


def test_the_schema_states_the_limits_of_cases_lib_limits():
    assert stated_limits() == LIMITS


def refusal(path: str, value) -> list[str]:
    doc = small_bundle()
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = doc
    for part in parents:
        target = target[part]
    target[last] = value
    with pytest.raises(BundleError) as refused:
        import_bundle(doc)
    return refused.value.errors


# (where, value, the problems the import names on that entry), one for each kind of refusal.
REFUSALS = [
    ("format", "other", ["format: must be \"sccoder-bundle\", found 'other'"]),
    ("version", 2, ["version: this sccoder reads version 1, found 2"]),
    ("members", {}, ["members: must be a list"]),
    ("project", None, ["project: must be an object with slug and name"]),
    ("project.slug", "a b", ['project: slug "a b" may use only letters, digits, - and _']),
    ("project.slug", "", ['project: "slug" cannot be empty']),
    ("project.name", 5, ['project: "name" must be a string']),
    (
        "project.rule_version",
        "v3",
        ['project: rule_version "v3" is not a rule: use "v1" or "v2"'],
    ),
    (
        "project.data_licence",
        "MIT",
        [
            'project: data_licence "MIT" is not one sccoder offers: use one of CC-BY-4.0, '
            "CC-BY-SA-4.0, CC0-1.0, ODbL-1.0, other"
        ],
    ),
    ("codebook", [], ["codebook: must be an object with name, scale and criteria"]),
    (
        "codebook.version",
        "1" * 41,
        ['codebook: "version" is too long: at most 40 characters (this has 41)'],
    ),
    ("codebook.version", None, ['codebook: "version" must be a string']),
    (
        "codebook.scale",
        [{"value": 0, "label": "absent"}],
        ["codebook.scale: must list at least two values"],
    ),
    ("codebook.scale.1.value", 1.0, ['codebook.scale[1]: "value" must be an integer']),
    (
        "codebook.scale.1.label",
        "x" * 61,
        ['codebook.scale[1]: "label" is longer than 60 characters (it has 61)'],
    ),
    ("codebook.criteria", [], ["codebook.criteria: must list at least one criterion"]),
    ("codebook.criteria.2", "D-RESP", ["codebook.criteria[2]: must be an object"]),
    (
        "codebook.criteria.0.definition",
        "   ",
        ['codebook.criteria[0] (AB-T2-TRANS): "definition" cannot be empty'],
    ),
    (
        "codebook.criteria.0.indicators",
        "trade",
        ['codebook.criteria[0] (AB-T2-TRANS): "indicators" must be a list of strings'],
    ),
    (
        "codebook.criteria.0.indicators",
        ["x" * 1001],
        [
            'codebook.criteria[0] (AB-T2-TRANS): "indicators[0]" is too long: '
            "at most 1,000 characters (this has 1,001)"
        ],
    ),
    (
        "codebook.criteria.0.carry_forward",
        "yes",
        ['codebook.criteria[0] (AB-T2-TRANS): "carry_forward" must be true or false'],
    ),
    (
        "codebook.criteria.0.verification",
        "X",
        ['codebook.criteria[0] (AB-T2-TRANS): "verification" must be one of V, S, U'],
    ),
    ("members.1", "rita", ["members[1]: must be an object with username and role"]),
    (
        "members.1.role",
        "owner",
        ["members[1] (rita): role must be one of admin, reviewer, coder, observer, found 'owner'"],
    ),
    (
        "dyads.0.state_a",
        "fra",
        ['dyads[0] (FRA-DEU): "state_a" must be an ISO 3166-1 alpha-3 code such as "TUR"'],
    ),
    ("dyads.0.periods", {}, ['dyads[0] (FRA-DEU): "periods" must be a list']),
    (
        "dyads.0.periods.0.start_year",
        1945.0,
        ['dyads[0] (FRA-DEU).periods[0] (P1): "start_year" must be an integer year'],
    ),
    (
        "dyads.0.periods.0.end_year",
        "1962",
        ['dyads[0] (FRA-DEU).periods[0] (P1): "end_year" must be an integer year or null (open)'],
    ),
    ("sources.0", "doe2020", ["sources[0]: must be an object with key and csl"]),
    ("sources.0.csl", "Doe 2020", ['sources[0] (doe2020): "csl" must be a CSL-JSON object']),
    ("evidence.2", None, ["evidence[2]: must be an object"]),
    # A reference, a date or a value of the wrong type is named by the check that reads it.
    ("evidence.0.dyad", 5, ['evidence[0] (E1): unknown dyad "5"']),
    ("evidence.0.date", 1951, ["evidence[0] (E1): date: a date is required"]),
    (
        "codings.0.values.D-RESP",
        "1",
        ["codings[0] (E1/carl): D-RESP = '1' is not on the scale (0, 1, 2, 3)"],
    ),
    (
        "period_overrides.0.value",
        None,
        [
            "period_overrides[0] (FRA-DEU/P2/AB-T3-TRUST): AB-T3-TRUST = None is not on the scale "
            "(0, 1, 2, 3)"
        ],
    ),
    ("evidence.0.evidence_type", None, ['evidence[0] (E1): unknown evidence_type "None"']),
    ("evidence.0.summary", ["x"], ['evidence[0] (E1): "summary" must be a string']),
    ("evidence.0.footnote", 1.5, ['evidence[0] (E1): "footnote" must be a string']),
    (
        "evidence.0.footnote",
        10**60,
        ['evidence[0] (E1): "footnote" is longer than 60 characters (it has 61)'],
    ),
    ("evidence.0.assessed_stage", "ripe", ['evidence[0] (E1): unknown assessed_stage "ripe"']),
    ("codings.0.submitted", "yes", ['codings[0] (E1/carl): "submitted" must be true or false']),
    (
        "codings.0.values",
        [1],
        [
            'codings[0] (E1/carl): "values" must be an object mapping criterion codes to values',
            'codings[0] (E1/carl): note for "D-RESP", which this coder did not code',
        ],
    ),
    (
        "codings.0.notes",
        "only elites",
        ['codings[0] (E1/carl): "notes" must map criterion codes to text'],
    ),
    (
        "codings.0.notes",
        {"D-RESP": 5, "AB-T2-TRANS": 6},
        ['codings[0] (E1/carl): "notes" must map criterion codes to text'],
    ),
    (
        "consensus.0.rationales",
        {"AB-T2-TRANS": None},
        ['consensus[0] (E1): "rationales" must map criterion codes to text'],
    ),
    (
        "consensus.0.method",
        "vote",
        ['consensus[0] (E1): "method" must be one of unanimous, adjudicated'],
    ),
    (
        "period_overrides.0.rationale",
        "",
        ['period_overrides[0] (FRA-DEU/P2/AB-T3-TRUST): "rationale" cannot be empty'],
    ),
    (
        "stage_judgments.1.stage",
        "ripe",
        [
            "stage_judgments[1] (FRA-DEU/P1/carl): stage must be one of none, nascent, "
            "ascendant, mature, found 'ripe'"
        ],
    ),
    (
        "stage_judgments.0.coupling",
        "close",
        [
            'stage_judgments[0] (FRA-DEU/P2/carl): coupling must be null, "loosely" or '
            "\"tightly\", found 'close'"
        ],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "value", "expected"), REFUSALS, ids=[f"{p}={v!r}"[:60] for p, v, _ in REFUSALS]
)
def test_a_refusal_by_the_schema_reads_as_the_import_names_it_once(path, value, expected):
    entry = expected[0].split(": ")[0] + ": "
    assert [e for e in refusal(path, value) if e.startswith(entry)] == expected
