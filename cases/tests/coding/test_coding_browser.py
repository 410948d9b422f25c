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


def page_artefact(name):
    from cases.tests.browser import ARTEFACTS

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS / f"{name}.png"
