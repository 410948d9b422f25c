"""Stage judgments (coders, their own only) and the assignments page (admins only)."""

import pytest
from django.urls import reverse

from cases.models import Assignment, Evidence, Period, StageJudgment

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"cases:{name}", args=["small", *args])


@pytest.fixture
def p1(small_project):
    return Period.objects.get(dyad__project=small_project, code="P1")


def test_a_coder_sees_only_their_own_judgments(client, people, p1):
    StageJudgment.objects.create(
        period=p1, coder=people["cleo"], stage="none", rationale="CLEO-VERDICT-TEXT"
    )
    client.force_login(people["carl"])
    page = client.get(url("judgments")).content.decode()
    assert "CLEO-VERDICT-TEXT" not in page
    cards = {c["period"].code: c for c in client.get(url("judgments")).context["cards"]}
    assert cards["P1"]["judgment"].stage == "nascent"  # carl's own, from the bundle
    assert cards["P1"]["judgment"].coder == people["carl"]


@pytest.mark.parametrize("username", ["ada", "rita", "otto"])
def test_only_coders_record_stage_judgments(client, people, p1, username):
    client.force_login(people[username])
    assert client.get(url("judgments")).status_code == 403
    response = client.post(url("save_judgment", p1.pk), {"stage": "none", "version": 0})
    assert response.status_code == 403
    assert not StageJudgment.objects.filter(coder=people[username]).exists()


def test_outsiders_cannot_reach_judgments(client, people, p1):
    client.force_login(people["olaf"])
    assert client.post(url("save_judgment", p1.pk), {"stage": "none"}).status_code == 404


def test_a_new_judgment_is_saved(client, people, p1):
    client.force_login(people["cleo"])
    response = client.post(
        url("save_judgment", p1.pk),
        {"stage": "nascent", "coupling": "", "rationale": "first ties", "version": 0},
    )
    assert response.status_code == 200
    judgment = StageJudgment.objects.get(period=p1, coder=people["cleo"])
    assert (judgment.stage, judgment.coupling, judgment.rationale) == (
        "nascent",
        None,
        "first ties",
    )


def test_a_stale_judgment_is_refused(client, people, small_project):
    p2 = Period.objects.get(dyad__project=small_project, code="P2")
    client.force_login(people["carl"])
    ok = client.post(
        url("save_judgment", p2.pk), {"stage": "mature", "coupling": "loosely", "version": 1}
    )
    assert ok.status_code == 200
    stale = client.post(
        url("save_judgment", p2.pk), {"stage": "ascendant", "coupling": "", "version": 1}
    )
    assert stale.status_code == 409
    judgment = StageJudgment.objects.get(period=p2, coder=people["carl"])
    assert (judgment.stage, judgment.coupling, judgment.version) == ("mature", "loosely", 2)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stage": "", "coupling": ""}, "Choose a stage."),
        ({"stage": "ascendant", "coupling": "loosely"}, "Only a mature community is loosely"),
        ({"stage": "mature", "coupling": ""}, "choose one"),
        ({"stage": "mature", "coupling": "sideways"}, "Choose loosely or tightly"),
    ],
)
def test_invalid_judgments_name_the_problem(client, people, p1, data, message):
    client.force_login(people["cleo"])
    response = client.post(url("save_judgment", p1.pk), {**data, "version": 0})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not StageJudgment.objects.filter(coder=people["cleo"]).exists()


@pytest.mark.parametrize("username", ["rita", "carl", "otto"])
def test_only_admins_assign(client, people, username):
    client.force_login(people[username])
    assert client.get(url("assignments")).status_code == 403
    before = Assignment.objects.count()
    client.post(url("assignments"), {"coders": ["carl", "cleo"]})
    assert Assignment.objects.count() == before


def test_an_admin_assigns_every_item_to_every_coder(client, people, small_project):
    client.force_login(people["ada"])
    response = client.post(url("assignments"), {"coders": ["carl", "cleo"], "period": ""})
    assert response.status_code == 302
    pairs = set(Assignment.objects.values_list("evidence__key", "coder__username"))
    assert pairs == {(k, c) for k in ("E1", "E2", "E3") for c in ("carl", "cleo")}


def test_k_per_item_within_a_period(client, people, small_project):
    p1 = Period.objects.get(dyad__project=small_project, code="P1")
    Assignment.objects.all().delete()
    Evidence.objects.filter(key="E2").update(period=p1)  # two items in P1 now
    client.force_login(people["ada"])
    client.post(
        url("assignments"), {"coders": ["carl", "cleo"], "period": str(p1.pk), "per_item": "1"}
    )
    assigned = sorted(Assignment.objects.values_list("evidence__key", "coder__username"))
    assert [key for key, _ in assigned] == ["E1", "E2"]
    assert {who for _, who in assigned} == {"carl", "cleo"}


def test_asking_for_more_coders_than_chosen_is_an_error(client, people):
    client.force_login(people["ada"])
    response = client.post(url("assignments"), {"coders": ["carl"], "per_item": "2"})
    assert response.status_code == 200
    assert "You chose 1 coder; ask for at most that." in response.content.decode()


def test_the_admin_assigns_selected_items_to_every_coder(admin_client, small_project):
    Assignment.objects.all().delete()
    items = list(Evidence.objects.filter(key__in=["E1", "E2"]).values_list("pk", flat=True))
    response = admin_client.post(
        "/admin/cases/evidence/",
        {"action": "assign_to_every_coder", "_selected_action": [str(pk) for pk in items]},
    )
    assert response.status_code == 302
    pairs = set(Assignment.objects.values_list("evidence__key", "coder__username"))
    assert pairs == {(k, c) for k in ("E1", "E2") for c in ("carl", "cleo")}
