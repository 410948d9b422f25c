"""The coder's queue, coding page, saves, submit and reopen; tried as every persona."""

import pytest
from django.urls import reverse

from cases.coding.queue_order import queue_changed
from cases.models import Assignment, Coding, Consensus, Criterion, Evidence

pytestmark = pytest.mark.django_db

SECRET = "CLEO-PRIVATE-NOTE"


@pytest.fixture
def items(small_project, people):
    """E1 is assigned to carl and cleo; cleo leaves a note only she may ever read."""
    items = {e.key: e for e in Evidence.objects.filter(project=small_project)}
    Coding.objects.filter(evidence=items["E1"], coder=people["cleo"]).update(note=SECRET)
    # Give carl an item still to do, and reopen his E1 so he can edit it.
    Assignment.objects.create(evidence=items["E2"], coder=people["carl"])
    return items


def url(name, *args):
    return reverse(f"cases:{name}", args=["small", *args])


def save(client, item, code, value, version, note=""):
    return client.post(
        url("save_coding", item.pk, code), {"value": value, "version": version, "note": note}
    )


def reopen_for(item, coder):
    Assignment.objects.filter(evidence=item, coder=coder).update(status="assigned")


# --- who may open the pages ------------------------------------------------------------------


@pytest.mark.parametrize("username", ["ada", "rita", "otto"])
def test_only_coders_have_a_queue(client, people, items, username):
    client.force_login(people[username])
    assert client.get(url("queue")).status_code == 403
    assert client.get(url("code", items["E1"].pk)).status_code == 403
    assert save(client, items["E1"], "D-RESP", "1", 0).status_code == 403


def test_outsiders_get_404_everywhere(client, people, items):
    client.force_login(people["olaf"])
    for response in [
        client.get(url("queue")),
        client.get(url("code", items["E1"].pk)),
        save(client, items["E1"], "D-RESP", "1", 0),
        client.post(url("submit_item", items["E1"].pk)),
        client.post(url("reopen_item", items["E1"].pk)),
        client.get(url("judgments")),
    ]:
        assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, items):
    response = client.get(url("code", items["E1"].pk))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_queue_lists_only_my_items(client, people, items):
    client.force_login(people["carl"])
    page = client.get(url("queue") + "?show=all").content.decode()
    assert "E1" in page and "E2" in page and "E3" in page
    client.force_login(people["cleo"])
    page = client.get(url("queue") + "?show=all").content.decode()
    assert ">E1<" in page and ">E3<" not in page


def test_the_queue_tabs_split_todo_from_submitted(client, people, items):
    client.force_login(people["carl"])
    todo = client.get(url("queue")).context["page"].object_list
    assert sorted(a.evidence.key for a in todo) == ["E2", "E3"]
    done = client.get(url("queue") + "?show=submitted").context["page"].object_list
    assert [a.evidence.key for a in done] == ["E1"]


# --- blindness -----------------------------------------------------------------------------


def test_a_coder_never_sees_another_coders_values_or_notes(client, people, items):
    client.force_login(people["carl"])
    page = client.get(url("code", items["E1"].pk)).content.decode()
    assert SECRET not in page
    rows = {
        r["criterion"].code: r
        for _, groups in client.get(url("code", items["E1"].pk)).context["frameworks"]
        for group in groups
        for r in group.rows
    }
    # carl coded TRANS 2 and D-RESP 1; cleo coded TRANS 3. Only carl's appear.
    assert rows["AB-T2-TRANS"]["coding"].value == 2
    assert rows["D-RESP"]["coding"].note == "only elites"
    assert rows["AB-T3-TRUST"]["coding"] is None


def test_an_item_assigned_only_to_someone_else_is_404(client, people, items):
    # E3 is carl's alone; cleo cannot open it, save on it or submit it.
    client.force_login(people["cleo"])
    assert client.get(url("code", items["E3"].pk)).status_code == 404
    assert save(client, items["E3"], "AB-T3-TRUST", "1", 0).status_code == 404
    assert client.post(url("submit_item", items["E3"].pk)).status_code == 404
    assert Coding.objects.filter(evidence=items["E3"], coder=people["cleo"]).count() == 0


def test_error_messages_do_not_reveal_other_coders_values(client, people, items):
    reopen_for(items["E1"], people["carl"])
    client.force_login(people["carl"])
    responses = [
        save(client, items["E1"], "AB-T2-TRANS", "3", 99),  # stale
        save(client, items["E1"], "AB-T2-TRANS", "7", 1),  # off the scale
        save(client, items["E1"], "AB-T3-TRUST", "", 0, note="why?"),  # note without value
    ]
    for response in responses:
        assert SECRET not in response.content.decode()
    # The stale reply shows carl's own stored value (2), not cleo's 3.
    assert responses[0].context["row"]["coding"].value == 2


