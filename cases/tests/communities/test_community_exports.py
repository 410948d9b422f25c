"""A community in the tidy exports: its periods as a dyad's, with its member states in the
last column; the states an item concerns in the evidence file's last column."""

import csv
import io

import pytest

from cases.exports.csv_exports import write_consensus_csv, write_period_values_csv
from cases.exports.item_tables import CONSENSUS_COLUMNS
from cases.exports.period_table import PERIOD_COLUMNS
from cases.tests.communities.community_factory import rule_project_with_nordic
from cases.tests.exports.test_exports_replication import package_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return rule_project_with_nordic()


def test_the_periods_file_lists_each_cases_members_last(project):
    out = io.StringIO()
    write_period_values_csv(out, project)
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(table[0]) == list(PERIOD_COLUMNS) and PERIOD_COLUMNS[-1] == "states"
    nordic = {(r["period"], r["stage"], r["states"]) for r in table if r["dyad"] == "NORDIC"}
    assert nordic == {("P1", "nascent", "DNK NOR SWE"), ("P2", "ascendant", "DNK NOR SWE")}
    assert {r["states"] for r in table if r["dyad"] == "FRA-DEU"} == {"FRA DEU"}


def test_the_evidence_file_names_the_states_an_item_concerns(project):
    text = package_of(project).read("rule-replication/data/evidence.csv").decode("utf-8")
    evidence = {r["evidence"]: r for r in csv.DictReader(io.StringIO(text))}
    assert list(evidence["N2"])[-1] == "states"
    assert [evidence[k]["states"] for k in ("N1", "N2", "N3", "N4", "E1")] == [
        "",
        "DNK NOR",
        "NOR SWE",
        "SWE",
        "",
    ]


def test_the_consensus_file_names_the_states_each_item_concerns_last(project):
    out = io.StringIO()
    write_consensus_csv(out, project)
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(table[0]) == list(CONSENSUS_COLUMNS) and CONSENSUS_COLUMNS[-1] == "states"
    states = {(r["evidence"], r["criterion"]): r["states"] for r in table}
    assert states[("N2", "AB-T3-ID")] == "DNK NOR"
    assert states[("N1", "AB-T2-ORG")] == ""
    assert {s for (key, _), s in states.items() if key.startswith("E")} == {""}
