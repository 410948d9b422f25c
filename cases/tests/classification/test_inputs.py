"""``classify_dyads``: the one way the pages and exports run the rule on a project's consensus."""

import pytest

from cases.bundles import import_bundle
from cases.classification.inputs import classify_dyads, find_dyads
from cases.classification.rule import RULE_V2
from cases.tests.classification.test_classify_command import rule_bundle


@pytest.fixture
def rule_project(db):
    return import_bundle(rule_bundle())


def test_every_dyad_is_classified_by_the_project_s_own_rule(rule_project):
    classified = classify_dyads(rule_project)
    assert [c.dyad.code for c in classified] == ["ESP-PRT", "FRA-DEU"]
    fra_deu = classified[1]
    assert [p.code for p in fra_deu.inputs] == ["P1", "P2"]
    assert [(r.code, r.stage, r.coupling, r.rule) for r in fra_deu.results] == [
        ("P1", "nascent", None, "sccoder-v1"),
        ("P2", "mature", "loosely", "sccoder-v1"),
    ]
    assert set(fra_deu.labels) == {"P1", "P2"}


def test_the_dyads_and_the_rule_may_be_chosen(rule_project):
    (classified,) = classify_dyads(rule_project, find_dyads(rule_project, "PRT-ESP"), rule=RULE_V2)
    assert classified.dyad.code == "ESP-PRT"
    assert [r.rule for r in classified.results] == ["sccoder-v2"]