# --- saving --------------------------------------------------------------------------------


def test_a_new_value_is_saved_and_survives_a_reload(client, people, items):
    client.force_login(people["carl"])
    response = save(client, items["E2"], "AB-T3-TRUST", "0", 0, note="contrary: no trust")
    assert response.status_code == 200
    coding = Coding.objects.get(evidence=items["E2"], coder=people["carl"])
    assert (coding.criterion.code, coding.value, coding.note, coding.version) == (
        "AB-T3-TRUST",
        0,
        "contrary: no trust",
        1,
    )
    page = client.get(url("code", items["E2"].pk)).content.decode()
    assert 'value="0" checked' in page and "contrary: no trust" in page


def test_an_update_with_the_current_version_wins_and_is_kept_in_history(client, people, items):
    client.force_login(people["carl"])
    save(client, items["E2"], "D-RESP", "1", 0)
    response = save(client, items["E2"], "D-RESP", "2", 1, note="repeated")
    assert response.status_code == 200
    coding = Coding.objects.get(
        evidence=items["E2"], coder=people["carl"], criterion__code="D-RESP"
    )
    assert (coding.value, coding.version) == (2, 2)
    assert [h.value for h in coding.history.order_by("history_date")] == [1, 2]


def test_a_stale_save_is_refused_and_changes_nothing(client, people, items):
    client.force_login(people["carl"])
    save(client, items["E2"], "D-RESP", "1", 0)
    save(client, items["E2"], "D-RESP", "2", 1)  # another tab
    response = save(client, items["E2"], "D-RESP", "3", 1)  # this tab still shows version 1
    assert response.status_code == 409
    assert "not saved" in response.content.decode()
    assert Coding.objects.get(evidence=items["E2"], criterion__code="D-RESP").value == 2


def test_creating_what_another_tab_already_created_is_stale(client, people, items):
    client.force_login(people["carl"])
    save(client, items["E2"], "D-RESP", "1", 0)
    response = save(client, items["E2"], "D-RESP", "3", 0)
    assert response.status_code == 409
    assert Coding.objects.get(evidence=items["E2"], criterion__code="D-RESP").value == 1


def test_clearing_a_value_means_not_coded(client, people, items):
    client.force_login(people["carl"])
    save(client, items["E2"], "D-RESP", "0", 0)
    response = save(client, items["E2"], "D-RESP", "", 1)
    assert response.status_code == 200
    assert not Coding.objects.filter(evidence=items["E2"], coder=people["carl"]).exists()


@pytest.mark.parametrize(
    ("value", "status", "message"),
    [
        ("4", 422, "4 is not on the scale (0, 1, 2, 3)"),
        ("-1", 422, "-1 is not on the scale"),
        ("two", 422, "is not a number on the scale"),
    ],
)
def test_values_off_the_scale_are_refused_with_a_reason(
    client, people, items, value, status, message
):
    client.force_login(people["carl"])
    response = save(client, items["E2"], "D-RESP", value, 0)
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Coding.objects.filter(evidence=items["E2"], coder=people["carl"]).exists()


def test_a_note_needs_a_value(client, people, items):
    client.force_login(people["carl"])
    response = save(client, items["E2"], "D-RESP", "", 0, note="hmm")
    assert response.status_code == 409
    assert "Choose a value before writing a note" in response.content.decode()


def test_an_unknown_criterion_is_404(client, people, items):
    client.force_login(people["carl"])
    assert save(client, items["E2"], "AB-T9-X", "1", 0).status_code == 404


def test_a_submitted_item_cannot_be_changed(client, people, items):
    client.force_login(people["carl"])
    response = save(client, items["E1"], "AB-T2-TRANS", "3", 1)
    assert response.status_code == 409
    assert "reopen it" in response.content.decode()
    assert (
        Coding.objects.get(
            evidence=items["E1"], coder=people["carl"], criterion__code="AB-T2-TRANS"
        ).value
        == 2
    )


def test_saving_needs_post(client, people, items):
    client.force_login(people["carl"])
    assert client.get(url("save_coding", items["E2"].pk, "D-RESP")).status_code == 405


# --- submit and reopen ---------------------------------------------------------------------


def test_submit_goes_to_the_next_item_to_do(client, people, items):
    client.force_login(people["carl"])
    response = client.post(url("submit_item", items["E2"].pk))
    assert Assignment.objects.get(evidence=items["E2"], coder=people["carl"]).status == "submitted"
    assert response["Location"] == url("code", items["E3"].pk)
    response = client.post(url("submit_item", items["E3"].pk))
    assert response["Location"] == url("queue") + "?show=submitted"


