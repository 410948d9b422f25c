"""A bad bundle is refused with a message naming the entry, and nothing is written."""

import json

import pytest
from django.apps import apps

from cases.bundles import BundleError, import_bundle, parse_bundle
from cases.tests.bundle_factory import small_bundle


def row_counts() -> dict[str, int]:
    models = list(apps.get_app_config("cases").get_models())
    models.append(apps.get_model("auth", "User"))
    return {m._meta.label: m.objects.count() for m in models}


def refused(doc) -> str:
    before = row_counts()
    with pytest.raises(BundleError) as excinfo:
        import_bundle(doc)
    assert row_counts() == before, "a refused import wrote something"
    return str(excinfo.value)


def broken(change) -> dict:
    doc = small_bundle()
    change(doc)
    return doc


@pytest.mark.django_db
def test_malformed_json_names_line_and_column():
    with pytest.raises(BundleError, match=r"malformed JSON at line 2, column 1"):
        parse_bundle(b'{"format": "sccoder-bundle",\n}')


@pytest.mark.django_db
def test_text_that_is_not_utf8_is_refused():
    with pytest.raises(BundleError, match="not UTF-8 text"):
        parse_bundle('{"project": "Türkiye"}'.encode("latin-1"))


@pytest.mark.django_db
def test_a_duplicate_json_key_is_refused():
    with pytest.raises(BundleError, match='duplicate JSON key "slug"'):
        parse_bundle(b'{"project": {"slug": "a", "slug": "b"}}')


@pytest.mark.django_db
def test_a_document_that_is_not_a_bundle_is_refused():
    assert "must be a JSON object" in refused([1, 2])
    message = refused(broken(lambda d: d.update(format="other", version=2)))
    assert 'format: must be "sccoder-bundle"' in message
    assert "version: this sccoder reads version 1, found 2" in message


@pytest.mark.django_db
def test_an_unknown_criterion_names_the_evidence_entry():
    def change(doc):
        doc["codings"][0]["values"]["AB-T9-X"] = 1

    assert 'codings[0] (E1/carl): unknown criterion "AB-T9-X"' in refused(broken(change))


@pytest.mark.django_db
def test_an_unknown_criterion_in_consensus_is_named():
    def change(doc):
        doc["consensus"][0]["values"] = {"AB-T9-X": 1}

    assert 'consensus[0] (E1): unknown criterion "AB-T9-X"' in refused(broken(change))


@pytest.mark.django_db
def test_an_unknown_dyad_names_the_evidence_entry():
    def change(doc):
        doc["evidence"][2]["dyad"] = "FRA-ITA"

    assert 'evidence[2] (E3): unknown dyad "FRA-ITA"' in refused(broken(change))


@pytest.mark.django_db
@pytest.mark.parametrize("value", [4, -1, "2", 2.0, True, None])
def test_a_value_off_the_scale_is_refused(value):
    def change(doc):
        doc["codings"][0]["values"]["AB-T2-TRANS"] = value

    assert (
        f"codings[0] (E1/carl): AB-T2-TRANS = {value!r} is not on the scale (0, 1, 2, 3)"
        in refused(broken(change))
    )


@pytest.mark.django_db
def test_an_override_off_the_scale_is_refused():
    def change(doc):
        doc["period_overrides"][0]["value"] = 5

    assert (
        "period_overrides[0] (FRA-DEU/P2/AB-T3-TRUST): AB-T3-TRUST = 5 is not on the scale"
        in refused(broken(change))
    )


@pytest.mark.django_db
def test_overlapping_periods_are_refused():
    def change(doc):
        doc["dyads"][0]["periods"][1]["start_year"] = 1960

    assert "dyads[0] (FRA-DEU).periods[1] (P2): overlaps period P1 (1945–1962)" in refused(
        broken(change)
    )


@pytest.mark.django_db
def test_a_reversed_pair_is_the_same_dyad():
    def change(doc):
        doc["dyads"].append(
            {"code": "DEU-FRA", "state_a": "DEU", "state_b": "FRA", "name": "x", "periods": []}
        )

    assert "dyads[1] (DEU-FRA): the pair DEU–FRA is already dyad FRA-DEU" in refused(broken(change))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("section", "index", "message"),
    [
        ("evidence", 0, 'evidence[1] (E1): duplicate evidence key "E1"'),
        ("sources", 0, 'sources[1] (doe2020): duplicate source key "doe2020"'),
        ("members", 0, 'members[5] (ada): duplicate member "ada"'),
        ("dyads", 0, 'dyads[1] (FRA-DEU): duplicate dyad code "FRA-DEU"'),
        ("codings", 0, "codings[4] (E1/carl): duplicate codings entry for this item and coder"),
        ("consensus", 0, "consensus[1] (E1): duplicate consensus entry for this item"),
    ],
)
def test_duplicate_keys_are_refused(section, index, message):
    def change(doc):
        entries = doc[section]
        entry = json.loads(json.dumps(entries[index]))
        if section == "evidence":
            entries.insert(1, entry)
        elif section == "sources":
            entries.append(entry)
        else:
            entries.append(entry)

    assert message in refused(broken(change))


