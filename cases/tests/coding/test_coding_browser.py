"""Coding in a real browser, with the keyboard only."""

import re

import pytest

from cases.models import Assignment, Coding, Evidence
from cases.tests.browser import sign_in
from cases.tests.conftest import PASSWORD, set_passwords

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coder_codes_an_item_with_the_keyboard_and_submits_it(page, small_project, people):
    e2 = Evidence.objects.get(key="E2")
    Assignment.objects.create(evidence=e2, coder=people["carl"])
    set_passwords(["carl"])
    sign_in(page, "carl", PASSWORD)
    page.goto("/p/small/queue/")
    page.click("text=E2")
    page.wait_for_selector("form.crit:focus")  # the first criterion has the keyboard

    page.keyboard.press("2")  # AB-T2-TRANS = 2
    page.wait_for_selector("#crit-AB-T2-TRANS.coded")
    page.keyboard.press("j")
    page.keyboard.press("3")  # AB-T3-TRUST = 3
    page.wait_for_selector("#crit-AB-T3-TRUST.coded")
    page.keyboard.press("n")
    page.keyboard.type("polls show it")
    page.keyboard.press("Escape")  # leaves the note, which saves it
    page.wait_for_selector("#crit-AB-T3-TRUST .row-message.ok")
    page.keyboard.press("j")
    page.keyboard.press("0")  # D-RESP = 0: contrary evidence, not "not coded"
    page.wait_for_selector("#crit-D-RESP.coded")
    page.screenshot(path=str(page_artefact("coding_page_before_submit")), full_page=True)
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(rf".*/code/{Evidence.objects.get(key='E3').pk}/$"))

    mine = dict(
        Coding.objects.filter(evidence=e2, coder=people["carl"]).values_list(
            "criterion__code", "value"
        )
    )
    assert mine == {"AB-T2-TRANS": 2, "AB-T3-TRUST": 3, "D-RESP": 0}
    assert Coding.objects.get(evidence=e2, criterion__code="AB-T3-TRUST").note == "polls show it"
    assert Assignment.objects.get(evidence=e2, coder=people["carl"]).status == "submitted"

    page.goto("/p/small/queue/")
    assert page.locator("table.queue").inner_text().count("E2") == 0


def test_a_second_coder_sees_only_her_own_values(page, small_project, people):
    set_passwords(["cleo"])
    sign_in(page, "cleo", PASSWORD)
    page.goto(f"/p/small/code/{Evidence.objects.get(key='E1').pk}/")
    checked = page.locator("#crit-AB-T2-TRANS input[type=radio]:checked").get_attribute("value")
    assert checked == "3"  # hers; carl's is 2
    assert page.locator("#crit-D-RESP input[type=radio]:checked").get_attribute("value") == ""
    assert "only elites" not in page.content()  # carl's note


def test_a_save_from_a_stale_tab_is_refused_with_a_message(page, small_project, people):
    e3 = Evidence.objects.get(key="E3")
    set_passwords(["carl"])
    sign_in(page, "carl", PASSWORD)
    page.goto(f"/p/small/code/{e3.pk}/")
    # Meanwhile, another tab changes the same coding.
    coding = Coding.objects.get(evidence=e3, coder=people["carl"], criterion__code="AB-T3-TRUST")
    coding.value, coding.version = 1, coding.version + 1
    coding.save()
    page.console_watcher.expected.append("status of 409 (Conflict)")  # the refusal itself
    page.click("#crit-AB-T3-TRUST label[title=moderate]")
    message = page.wait_for_selector("#crit-AB-T3-TRUST .row-message.error")
    assert "not saved" in message.inner_text()
    coding.refresh_from_db()
    assert coding.value == 1


def open_as_carl(page, people, key):
    item = Evidence.objects.get(key=key)
    Assignment.objects.get_or_create(evidence=item, coder=people["carl"])
    set_passwords(["carl"])
    sign_in(page, "carl", PASSWORD)
    page.goto(f"/p/small/code/{item.pk}/")
    page.wait_for_selector("form.crit:focus")
    return item


def test_p_and_shift_n_go_to_the_previous_and_the_next_item(page, small_project, people):
    open_as_carl(page, people, "E2")
    following = page.get_attribute('.item-nav a[rel="next"]', "href")
    previous = page.get_attribute('.item-nav a[rel="prev"]', "href")
    assert following and previous and following != previous
    page.keyboard.press("Shift+N")
    page.wait_for_url(re.compile(".*" + re.escape(following) + "$"))
    page.wait_for_selector("form.crit:focus")
    back = page.get_attribute('.item-nav a[rel="prev"]', "href")
    page.keyboard.press("p")
    page.wait_for_url(re.compile(".*" + re.escape(back) + "$"))


