"""``manage.py classify SLUG [--dyad CODE] --json``: rule v1 over a project's consensus codes."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.bundles import import_bundle
from cases.classification.rule import RULE_V1
from cases.tests.bundle_factory import small_bundle

CONTRACT_PERIOD_KEYS = [
    "code",
    "start_year",
    "end_year",
    "stage",
    "coupling",
    "blocked_by",
    "values",
    "loose_count",
    "tight_count",
    "pending_items",
]


def criterion(code: str) -> dict:
    return {
        "code": code,
        "name": code,
        "framework": "test",
        "group": "test",
        "definition": code,
        "indicators": [],
        "carry_forward": code in RULE_V1.carry_forward,
    }


def item(key: str, dyad: str, date: str, values: dict, cleo: dict | None = None) -> tuple:
    """One evidence item coded by carl and cleo; they agree unless ``cleo`` says otherwise."""
    evidence = {
        "key": key,
        "dyad": dyad,
        "date": date,
        "source": "doe2020",
        "locator": "1",
        "evidence_type": "event",
        "quote": f"Quote {key}.",
    }
    codings = [
        {"evidence": key, "coder": "carl", "submitted": True, "values": values},
        {"evidence": key, "coder": "cleo", "submitted": True, "values": cleo or values},
    ]
    return evidence, codings


def rule_bundle(extra_items=(), overrides=()) -> dict:
    """FRA-DEU: P1 nascent, P2 mature and loosely coupled with one disputed item; ESP-PRT nascent.

    Every code the rule reads is in the codebook, with the rule table's carry-forward flags.
    """
    doc = small_bundle()
    doc["project"]["slug"] = "rule"
    doc["codebook"]["criteria"] = [criterion(c) for c in (*RULE_V1.codes, "D4-IDENT")]
    doc["dyads"].append(
        {
            "code": "ESP-PRT",
            "state_a": "ESP",
            "state_b": "PRT",
            "name": "Spain–Portugal",
            "periods": [{"code": "P1", "start_year": 1986, "end_year": None}],
        }
    )
    p1 = {"AB-T1-THREAT": 3, "AB-T2-TRANS": 2, "AB-T2-ORG": 2, "D-VAL": 2, "D-RESP": 2}
    items = [
        item("E1", "FRA-DEU", "1951", p1),
        item("E2", "FRA-DEU", "1963", {"AB-T2-LEARN": 2, "AB-T3-TRUST": 3, "AB-T3-ID": 3}),
        item(
            "E3",
            "FRA-DEU",
            "1970",
            {"AB-T4-DEP": 2, "AB-LC-MULTI": 2, "AB-LC-BORDER": 3, "AB-LC-DISC": 2},
        ),
        item("E4", "FRA-DEU", "1990", {"AB-T3-TRUST": 0}, cleo={"AB-T3-TRUST": 1}),
        item("E5", "ESP-PRT", "1986", {"AB-T1-ECON": 2, "AB-T2-ORG": 2, "D4-IDENT": 1}),
        *extra_items,
    ]
    doc["evidence"] = [evidence for evidence, _ in items]
    doc["codings"] = [coding for _, codings in items for coding in codings]
    doc["consensus"], doc["stage_judgments"] = [], []
    doc["period_overrides"] = list(overrides)
    return doc


def classify_json(slug: str, *args: str) -> dict:
    out = StringIO()
    call_command("classify", slug, *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def periods_of(report: dict, dyad: str) -> dict[str, dict]:
    (found,) = [d for d in report["dyads"] if d["code"] == dyad]
    return {p["code"]: p for p in found["periods"]}


@pytest.fixture
def rule_project(db):
    return import_bundle(rule_bundle())


def test_the_json_follows_the_contract(rule_project):
    report = classify_json("rule")
    assert (report["project"], report["rule"]) == ("rule", "sccoder-v1")
    assert [(d["code"], d["name"]) for d in report["dyads"]] == [
        ("ESP-PRT", "Spain–Portugal"),
        ("FRA-DEU", "France–Germany"),
    ]
    p2 = periods_of(report, "FRA-DEU")["P2"]
    assert list(p2)[: len(CONTRACT_PERIOD_KEYS)] == CONTRACT_PERIOD_KEYS
    assert (p2["start_year"], p2["end_year"]) == (1963, None)


def test_each_period_gets_its_stage_coupling_and_blockers(rule_project):
    fra_deu = periods_of(classify_json("rule"), "FRA-DEU")
    p1, p2 = fra_deu["P1"], fra_deu["P2"]
    assert (p1["stage"], p1["coupling"]) == ("nascent", None)
    assert p1["blocked_by"] == ["AB-T2-LEARN < 2", "AB-T3-TRUST < 2", "AB-T3-ID < 2"]
    assert (p2["stage"], p2["coupling"], p2["loose_count"], p2["tight_count"]) == (
        "mature",
        "loosely",
        3,
        0,
    )
    assert p2["explanation"].startswith("1963 onward: mature, loosely coupled")


def test_values_are_the_period_maxima_with_carry_forward(rule_project):
    report = classify_json("rule")
    p2 = periods_of(report, "FRA-DEU")["P2"]
    assert p2["values"]["AB-T3-TRUST"] == 3
    assert p2["values"]["D-RESP"] == 2  # carried from P1 (Deutsch check)
    assert p2["carried"]["D-RESP"] == "P1"
    assert set(p2["values"]) == set(RULE_V1.codes)
    esp_prt = periods_of(report, "ESP-PRT")["P1"]
    assert (esp_prt["stage"], esp_prt["values"]["D4-IDENT"]) == ("nascent", 1)


def test_an_item_whose_coders_disagree_is_left_out_and_counted(rule_project):
    fra_deu = periods_of(classify_json("rule"), "FRA-DEU")
    assert (fra_deu["P1"]["pending_items"], fra_deu["P2"]["pending_items"]) == (0, 1)
    assert fra_deu["P2"]["contested"] == []  # E4's 0 never reached the rule


def test_a_period_override_is_applied_and_listed(db):
    override = {
        "dyad": "FRA-DEU",
        "period": "P2",
        "criterion": "AB-T3-ID",
        "value": 2,
        "decided_by": "rita",
        "rationale": "Identity is elite-only.",
    }
    import_bundle(rule_bundle(overrides=[override]))
    p2 = periods_of(classify_json("rule"), "FRA-DEU")["P2"]
    assert (p2["stage"], p2["values"]["AB-T3-ID"], p2["blocked_by"]) == (
        "ascendant",
        2,
        ["AB-T3-ID < 3"],
    )
    assert p2["overrides"] == [
        {"criterion": "AB-T3-ID", "value": 2, "derived": 3, "rationale": "Identity is elite-only."}
    ]


def test_the_dyad_option_limits_the_output_to_that_dyad(rule_project):
    assert [d["code"] for d in classify_json("rule", "--dyad", "ESP-PRT")["dyads"]] == ["ESP-PRT"]


def test_the_dyad_option_accepts_the_pair_in_either_order(rule_project):
    assert [d["code"] for d in classify_json("rule", "--dyad", "DEU-FRA")["dyads"]] == ["FRA-DEU"]


def test_an_unknown_slug_is_an_error_naming_it(db):
    with pytest.raises(CommandError, match='no project with slug "nope"'):
        call_command("classify", "nope", "--json", stdout=StringIO())


def test_an_unknown_dyad_is_an_error_naming_it(rule_project):
    with pytest.raises(CommandError, match='no dyad "ITA-FRA"'):
        call_command("classify", "rule", "--dyad", "ITA-FRA", "--json", stdout=StringIO())


def test_an_unknown_slug_exits_non_zero_from_the_shell(cli_database):
    from cases.tests.cli import manage

    done = manage("classify", "nope", "--json", database=cli_database)
    assert done.returncode != 0
    assert '"nope"' in done.stderr
    assert done.stdout == ""


def test_without_json_the_command_prints_a_readable_table(rule_project):
    out = StringIO()
    call_command("classify", "rule", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Project rule, rule sccoder-v1"
    assert lines[2].split() == [
        "dyad",
        "period",
        "years",
        "stage",
        "coupling",
        "loose",
        "tight",
        "pending",
    ]
    rows = [line.split() for line in lines]
    assert ["FRA-DEU", "P2", "1963–", "mature", "loosely", "3", "0", "1"] in rows
    assert any(line.startswith("FRA-DEU P2: 1963 onward: mature") for line in lines)


def test_the_codebooks_own_carry_forward_flags_are_used(small_project):
    # The small codebook carries AB-T2-TRANS and D-RESP; rita decided E1's TRANS = 2 in P1.
    fra_deu = periods_of(classify_json("small"), "FRA-DEU")
    assert (fra_deu["P2"]["values"]["AB-T2-TRANS"], fra_deu["P2"]["carried"]) == (
        2,
        {"AB-T2-TRANS": "P1"},
    )
    assert fra_deu["P2"]["values"]["AB-T3-TRUST"] == 2  # rita's override


def many_items(count: int) -> list[tuple]:
    codes = RULE_V1.codes
    return [
        item(
            f"X{n}",
            "FRA-DEU" if n % 2 else "ESP-PRT",
            str(1990 + n % 30),
            {codes[n % len(codes)]: n % 4, codes[(n * 7) % len(codes)]: 2},
            cleo=None if n % 5 else {codes[n % len(codes)]: (n + 1) % 4},
        )
        for n in range(count)
    ]


def test_the_number_of_queries_does_not_grow_with_the_project(db, django_assert_max_num_queries):
    import_bundle(rule_bundle())
    with CaptureQueriesContext(connection) as small:
        classify_json("rule")
    doc = rule_bundle(extra_items=many_items(300))
    doc["project"]["slug"] = "big"
    import_bundle(doc)
    with django_assert_max_num_queries(len(small.captured_queries)):
        report = classify_json("big")
    assert periods_of(report, "FRA-DEU")["P2"]["pending_items"] > 1
    assert len(small.captured_queries) <= 10


def test_the_rule_option_chooses_v1_or_v2_and_the_default_is_the_projects_own(rule_project):
    """The test bundle has no rule version, so it imports as v1 (written before v2)."""
    assert rule_project.rule_version == "v1"
    default, v1 = classify_json("rule"), classify_json("rule", "--rule", "v1")
    assert default == v1
    v2 = classify_json("rule", "--rule", "v2")
    assert (v2["rule"], v2["rule_version"]) == ("sccoder-v2", "v2")
    rule_project.rule_version = "v2"
    rule_project.save()
    assert classify_json("rule") == v2
    for report in (v1, v2):
        for dyad in report["dyads"]:
            for p in dyad["periods"]:
                assert isinstance(p["indeterminate"], bool)
                assert isinstance(p["undocumented"], list)
                assert isinstance(p["carried"], dict)
    # Under v1 nothing is ever indeterminate or undocumented.
    assert all(
        (p["indeterminate"], p["undocumented"]) == (False, [])
        for dyad in v1["dyads"]
        for p in dyad["periods"]
    )


def test_an_unknown_rule_is_refused_from_the_shell(cli_database):
    from cases.tests.cli import manage

    done = manage("classify", "nope", "--rule", "v3", "--json", database=cli_database)
    assert done.returncode != 0
    assert "v3" in done.stderr and done.stdout == ""
