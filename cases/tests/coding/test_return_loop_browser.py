"""The coder–reviewer loop in a real browser: a reviewer returns an item with a comment, the
coder is notified, reads the comment, recodes and resubmits; the reviewer decides; the coder
then sees how the consensus differs from their codes and why."""

import re

import pytest

from cases.coding.actions import submit_assignment
from cases.models import Assignment, Coding, Consensus, Criterion, Evidence
from cases.tests.browser import ARTEFACTS, sign_in
from cases.tests.conftest import PASSWORD, set_passwords

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENT = "Page 88 speaks of trust among elites only: is 3 too strong?"
RATIONALE = "Elite trust only, as the return said: weak."
CLEO_NOTE = "CLEO-SECRET-NOTE"


def shot(page, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def switch_to(page, username):
    page.context.clear_cookies()
    sign_in(page, username, PASSWORD)


def test_a_returned_item_walk(page, small_project, people):
    e3 = Evidence.objects.get(key="E3")
    trust = Criterion.objects.get(code="AB-T3-TRUST")
    Assignment.objects.create(evidence=e3, coder=people["cleo"])
    Coding.objects.create(
        evidence=e3, criterion=trust, coder=people["cleo"], value=1, note=CLEO_NOTE
    )
    submit_assignment(evidence=e3, coder=people["carl"])
    submit_assignment(evidence=e3, coder=people["cleo"])
    set_passwords(["rita", "carl"])

    # The reviewer returns the item to carl with a comment.
    sign_in(page, "rita", PASSWORD)
    page.goto(f"/p/small/review/item/{e3.pk}/")
    page.select_option("#return-coder", "carl")
    page.fill("#return-comment", COMMENT)
    shot(page, "return_loop_1_reviewer_returns")
    page.click("form.return-form button[type=submit]")
    page.wait_for_selector("text=E3 returned to carl with your comment.")

    # The coder sees the notification, opens it and reads the comment; never cleo's codes.
    switch_to(page, "carl")
    page.goto("/p/small/")
    assert page.locator(".unread-count").inner_text() == "1"
    page.click("nav.project >> text=Notifications")
    assert "rita returned E3 to you with a comment." in page.inner_text("ul.notifications")
    shot(page, "return_loop_2_notifications")
    page.locator("ul.notifications button[name=open]").first.click()
    page.wait_for_url(re.compile(rf".*/code/{e3.pk}/$"))
    assert COMMENT in page.inner_text(".returned-note")
    assert CLEO_NOTE not in page.content()
    assert page.locator(".unread-count").count() == 0
    shot(page, "return_loop_3_coder_reads_comment")

    # He recodes AB-T3-TRUST with the keyboard and submits again.
    page.wait_for_selector("form.crit:focus")
    page.keyboard.press("j")
    page.keyboard.press("2")
    page.wait_for_selector("#crit-AB-T3-TRUST .row-message.ok")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r".*/queue/\?show=submitted$"))
    assert Coding.objects.get(evidence=e3, coder=people["carl"], criterion=trust).value == 2
    assert Assignment.objects.get(evidence=e3, coder=people["carl"]).status == "submitted"

    # The reviewer decides: weak (1), with a rationale.
    switch_to(page, "rita")
    page.goto(f"/p/small/review/item/{e3.pk}/")
    page.locator('label:has(input[name="value-AB-T3-TRUST"][value="1"])').click()
    page.fill("#rationale", RATIONALE)
    page.click("form.decision button[type=submit]")
    page.wait_for_selector("text=decision recorded")
    assert Consensus.objects.get(evidence=e3, criterion=trust).value == 1
    assert page.locator("form.return-form").count() == 0  # decided: no more returns

    # The coder is told, and sees his code beside the consensus, with the rationale.
    switch_to(page, "carl")
    page.goto("/p/small/notifications/?show=unread")
    assert "rita decided E3" in page.inner_text("ul.notifications")
    page.locator("ul.notifications button[name=open]").first.click()
    page.wait_for_url(re.compile(rf".*/code/{e3.pk}/$"))
    row = page.locator("#cmp-AB-T3-TRUST")
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == "2" and cells[1] == "1"
    assert RATIONALE in cells[2]
    assert "differs" in row.inner_text()
    assert CLEO_NOTE not in page.content()
    shot(page, "return_loop_4_codes_vs_consensus")