def test_a_note_typed_while_the_value_saves_is_kept_and_its_keys_are_no_shortcuts(
    page, small_project, people
):
    """A value key and then n typed at once: the row comes back from the server while the
    coder is already typing the note. The note keeps its text and the keyboard; a "0" in it
    sets no value."""
    item = open_as_carl(page, people, "E2")
    held = []

    def hold_the_first(route):
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/code/*/c/AB-T2-TRANS/", hold_the_first)
    page.keyboard.press("2")
    page.keyboard.press("n")
    page.keyboard.type("0 of 3 polls")
    page.wait_for_timeout(100)
    assert len(held) == 1  # the value's save is still on its way
    held[0].continue_()
    page.wait_for_selector("#crit-AB-T2-TRANS.coded")
    note = page.locator("#crit-AB-T2-TRANS textarea")
    assert note.input_value() == "0 of 3 polls"
    assert note.evaluate("el => el === document.activeElement")
    page.keyboard.type(" agree")
    with page.expect_response("**/code/*/c/AB-T2-TRANS/") as saved:
        page.keyboard.press("Escape")  # leaves the note, which saves it
    assert saved.value.status == 200
    page.wait_for_load_state("networkidle")
    coding = Coding.objects.get(evidence=item, coder=people["carl"], criterion__code="AB-T2-TRANS")
    assert (coding.value, coding.note) == (2, "0 of 3 polls agree")


def test_submitting_with_nothing_coded_asks_first(page, small_project, people):
    item = open_as_carl(page, people, "E2")
    Coding.objects.filter(evidence=item, coder=people["carl"]).delete()
    page.reload()
    page.wait_for_selector("form.crit:focus")
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.keyboard.press("Control+Enter")
    page.wait_for_timeout(300)
    assert asked == ["Nothing is coded on this item. Submit it anyway?"]
    assignment = Assignment.objects.get(evidence=item, coder=people["carl"])
    assert assignment.status != "submitted"
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda url: f"/code/{item.pk}/" not in url)
    assignment.refresh_from_db()
    assert assignment.status == "submitted"


def page_artefact(name):
    from cases.tests.browser import ARTEFACTS

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS / f"{name}.png"


def test_an_expected_refusal_of_a_save_logs_no_error_of_the_page_s_own(page, small_project, people):
    """A 422 (a note over its limit) and a 409 (a stale save) are answers the row shows, not
    failures: htmx swaps them in and logs no error (base.html's htmx-config responseHandling;
    without its 409 and 422 entries htmx logs "Response Status Error Code 422" and swaps
    nothing). Chromium itself prints "Failed to load resource: … 409/422" for any such status,
    which no page can silence; the statuses are the API's contract and stay."""
    messages = []
    page.on("console", lambda message: messages.append((message.type, message.text)))
    e3 = Evidence.objects.get(key="E3")
    set_passwords(["carl"])
    sign_in(page, "carl", PASSWORD)
    page.goto(f"/p/small/code/{e3.pk}/")
    page.wait_for_selector("form.crit:focus")
    page.console_watcher.expected += ["status of 409 (Conflict)", "status of 422 "]

    row = "#crit-D-RESP"
    with page.expect_response(re.compile(".*/c/D-RESP/$")) as answer:
        page.fill(f"{row} textarea", "x" * 10_001)
        page.locator(f"{row} textarea").blur()
    assert answer.value.status == 422
    message = page.wait_for_selector(f"{row} .row-message.error")
    assert "Note:" in message.inner_text() and "nothing was saved" in message.inner_text()

    coding = Coding.objects.get(evidence=e3, coder=people["carl"], criterion__code="AB-T3-TRUST")
    coding.value, coding.version = 1, coding.version + 1
    coding.save()  # meanwhile, another tab changes it
    with page.expect_response(re.compile(".*/c/AB-T3-TRUST/$")) as answer:
        page.click("#crit-AB-T3-TRUST label[title=moderate]")
    assert answer.value.status == 409
    message = page.wait_for_selector("#crit-AB-T3-TRUST .row-message.error")
    assert "not saved" in message.inner_text()
    page.locator("#crit-AB-T3-TRUST").scroll_into_view_if_needed()
    page.screenshot(path=str(page_artefact("coding_expected_refusals")))

    errors = [text for kind, text in messages if kind == "error"]
    assert len([e for e in errors if e.startswith("Failed to load resource")]) == 2
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []
