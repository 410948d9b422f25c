"""The bundle's communities extension: a three-state community and the states its items name
survive export and import unchanged; a bundle of dyads reads and writes exactly as before;
a wrong community or a wrong state fails the whole import naming the entry."""

import copy
import json

import pytest

from cases.bundles import BundleError, delete_project, dump_bundle, export_bundle, import_bundle
from cases.models import Dyad, Evidence, Project
from cases.tests.bundle_factory import small_bundle
from cases.tests.communities.community_factory import rule_project_with_nordic

pytestmark = pytest.mark.django_db


def nordic_bundle() -> dict:
    return export_bundle(rule_project_with_nordic())


def test_a_community_survives_export_import_export_unchanged():
    first = dump_bundle(nordic_bundle())
    delete_project(Project.objects.get(slug="rule"))
    second = dump_bundle(export_bundle(import_bundle(json.loads(first))))
    assert first == second
    doc = json.loads(first)
    assert list(doc).index("communities") == list(doc).index("dyads") + 1
    (nordic,) = doc["communities"]
    assert (nordic["code"], nordic["states"], [p["code"] for p in nordic["periods"]]) == (
        "NORDIC",
        ["DNK", "NOR", "SWE"],
        ["P1", "P2"],
    )
    assert "NORDIC" not in [d["code"] for d in doc["dyads"]]
    items = {e["key"]: e.get("states") for e in doc["evidence"] if e["dyad"] == "NORDIC"}
    assert items == {"N1": None, "N2": ["DNK", "NOR"], "N3": ["NOR", "SWE"], "N4": ["SWE"]}
    case = Dyad.objects.get(code="NORDIC")
    assert case.member_states == ["DNK", "NOR", "SWE"]
    assert Evidence.objects.get(key="N2").states == "DNK NOR"


def test_a_bundle_of_dyads_has_no_communities_key_and_round_trips_as_before():
    doc = small_bundle()
    exported = export_bundle(import_bundle(copy.deepcopy(doc)))
    assert "communities" not in exported
    assert all("states" not in e for e in exported["evidence"])
    assert [d["code"] for d in exported["dyads"]] == ["FRA-DEU"]


def test_an_items_states_are_kept_in_member_order():
    doc = nordic_bundle()
    delete_project(Project.objects.get(slug="rule"))
    n3 = next(e for e in doc["evidence"] if e["key"] == "N3")
    n3["states"] = ["SWE", "NOR"]
    import_bundle(doc)
    assert Evidence.objects.get(key="N3").states == "NOR SWE"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["communities"][0].update(states=["DNK", "NOR"]),
            'communities[0] (NORDIC): "states" must list three or more ISO 3166-1 alpha-3 codes',
        ),
        (
            lambda d: d["communities"][0].update(states=["DNK", "NOR", "DNK"]),
            "communities[0] (NORDIC): DNK is listed twice in its states",
        ),
        (
            lambda d: d["communities"][0].update(states=["DNK", "NOR", "se"]),
            'communities[0] (NORDIC): "states" must hold ISO 3166-1 alpha-3 codes such as "DNK"',
        ),
        (
            lambda d: d["communities"][0].update(code="FRA-DEU"),
            'communities[0] (FRA-DEU): duplicate dyad or community code "FRA-DEU"',
        ),
        (
            lambda d: d["communities"].append(
                {"code": "SCAN", "name": "x", "states": ["SWE", "NOR", "DNK"], "periods": []}
            ),
            "communities[1] (SCAN): the same states are already community NORDIC",
        ),
        (
            lambda d: next(e for e in d["evidence"] if e["key"] == "N2").update(
                states=["DNK", "FIN"]
            ),
            "states: FIN is not a member of NORDIC",
        ),
        (
            lambda d: next(e for e in d["evidence"] if e["key"] == "E1").update(states=["SWE"]),
            "states: SWE is not a member of FRA-DEU",
        ),
    ],
)
def test_a_wrong_community_or_state_fails_the_whole_import(change, message):
    doc = nordic_bundle()
    delete_project(Project.objects.get(slug="rule"))
    change(doc)
    with pytest.raises(BundleError) as refused:
        import_bundle(doc)
    assert any(message in problem for problem in refused.value.errors), refused.value.errors
    assert not Project.objects.filter(slug="rule").exists()
