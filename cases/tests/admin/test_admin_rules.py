"""The admin goes through the project's rules: the same actions, refusals and version check as
the pages and the API.

ada is the small project's admin, here also staff holding every model permission; carl and
cleo are its coders (carl has submitted E1 with codes; cleo submitted E1 and is still on E2
with no codes), rita its reviewer. What a page or the API refuses, the admin refuses with the
same words and writes nothing; what the admin changes counts the row's version up, so a page
opened before an admin edit cannot save over it.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from cases.lib.versioning import STALE
from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Evidence,
    Membership,
    PeriodOverride,
    Role,
    StageJudgment,
)
from cases.tests.admin_walk import form_data, snapshot

pytestmark = pytest.mark.django_db
API = "/api/projects/small/"


@pytest.fixture
def staff(people):
    """ada's admin session: staff, every model permission, admin of the small project only."""
    ada = people["ada"]
    ada.is_staff = True
    ada.save()
    ada.user_permissions.set(Permission.objects.all())
    client = Client()
    client.force_login(ada)
    return client


def as_user(people, username) -> Client:
    client = Client()
    client.force_login(people[username])
    return client


def api_as(people, username) -> APIClient:
    client = APIClient()
    client.force_login(people[username])
    return client


def change_url(obj) -> str:
    return reverse(f"admin:cases_{obj._meta.model_name}_change", args=[obj.pk])


def delete_url(obj) -> str:
    return reverse(f"admin:cases_{obj._meta.model_name}_delete", args=[obj.pk])


def changelist(model) -> str:
    return reverse(f"admin:cases_{model._meta.model_name}_changelist")


def the_form(client, url) -> dict:
    page = client.get(url)
    assert page.status_code == 200, url
    return form_data(page.content.decode())


def said(response) -> list[str]:
    """The admin's messages to the user after this response. Messages wait (in a cookie) until
    a page shows them: they are read here and dropped, as a page showing them would."""
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    response.client.cookies.pop("messages", None)
    return shown


def errors_of(response) -> str:
    return " ".join(" ".join(errors) for errors in response.context["errors"])


def item(key) -> Evidence:
    return Evidence.objects.get(project__slug="small", key=key)


def app_form(evidence: Evidence, **changes) -> dict:
    """The app's evidence form, as its page shows it for ``evidence``."""
    data = {
        "key": evidence.key,
        "dyad": evidence.dyad_id,
        "date": evidence.date,
        "period": "",
        "evidence_type": evidence.evidence_type,
        "source": evidence.source_id,
        "locator": evidence.locator,
        "footnote": evidence.footnote,
        "locator_note": evidence.locator_note,
        "quote": evidence.quote,
        "summary": evidence.summary,
        "version": evidence.version,
    }
    data.update(changes)
    return data


def app_edit(people, username, evidence, **changes):
    url = reverse("cases:evidence_edit", args=["small", evidence.pk])
    return as_user(people, username).post(url, app_form(evidence, **changes))


# -- the version check ------------------------------------------------------------------------


def test_an_admin_edit_counts_the_version_up_so_a_page_opened_before_cannot_save_over_it(
    staff, people
):
    opened = item("E1")  # cleo opens the app's edit page: version 1
    data = dict(the_form(staff, change_url(opened)), quote=["Edited in the admin."])
    assert staff.post(change_url(opened), data).status_code == 302
    edited = item("E1")
    assert (edited.quote, edited.version) == ("Edited in the admin.", 2)

    response = app_edit(people, "cleo", opened, quote="Cleo's reading.")
    assert response.status_code == 409
    stale = api_as(people, "cleo").patch(
        API + f"evidence/{opened.pk}/", {"quote": "Cleo's.", "version": 1}, format="json"
    )
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert item("E1").quote == "Edited in the admin."


def test_an_admin_form_opened_before_a_page_edit_is_refused_and_writes_nothing(staff, people):
    evidence = item("E1")
    data = dict(the_form(staff, change_url(evidence)), quote=["The admin's reading."])
    assert app_edit(people, "carl", evidence, quote="Carl's reading.").status_code == 302
    before = snapshot()
    response = staff.post(change_url(evidence), data)
    assert response.status_code == 200
    assert str(STALE) in errors_of(response)
    assert snapshot() == before
    assert (item("E1").quote, item("E1").version) == ("Carl's reading.", 2)


def test_a_revert_needs_the_change_permission_and_counts_the_version_up(staff, people):
    evidence = item("E1")
    assert app_edit(people, "carl", evidence, quote="Carl's reading.").status_code == 302
    first = evidence.history.order_by("history_id").first()
    revert = reverse("admin:cases_evidence_simple_history", args=[evidence.pk, first.history_id])
    data = the_form(staff, revert)

    viewer = people["rita"]  # staff with the view permission only, and admin of the project
    viewer.is_staff = True
    viewer.save()
    viewer.user_permissions.set(Permission.objects.filter(codename="view_evidence"))
    Membership.objects.filter(user=viewer).update(role=Role.ADMIN)
    assert as_user(people, "rita").post(revert, data).status_code == 403
    assert item("E1").quote == "Carl's reading."

    assert staff.post(revert, data).status_code == 302
    reverted = item("E1")
    assert (reverted.quote, reverted.version) == ("The coal and steel treaty.", 3)
    assert app_edit(people, "carl", item("E1"), version=2, quote="Again.").status_code == 409


