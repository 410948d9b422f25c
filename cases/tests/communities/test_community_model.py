"""A case of more than two states: its members, the states an item concerns, and the checks
that keep both right in the model, the database, the API and the evidence form."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from cases.models import Dyad, Evidence, Period
from cases.web.forms.evidence import EvidenceForm

pytestmark = pytest.mark.django_db

BASE = "/api/projects/small/"


@pytest.fixture
def nordic(small_project):
    case = Dyad(
        project=small_project,
        code="NORDIC",
        state_a="DNK",
        state_b="NOR",
        extra_states="swe",
        name="Nordic",
    )
    case.full_clean()
    case.save()
    Period.objects.create(dyad=case, code="P1", start_year=1945, end_year=None)
    return case


def an_item(project, case, **fields) -> Evidence:
    item = Evidence(
        project=project,
        key=fields.pop("key", "N1"),
        dyad=case,
        date="1952",
        source=project.sources.get(key="doe2020"),
        evidence_type="agreement",
        quote="The Nordic Council meets for the first time.",
        **fields,
    )
    return item


def test_a_community_lists_its_members_in_order_and_its_member_dyads(nordic):
    assert nordic.extra_states == "SWE"  # clean() writes the codes in capitals
    assert nordic.member_states == ["DNK", "NOR", "SWE"]
    assert nordic.is_community
    assert nordic.member_pairs == [("DNK", "NOR"), ("DNK", "SWE"), ("NOR", "SWE")]


def test_a_dyad_is_a_case_of_two_members_and_its_one_pair(small_project):
    dyad = Dyad.objects.get(project=small_project, code="FRA-DEU")
    assert (dyad.member_states, dyad.is_community, dyad.member_pairs) == (
        ["FRA", "DEU"],
        False,
        [("FRA", "DEU")],
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("SW", '"SW" is not an ISO 3166-1 alpha-3 code'),
        ("SWE FIN SWE", "SWE is listed twice"),
        ("DNK", "a further member repeats state A or state B"),
    ],
)
def test_a_community_with_wrong_members_is_refused_naming_the_field(small_project, extra, message):
    case = Dyad(
        project=small_project, code="N", state_a="DNK", state_b="NOR", extra_states=extra, name="N"
    )
    with pytest.raises(ValidationError) as refused:
        case.clean()
    assert message in " ".join(refused.value.message_dict["extra_states"])


def test_the_same_members_in_another_order_are_the_same_community(nordic):
    again = Dyad(
        project=nordic.project,
        code="SCAN",
        state_a="SWE",
        state_b="DNK",
        extra_states="NOR",
        name="Scandinavia",
    )
    with pytest.raises(ValidationError, match="already in this project as NORDIC"):
        again.clean()


def test_a_community_may_share_its_first_pair_with_a_dyad_but_dyads_stay_unique(nordic):
    pair = Dyad(project=nordic.project, code="DNK-NOR", state_a="DNK", state_b="NOR", name="x")
    pair.full_clean()
    pair.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Dyad.objects.create(
            project=nordic.project, code="NOR-DNK", state_a="NOR", state_b="DNK", name="y"
        )


def test_the_database_refuses_members_in_small_letters(small_project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Dyad.objects.create(
            project=small_project,
            code="N",
            state_a="DNK",
            state_b="NOR",
            extra_states="swe",
            name="N",
        )


def test_an_item_names_the_members_it_concerns_in_member_order(small_project, nordic):
    item = an_item(small_project, nordic, states="swe, dnk")
    item.full_clean()
    assert item.states == "DNK SWE"
    assert item.concerned_states == ["DNK", "SWE"]
    assert item.concerns(("DNK", "SWE")) and not item.concerns(("DNK", "NOR"))
    whole = an_item(small_project, nordic, key="N2")
    whole.full_clean()
    assert whole.concerned_states == ["DNK", "NOR", "SWE"]
    assert whole.concerns(("NOR", "SWE"))


@pytest.mark.parametrize(
    ("states", "message"),
    [
        ("FIN", "FIN is not a member of this case: choose among DNK, NOR, SWE"),
        ("DNK DNK", "DNK is listed twice"),
        ("DK", '"DK" is not an ISO 3166-1 alpha-3 code'),
    ],
)
def test_an_item_naming_states_outside_its_case_is_refused(small_project, nordic, states, message):
    item = an_item(small_project, nordic, states=states)
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    (problem,) = refused.value.message_dict["states"]
    assert problem.startswith(message)


@pytest.fixture
def api(people):
    def signed_in(username: str) -> APIClient:
        client = APIClient()
        client.force_login(people[username])
        return client

    return signed_in


def test_the_api_creates_a_community_and_lists_its_members(api):
    response = api("ada").post(
        BASE + "dyads/",
        {
            "code": "NORDIC",
            "state_a": "DNK",
            "state_b": "NOR",
            "extra_states": ["swe"],
            "name": "Nordic",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["extra_states"], response.json()["member_states"]) == (
        ["SWE"],
        ["DNK", "NOR", "SWE"],
    )
    assert Dyad.objects.get(code="NORDIC").extra_states == "SWE"
    dyad = next(
        d for d in api("carl").get(BASE + "dyads/").json()["results"] if d["code"] != "NORDIC"
    )
    assert (dyad["extra_states"], dyad["member_states"]) == ([], ["FRA", "DEU"])


def test_the_api_refuses_a_community_member_that_repeats_the_pair(api):
    response = api("ada").post(
        BASE + "dyads/",
        {"code": "N", "state_a": "DNK", "state_b": "NOR", "extra_states": ["NOR"], "name": "N"},
        format="json",
    )
    assert response.status_code == 400
    assert "repeats state A or state B" in " ".join(response.json()["extra_states"])


def test_the_api_records_and_checks_the_states_an_item_concerns(api, nordic):
    item = {
        "key": "N1",
        "dyad": "NORDIC",
        "date": "1952",
        "source": "doe2020",
        "evidence_type": "agreement",
        "quote": "The Nordic Council meets.",
    }
    wrong = api("cleo").post(BASE + "evidence/", item | {"states": ["FIN"]}, format="json")
    assert wrong.status_code == 400
    assert "FIN is not a member of this case" in " ".join(wrong.json()["states"])
    assert not Evidence.objects.filter(key="N1").exists()
    made = api("cleo").post(BASE + "evidence/", item | {"states": ["SWE", "DNK"]}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["states"] == ["DNK", "SWE"]
    assert Evidence.objects.get(key="N1").states == "DNK SWE"


def test_the_evidence_form_names_the_states_field_when_a_state_is_not_a_member(
    small_project, nordic
):
    data = {
        "key": "N1",
        "dyad": nordic.pk,
        "states": "DNK FIN",
        "date": "1952",
        "evidence_type": "agreement",
        "source": small_project.sources.get(key="doe2020").pk,
        "quote": "The Nordic Council meets.",
    }
    form = EvidenceForm(data, project=small_project)
    assert not form.is_valid()
    assert "FIN is not a member of this case" in " ".join(form.errors["states"])
    form = EvidenceForm(data | {"states": "nor dnk"}, project=small_project)
    assert form.is_valid(), form.errors
    assert form.save().states == "DNK NOR"


def test_the_states_refusals_speak_the_readers_language(small_project, nordic):
    from django.utils import translation

    data = {
        "key": "N1",
        "dyad": nordic.pk,
        "date": "1952",
        "evidence_type": "agreement",
        "source": small_project.sources.get(key="doe2020").pk,
        "quote": "The Nordic Council meets.",
    }
    with translation.override("tr"):
        outside = EvidenceForm(data | {"states": "DNK FIN ISL"}, project=small_project)
        assert not outside.is_valid()
        twice = EvidenceForm(data | {"states": "DNK DNK"}, project=small_project)
        assert not twice.is_valid()
        wrong = EvidenceForm(data | {"states": "DK"}, project=small_project)
        assert not wrong.is_valid()
        assert outside.errors["states"] == [
            "FIN, ISL bu vakanın üyesi değil: şunlar arasından seçin: DNK, NOR, SWE."
        ]
        assert twice.errors["states"] == ["DNK iki kez yazılmış."]
        assert wrong.errors["states"] == [
            '"DK" bir ISO 3166-1 alpha-3 kodu değil: üç büyük harf, ör. SWE.'
        ]
    english = EvidenceForm(data | {"states": "DNK FIN ISL"}, project=small_project)
    assert not english.is_valid()
    assert english.errors["states"] == [
        "FIN, ISL are not members of this case: choose among DNK, NOR, SWE."
    ]
