"""The author's own stage assessments (CODEBOOK.md §4b): an author assessment that states only a
stage verdict records it on the item, is never coded on criteria, and stands in the report
beside the rule's verdict, with the codes that decide where the two differ. Every member sees it:
it is evidence, not a coding."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.bundles import BundleError, dump_bundle, export_bundle, import_bundle
from cases.classification.rule import RULE_V1, RULE_V2, PeriodInput, classify
from cases.models import Evidence, Membership
from cases.reports.beside import author_beside_rule
from cases.reports.build import build_report
from cases.tests.bundle_factory import small_bundle

NASCENT = {"AB-T1-THREAT": 2, "AB-T2-TRANS": 2, "AB-T2-ORG": 2, "AB-T2-LEARN": 2}
ASCENDANT = {**NASCENT, "AB-T3-TRUST": 2, "AB-T3-ID": 2, "AB-LC-MILPLAN": 2}
MATURE = {
    **ASCENDANT,
    "AB-T3-TRUST": 3,
    "AB-T3-ID": 3,
    "AB-T4-DEP": 2,
    "AB-LC-MULTI": 2,
    "AB-LC-THREAT": 2,
    "D-VAL": 2,
    "D-RESP": 2,
}


def verdict(values, rule=RULE_V2):
    (result,) = classify([PeriodInput("P1", 2000, 2009, [values])], rule=rule)
    return result


# --- the comparison (pure) ---------------------------------------------------------------------


def test_an_assessment_the_rule_shares_names_no_code():
    found = author_beside_rule(verdict(ASCENDANT), "ascendant", None, RULE_V2)
    assert found == {"agrees": True, "direction": None, "deciding": [], "sentence": ""}


def test_where_the_rule_gives_less_the_unmet_conditions_of_the_next_step_decide():
    # Identity 0: v2's ascendant needs it at 1 at least, and that is the only gap.
    found = author_beside_rule(verdict({**ASCENDANT, "AB-T3-ID": 0}), "ascendant", None, RULE_V2)
    assert found["agrees"] is False and found["direction"] == "lower"
    assert found["deciding"] == ["AB-T3-ID = 0 (needs 1)"]
    assert found["sentence"] == (
        "The rule gives nascent where the author assesses ascendant: "
        "short of ascendant on AB-T3-ID = 0 (needs 1)."
    )


def test_the_deciding_codes_are_the_blocked_by_of_the_step_between_them():
    result = verdict({**ASCENDANT, "AB-T3-ID": 1}, RULE_V1)
    found = author_beside_rule(result, "ascendant", None, RULE_V1)
    assert result.blocked_by == ["AB-T3-ID < 2"]
    assert found["deciding"] == ["AB-T3-ID = 1 (needs 2)"]


def test_two_steps_apart_every_unmet_condition_between_them_is_named():
    found = author_beside_rule(verdict({**NASCENT, "AB-T3-TRUST": 2}), "mature", None, RULE_V1)
    assert found["deciding"] == [
        "AB-T3-ID = 0 (needs 2)",
        "AB-T3-TRUST = 2 (needs 3)",
        "AB-T3-ID = 0 (needs 3)",
        "AB-T4-DEP = 0 (needs 2)",
        "0 of 5 AB-LC-* >= 2 (needs 3)",
        "D-VAL = 0 (needs 2)",
        "D-RESP = 0 (needs 2)",
    ]


def test_where_the_rule_gives_more_the_conditions_it_found_met_decide():
    found = author_beside_rule(verdict(MATURE), "ascendant", None, RULE_V2)
    assert found["direction"] == "higher"
    assert "AB-T4-DEP = 2 (needs 2)" in found["deciding"]
    assert found["sentence"].startswith(
        "The rule gives mature, loosely coupled where the author assesses ascendant: "
        "every condition of mature holds (AB-T3-TRUST = 3 (needs 3)"
    )


def test_an_assessment_without_a_coupling_is_compared_on_the_stage_alone():
    assert author_beside_rule(verdict(MATURE), "mature", None, RULE_V2)["agrees"] is True
    tightly = author_beside_rule(verdict(MATURE), "mature", "tightly", RULE_V2)
    assert tightly["direction"] == "lower"
    assert tightly["deciding"][0] == "max(AB-TC-COLLSEC, AB-TC-MILINT) = 0 (needs 2)"
    assert "short of tightly coupled on" in tightly["sentence"]


# --- the item ----------------------------------------------------------------------------------


def assessment_bundle(**extra):
    doc = small_bundle()
    doc["evidence"].append(
        {
            "key": "E4",
            "dyad": "FRA-DEU",
            "date": "1970",
            "source": "doe2020",
            "locator": "90",
            "evidence_type": "author_assessment",
            "quote": "By then the two were a mature community.",
            "summary": "The author's verdict.",
            "assessed_stage": "mature",
            **extra,
        }
    )
    return doc


@pytest.mark.django_db
def test_an_assessed_stage_roundtrips_through_the_bundle_and_is_left_out_when_unset():
    project = import_bundle(assessment_bundle(assessed_coupling="loosely"))
    item = Evidence.objects.get(project=project, key="E4")
    assert (item.assessed_stage, item.assessed_coupling) == ("mature", "loosely")
    exported = export_bundle(project)
    by_key = {e["key"]: e for e in exported["evidence"]}
    assert by_key["E4"]["assessed_stage"] == "mature"
    assert by_key["E4"]["assessed_coupling"] == "loosely"
    # Items without an assessment carry no such key, so older bundles export as they were.
    assert "assessed_stage" not in by_key["E1"]
    assert dump_bundle(export_bundle(import_bundle(exported, replace=True))) == dump_bundle(
        exported
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"assessed_stage": "blooming"}, 'unknown assessed_stage "blooming"'),
        ({"evidence_type": "event"}, "assessed_stage is for author_assessment items only"),
        (
            {"assessed_stage": "ascendant", "assessed_coupling": "loosely"},
            "assessed_coupling is only for an assessed mature stage",
        ),
        ({"assessed_coupling": "loose"}, 'unknown assessed_coupling "loose"'),
    ],
)
def test_the_bundle_refuses_an_assessment_that_breaks_the_rules(change, message):
    with pytest.raises(BundleError) as refused:
        import_bundle(assessment_bundle(**change))
    assert f"evidence[3] (E4): {message}" in str(refused.value)


@pytest.mark.django_db
def test_the_database_keeps_assessments_on_author_assessments_and_coupling_on_mature(
    small_project,
):
    item = Evidence.objects.get(project=small_project, key="E1")  # an agreement
    item.assessed_stage = "nascent"
    with pytest.raises(ValidationError) as refused:
        item.clean()
    assert "only an author assessment" in str(refused.value)
    with transaction.atomic(), pytest.raises(IntegrityError):
        item.save()
    item.refresh_from_db()
    item.evidence_type, item.assessed_stage, item.assessed_coupling = (
        "author_assessment",
        "ascendant",
        "loosely",
    )
    with pytest.raises(ValidationError) as refused:
        item.clean()
    assert "coupling applies to a mature stage only" in str(refused.value)
    with transaction.atomic(), pytest.raises(IntegrityError):
        item.save()


# --- the report ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_report_sets_the_assessment_beside_the_verdict_for_every_reader(client):
    project = import_bundle(assessment_bundle())
    report = build_report(project, "FRA-DEU", Membership.objects.get(user__username="carl"))
    p2 = report["periods"][1]
    (assessment,) = p2["author_assessments"]
    assert assessment["key"] == "E4" and assessment["verdict"] == "mature"
    assert assessment["agrees"] is False and assessment["direction"] == "lower"
    assert assessment["sentence"].startswith(
        f"The rule gives {p2['stage']} where the author assesses mature: short of "
    )
    entry = next(e for e in report["evidence"] if e["key"] == "E4")
    assert (entry["assessed_stage"], entry["values"]) == ("mature", {})
    # A coder reads it too: the assessment is evidence, not anyone's coding.
    client.force_login(Membership.objects.get(project=project, user__username="carl").user)
    page = client.get(f"/p/{project.slug}/reports/FRA-DEU/").content.decode()
    assert "The author's own assessment of P2: <strong>mature</strong>" in page
    assert "the author's stage assessment: mature" in page


@pytest.mark.django_db
def test_reviewers_find_the_authors_verdict_in_the_coders_table_too():
    project = import_bundle(assessment_bundle())
    rita = Membership.objects.get(user__username="rita")
    rows = build_report(project, "FRA-DEU", rita)["stage_judgments"]["periods"]
    assert [row["author"] for row in rows] == [[], [{"key": "E4", "verdict": "mature"}]]


@pytest.mark.django_db
def test_a_bare_stage_verdict_is_not_counted_among_the_assessments_left_out():
    # The robustness check leaves out the author assessments the rule reads: E4 codes nothing.
    project = import_bundle(assessment_bundle())
    report = build_report(project, "FRA-DEU", Membership.objects.get(user__username="rita"))
    assert [r["without_author_assessment"]["left_out"] for r in report["robustness"]] == [0, 0]