@pytest.mark.django_db
def test_a_duplicate_criterion_code_is_refused():
    def change(doc):
        doc["codebook"]["criteria"].append(dict(doc["codebook"]["criteria"][0]))

    assert 'codebook.criteria[3] (AB-T2-TRANS): duplicate criterion code "AB-T2-TRANS"' in refused(
        broken(change)
    )


@pytest.mark.django_db
def test_a_date_outside_every_period_is_refused():
    def change(doc):
        doc["evidence"][0]["date"] = "1930"

    assert "evidence[0] (E1): 1930 falls outside every period of dyad FRA-DEU" in refused(
        broken(change)
    )


@pytest.mark.django_db
def test_a_given_period_must_hold_the_date():
    def change(doc):
        doc["evidence"][1]["date"] = "1950"

    assert "evidence[1] (E2): the date's start year 1950 is not in period P2" in refused(
        broken(change)
    )


@pytest.mark.django_db
def test_many_problems_are_reported_together():
    def change(doc):
        doc["evidence"][0]["source"] = "nobody2000"
        doc["evidence"][0]["locator"] = "p. 12"
        doc["evidence"][1]["evidence_type"] = "rumour"
        doc["evidence"][2]["quote"] = ""
        doc["stage_judgments"][1]["coupling"] = "loosely"
        doc["codings"][0]["coder"] = "mallory"

    message = refused(broken(change))
    for expected in [
        'evidence[0] (E1): unknown source "nobody2000"',
        'evidence[0] (E1): malformed page locator "p. 12"',
        'evidence[1] (E2): unknown evidence_type "rumour"',
        'evidence[2] (E3): "quote" cannot be empty',
        "stage_judgments[1] (FRA-DEU/P1/carl): only a mature community is loosely or tightly "
        "coupled",
        'codings[0] (E1/mallory): coder "mallory" is not among the members',
    ]:
        assert expected in message


@pytest.mark.django_db
def test_a_note_on_an_uncoded_criterion_is_refused():
    def change(doc):
        doc["codings"][1]["notes"] = {"D-RESP": "hm"}

    assert 'codings[1] (E1/cleo): note for "D-RESP", which this coder did not code' in refused(
        broken(change)
    )


@pytest.mark.django_db
def test_an_existing_slug_is_refused_without_replace(small_project):
    assert 'a project with slug "small" already exists' in refused(small_bundle())


@pytest.mark.django_db
def test_replace_swaps_the_project_for_the_bundle(small_project):
    doc = small_bundle()
    doc["project"]["name"] = "Renamed"
    doc["evidence"] = doc["evidence"][:1]
    doc["codings"] = doc["codings"][:2]
    doc["consensus"] = []
    project = import_bundle(doc, replace=True)
    assert project.name == "Renamed"
    assert project.evidence.count() == 1


@pytest.mark.django_db
def test_a_failed_replace_keeps_the_old_project(small_project):
    doc = small_bundle()
    doc["evidence"][0]["dyad"] = "XXX"
    before = row_counts()
    with pytest.raises(BundleError):
        import_bundle(doc, replace=True)
    assert row_counts() == before


@pytest.mark.django_db
def test_text_longer_than_its_column_is_refused_before_the_database_sees_it():
    def change(doc):
        doc["evidence"][0]["footnote"] = "9" * 61

    assert 'evidence[0] (E1): "footnote" is longer than 60 characters' in refused(broken(change))


@pytest.mark.django_db
def test_a_failure_halfway_through_the_writes_leaves_nothing_behind(monkeypatch):
    """The checks should leave nothing for the database to refuse; if something slips through
    anyway, the transaction must still take every earlier write with it."""
    from django.db import IntegrityError

    import cases.bundles.load

    def fail(*args, **kwargs):
        raise IntegrityError("simulated failure after the codings were written")

    monkeypatch.setattr(cases.bundles.load, "_write_period_records", fail)
    assert "refused by the database: simulated failure" in refused(small_bundle())


@pytest.mark.django_db
def test_keys_with_spaces_or_markup_are_refused():
    def change(doc):
        doc["evidence"][0]["key"] = "<b>E1</b>"
        doc["sources"][0]["key"] = "doe 2020"

    message = refused(broken(change))
    assert 'evidence[0] (<b>E1</b>): "<b>E1</b>" cannot be a key' in message
    assert 'sources[0] (doe 2020): "doe 2020" cannot be a key' in message
