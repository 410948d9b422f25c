"""Export → import into an empty database → export gives the identical document."""

import json

import pytest

from cases.bundles import delete_project, dump_bundle, export_bundle, import_bundle
from cases.models import Assignment, Coding, Consensus, Evidence, Project
from cases.tests.bundle_factory import small_bundle


def _roundtrip(doc: dict) -> tuple[str, str]:
    first = dump_bundle(export_bundle(import_bundle(doc)))
    delete_project(Project.objects.get(slug=doc["project"]["slug"]))
    second = dump_bundle(export_bundle(import_bundle(json.loads(first))))
    return first, second


@pytest.mark.django_db
def test_a_bundle_survives_export_import_export_unchanged():
    first, second = _roundtrip(small_bundle())
    assert first == second


@pytest.mark.django_db
def test_the_export_keeps_what_was_imported():
    doc = small_bundle()
    exported = export_bundle(import_bundle(small_bundle()))
    assert exported["project"]["slug"] == "small"
    assert [c["code"] for c in exported["codebook"]["criteria"]] == [
        c["code"] for c in doc["codebook"]["criteria"]
    ]
    e1 = next(e for e in exported["evidence"] if e["key"] == "E1")
    assert (e1["period"], e1["locator"], e1["footnote"]) == ("P1", "12", "3")
    carl_e1 = next(c for c in exported["codings"] if (c["evidence"], c["coder"]) == ("E1", "carl"))
    assert carl_e1 == doc["codings"][0]
    assert exported["consensus"] == doc["consensus"]
    assert exported["period_overrides"] == doc["period_overrides"]
    # Sorted by dyad, period start, coder: P1's judgment comes first.
    assert [j["period"] for j in exported["stage_judgments"]] == ["P1", "P2"]


@pytest.mark.django_db
def test_an_assignment_without_codings_is_kept_as_an_empty_entry():
    exported = export_bundle(import_bundle(small_bundle()))
    entry = next(c for c in exported["codings"] if c["evidence"] == "E2")
    assert entry == {
        "evidence": "E2",
        "coder": "cleo",
        "submitted": False,
        "values": {},
        "notes": {},
    }
    assert Assignment.objects.get(evidence__key="E2").status == "assigned"


@pytest.mark.django_db
def test_not_coded_and_coded_zero_stay_apart_through_a_roundtrip():
    doc = small_bundle()
    doc["codings"][1]["values"] = {"AB-T2-TRANS": 0}
    first, second = _roundtrip(doc)
    cleo = next(
        c for c in json.loads(second)["codings"] if (c["evidence"], c["coder"]) == ("E1", "cleo")
    )
    assert cleo["values"] == {"AB-T2-TRANS": 0}
    assert "D-RESP" not in cleo["values"]
    assert first == second


@pytest.mark.django_db
def test_consensus_leaves_out_what_the_coders_coded_but_the_decision_dropped():
    import_bundle(small_bundle())
    # carl coded D-RESP on E1; the consensus entry does not list it: decided "not coded".
    decision = Consensus.objects.get(evidence__key="E1", criterion__code="D-RESP")
    assert decision.value is None
    assert decision.method == "adjudicated"
    assert decision.decided_by.username == "rita"


@pytest.mark.django_db
def test_per_criterion_rationales_and_unanimous_decisions_roundtrip():
    doc = small_bundle()
    doc["consensus"] = [
        {
            "evidence": "E1",
            "values": {"AB-T2-TRANS": 2},
            "decided_by": "rita",
            "rationale": "",
            "rationales": {"AB-T2-TRANS": "treaty", "D-RESP": "too thin"},
        },
        {
            "evidence": "E3",
            "values": {"AB-T3-TRUST": 3},
            "decided_by": None,
            "rationale": "",
            "method": "unanimous",
        },
    ]
    first, second = _roundtrip(doc)
    assert first == second
    exported = json.loads(second)["consensus"]
    assert exported[0]["rationales"] == {"AB-T2-TRANS": "treaty", "D-RESP": "too thin"}
    assert exported[1]["method"] == "unanimous"


@pytest.mark.django_db
def test_csl_fields_come_back_whatever_order_the_database_keeps():
    doc = small_bundle()
    doc["sources"][0]["csl"] = {
        "title": "T",
        "type": "book",
        "URL": "https://example.org",
        "author": [{"given": "A", "family": "B"}],
    }
    first, second = _roundtrip(doc)
    csl = json.loads(second)["sources"][0]["csl"]
    assert list(csl) == sorted(csl)
    assert csl["author"] == [{"family": "B", "given": "A"}]
    assert first == second


@pytest.mark.django_db
def test_import_derives_periods_and_date_bounds():
    import_bundle(small_bundle())
    e3 = Evidence.objects.get(key="E3")
    assert e3.period.code == "P2"
    assert (e3.date_start.isoformat(), e3.date_end.isoformat()) == ("1990-01-01", "1999-12-31")


@pytest.mark.django_db
def test_import_writes_history_for_audited_models():
    import_bundle(small_bundle())
    assert Coding.history.count() == Coding.objects.count() == 4
    assert Evidence.history.count() == 3


@pytest.mark.django_db
def test_members_missing_here_are_created_without_a_usable_password():
    import_bundle(small_bundle())
    from django.contrib.auth import get_user_model

    carl = get_user_model().objects.get(username="carl")
    assert not carl.has_usable_password()


@pytest.mark.django_db
def test_existing_accounts_are_reused_and_keep_their_password():
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("carl", password="secret-pass-1")
    import_bundle(small_bundle())
    assert get_user_model().objects.get(username="carl").check_password("secret-pass-1")