def test_reopen_works_until_a_reviewer_decides(client, people, items):
    client.force_login(people["carl"])
    # E1 already has a consensus decision (rita's): review has started.
    response = client.post(url("reopen_item", items["E1"].pk), follow=True)
    assert Assignment.objects.get(evidence=items["E1"], coder=people["carl"]).status == "submitted"
    assert "Review has started on this item" in response.content.decode()
    # E2: cleo is still coding it, so carl may submit and reopen as often as he likes.
    client.post(url("submit_item", items["E2"].pk))
    client.post(url("reopen_item", items["E2"].pk))
    assert Assignment.objects.get(evidence=items["E2"], coder=people["carl"]).status == "assigned"


def test_every_coder_having_submitted_is_no_review(client, people, items, small_project):
    """Both coders submitted E1 and no reviewer has acted on it: carl may still reopen it, and
    his page offers it. Reopening forgets the unanimous rows sccoder wrote and draws the veil
    again: his consensus export leaves E1 out until he submits again."""
    e1 = items["E1"]
    Consensus.objects.filter(evidence=e1).delete()
    criterion = Criterion.objects.get(codebook=small_project.codebook, code="AB-T2-TRANS")
    Consensus.objects.create(evidence=e1, criterion=criterion, value=2, method="unanimous")
    client.force_login(people["carl"])
    page = client.get(url("code", e1.pk)).content.decode()
    assert "Reopen to change my codes" in page and "can no longer be reopened" not in page
    response = client.post(url("reopen_item", e1.pk), follow=True)
    assert "E1 reopened" in response.content.decode()
    assert Assignment.objects.get(evidence=e1, coder=people["carl"]).status == "assigned"
    assert not Consensus.objects.filter(evidence=e1).exists()
    export = client.get(url("export_file", "consensus.csv"))
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert [row for row in rows if ",E1," in row] == []


def test_the_page_offers_reopen_only_before_review(client, people, items):
    client.force_login(people["carl"])
    page = client.get(url("code", items["E1"].pk)).content.decode()
    assert "A reviewer has decided this item" in page and "Reopen to change" not in page


# --- queries ------------------------------------------------------------------------------


def test_queue_and_coding_page_queries_stay_bounded(
    client, people, items, small_project, django_assert_max_num_queries
):
    source, period = items["E1"].source, items["E1"].period
    many = [
        Evidence(
            project=small_project,
            key=f"M{i:03}",
            dyad=items["E1"].dyad,
            period=period,
            date="1950",
            date_start="1950-01-01",
            date_end="1950-12-31",
            source=source,
            evidence_type="event",
            quote=f"q{i}",
        )
        for i in range(80)
    ]
    Evidence.objects.bulk_create(many)
    trust = Criterion.objects.get(code="AB-T3-TRUST")
    for item in Evidence.objects.filter(key__startswith="M"):
        Assignment.objects.create(evidence=item, coder=people["carl"])
        Coding.objects.create(evidence=item, criterion=trust, coder=people["carl"], value=1)
    client.force_login(people["carl"])
    # The queue page reads the stored positions: its first look after the queue changed numbers
    # them, a fixed number of queries more; later looks read them.
    with django_assert_max_num_queries(17):
        assert client.get(url("queue") + "?show=all").status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(url("queue") + "?show=all&page=2").status_code == 200
    queue_changed(coder_ids=[people["carl"].pk])  # as an assignment made or an item moved
    with django_assert_max_num_queries(22):
        assert client.get(url("code", items["E2"].pk)).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(url("code", items["E2"].pk)).status_code == 200


def test_a_long_codebook_opens_the_group_where_the_work_is(client, people, items, monkeypatch):
    """Groups of criteria collapse once a codebook is long: the first group with a criterion
    not yet coded is open, and each group counts the coder's own coded criteria."""
    from cases.web.views import coding

    def groups():
        frameworks = client.get(url("code", items["E1"].pk)).context["frameworks"]
        return {
            row["criterion"].code: (group.coded, len(group.rows), group.opened)
            for _, framework_groups in frameworks
            for group in framework_groups
            for row in group.rows
        }

    client.force_login(people["carl"])
    assert all(opened for _, _, opened in groups().values())  # three criteria: shown whole
    monkeypatch.setattr(coding, "SHOWN_WHOLE", 2)
    # carl coded TRANS and D-RESP on E1, not TRUST (cleo's TRANS is not counted for him).
    assert groups() == {
        "AB-T2-TRANS": (1, 1, False),
        "AB-T3-TRUST": (0, 1, True),
        "D-RESP": (1, 1, False),
    }
    page = client.get(url("code", items["E1"].pk)).content.decode()
    assert page.count('<details class="crit-group"') == 3
    assert page.count("data-group open>") == 1