def test_an_admin_revision_of_a_decision_is_the_editors_decision_with_a_new_version(staff, people):
    row = Consensus.objects.get(evidence=item("E1"), criterion__code="AB-T2-TRANS")
    data = the_form(staff, change_url(row))
    assert "value" in data and "evidence" not in data  # only the decision itself is edited
    response = staff.post(change_url(row), dict(data, value=["3"], rationale=["Strong after all."]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.value, row.method, row.decided_by, row.version) == (
        3,
        Consensus.Method.ADJUDICATED,
        people["ada"],
        2,
    )
    stale = api_as(people, "rita").patch(
        API + f"consensus/{row.pk}/", {"value": 1, "rationale": "No.", "version": 1}, format="json"
    )
    assert stale.status_code == 409


@pytest.mark.parametrize(
    ("value", "rationale", "message"),
    [
        ("7", "Why not.", "value: 7 is not on the scale (0, 1, 2, 3)."),
        ("1", " ", "rationale: say why you decided so; it is required."),
    ],
)
def test_a_revision_the_review_rules_refuse_is_refused_with_their_words(
    staff, value, rationale, message
):
    row = Consensus.objects.get(evidence=item("E1"), criterion__code="AB-T2-TRANS")
    data = dict(the_form(staff, change_url(row)), value=[value], rationale=[rationale])
    before = snapshot()
    response = staff.post(change_url(row), data)
    assert response.status_code == 302 and said(response) == [message]
    assert snapshot() == before


def test_an_admin_override_goes_through_the_overrides_rules(staff, people):
    row = PeriodOverride.objects.get(period__dyad__project__slug="small")
    data = the_form(staff, change_url(row))
    response = staff.post(change_url(row), dict(data, value=["3"], rationale=["New polls."]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.value, row.decided_by, row.version) == (3, people["ada"], 2)
    before = snapshot()
    assert staff.post(change_url(row), dict(data, value=["1"])).status_code == 200  # stale
    assert snapshot() == before


# -- deletions the app refuses ----------------------------------------------------------------


def test_deleting_an_assignment_with_submitted_codes_is_refused_by_every_admin_route(staff, people):
    carls = Assignment.objects.get(evidence=item("E1"), coder=people["carl"])
    refusal = api_as(people, "ada").delete(API + f"assignments/{carls.pk}/")
    assert refusal.status_code == 409
    message = refusal.json()["detail"]
    before = snapshot()

    opened = staff.get(delete_url(carls))
    assert opened.status_code == 302 and said(opened) == [message]
    assert said(staff.post(delete_url(carls), {"post": "yes"})) == [message]
    bulk = {"action": "delete_selected", "_selected_action": [carls.pk], "post": "yes"}
    assert said(staff.post(changelist(Assignment), bulk)) == [message]

    evidence = item("E1")
    inline = the_form(staff, change_url(evidence))
    row = next(
        k[: -len("-id")] for k, v in inline.items() if k.endswith("-id") and v == [str(carls.pk)]
    )
    response = staff.post(change_url(evidence), dict(inline, **{f"{row}-DELETE": ["on"]}))
    assert said(response) == [message]
    assert snapshot() == before


def test_an_assignment_nobody_has_coded_is_removed_in_the_admin(staff, people):
    cleos = Assignment.objects.get(evidence=item("E2"), coder=people["cleo"])
    assert staff.post(delete_url(cleos), {"post": "yes"}).status_code == 302
    assert not Assignment.objects.filter(pk=cleos.pk).exists()


def test_decisions_codings_and_stage_judgments_are_never_deleted_in_the_admin(staff, people):
    rows = [
        Consensus.objects.filter(evidence=item("E1")).first(),
        Coding.objects.filter(evidence=item("E1"), coder=people["carl"]).first(),
        StageJudgment.objects.filter(coder=people["carl"]).first(),
    ]
    before = snapshot()
    for row in rows:
        assert staff.get(delete_url(row)).status_code == 403
        assert staff.post(delete_url(row), {"post": "yes"}).status_code == 403
        bulk = {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
        response = staff.post(changelist(type(row)), bulk, follow=True)
        offered = response.context["action_form"]
        assert offered is None or "delete_selected" not in dict(offered.fields["action"].choices)
    assert snapshot() == before


def test_a_coders_codes_and_verdicts_are_read_only_in_the_admin(staff, people):
    coding = Coding.objects.filter(evidence=item("E1"), coder=people["carl"]).first()
    judgment = StageJudgment.objects.filter(coder=people["carl"]).first()
    before = snapshot()
    for row, change in ((coding, {"value": ["0"]}), (judgment, {"stage": ["none"]})):
        page = staff.get(change_url(row))
        assert page.status_code == 200
        assert (
            staff.post(
                change_url(row), dict(form_data(page.content.decode()), **change)
            ).status_code
            == 403
        )
        assert staff.get(reverse(f"admin:cases_{row._meta.model_name}_add")).status_code == 403
    first = coding.history.first()
    revert = reverse("admin:cases_coding_simple_history", args=[coding.pk, first.history_id])
    assert staff.post(revert, {"value": "0", "note": ""}).status_code == 403
    assert snapshot() == before


def test_removing_a_member_who_has_codes_is_refused_with_the_apis_words(staff, people):
    carl = Membership.objects.get(project__slug="small", user=people["carl"])
    refusal = api_as(people, "ada").delete(API + f"members/{carl.pk}/")
    assert refusal.status_code == 409
    message = refusal.json()["detail"]
    assert message.startswith("carl has assignments, codes or stage verdicts")
    before = snapshot()

    assert said(staff.get(delete_url(carl))) == [message]
    assert said(staff.post(delete_url(carl), {"post": "yes"})) == [message]
    bulk = {"action": "delete_selected", "_selected_action": [carl.pk], "post": "yes"}
    assert said(staff.post(changelist(Membership), bulk)) == [message]
    project = carl.project
    inline = the_form(staff, change_url(project))
    row = next(
        k[: -len("-id")] for k, v in inline.items() if k.endswith("-id") and v == [str(carl.pk)]
    )
    response = staff.post(change_url(project), dict(inline, **{f"{row}-DELETE": ["on"]}))
    assert said(response) == [message]
    assert snapshot() == before


def test_a_member_without_work_is_removed(staff, people):
    otto = Membership.objects.get(project__slug="small", user=people["otto"])
    assert staff.post(delete_url(otto), {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=otto.pk).exists()


def test_the_only_admin_is_not_demoted_in_the_admin(staff, people):
    ada = Membership.objects.get(project__slug="small", user=people["ada"])
    refusal = api_as(people, "ada").patch(
        API + f"members/{ada.pk}/", {"role": "coder"}, format="json"
    )
    message = refusal.json()["detail"]
    before = snapshot()
    data = dict(the_form(staff, change_url(ada)), role=["coder"])
    assert said(staff.post(change_url(ada), data)) == [message]
    assert snapshot() == before
    # Handing the role over in one save works: the new admin is promoted first.
    project = ada.project
    inline = the_form(staff, change_url(project))
    rows = {v[0]: k[: -len("-id")] for k, v in inline.items() if k.endswith("-id")}
    rita = Membership.objects.get(project=project, user=people["rita"])
    inline[f"{rows[str(ada.pk)]}-role"] = ["reviewer"]
    inline[f"{rows[str(rita.pk)]}-role"] = ["admin"]
    assert staff.post(change_url(project), inline).status_code == 302
    assert Membership.objects.get(pk=rita.pk).role == Role.ADMIN


def test_a_member_is_added_by_username_and_only_as_a_coder_of_the_project_assigned(staff, people):
    data = the_form(staff, reverse("admin:cases_membership_add"))
    project = Membership.objects.get(user=people["ada"]).project
    data.update(project=[str(project.pk)], user=["nobody"], role=["coder"])
    response = staff.post(reverse("admin:cases_membership_add"), data)
    assert response.status_code == 200
    assert "No user with this username on this server." in errors_of(response)
    added = staff.post(reverse("admin:cases_membership_add"), dict(data, user=["olaf"]))
    assert added.status_code == 302
    assert Membership.objects.get(project=project, user=people["olaf"]).role == Role.CODER

    add = reverse("admin:cases_assignment_add")
    data = dict(the_form(staff, add), evidence=[str(item("E3").pk)], coder=[str(people["rita"].pk)])
    response = staff.post(add, data)
    assert 'No coder "rita" in this project.' in errors_of(response)
    assert staff.post(add, dict(data, coder=[str(people["olaf"].pk)])).status_code == 302
    assert Assignment.objects.filter(evidence=item("E3"), coder=people["olaf"]).exists()


def test_a_refused_admin_change_leaves_no_log_entry(staff, people):
    carls = Assignment.objects.get(evidence=item("E1"), coder=people["carl"])
    logged = LogEntry.objects.count()
    staff.post(delete_url(carls), {"post": "yes"})
    assert LogEntry.objects.count() == logged


def test_an_override_added_in_the_admin_is_the_adders_decision(staff, people):
    add = reverse("admin:cases_periodoverride_add")
    period = PeriodOverride.objects.get().period.dyad.periods.get(code="P1")
    data = dict(
        the_form(staff, add),
        period=[str(period.pk)],
        criterion=[str(period.dyad.project.codebook.criteria.get(code="D-RESP").pk)],
        value=["2"],
        rationale=["Summit diplomacy."],
    )
    assert staff.post(add, dict(data, rationale=[" "])).status_code == 200  # a reason is required
    assert staff.post(add, data).status_code == 302
    added = PeriodOverride.objects.get(period=period)
    assert (added.value, added.decided_by, added.version) == (2, people["ada"], 1)
