"""A calibration round walked end to end in a real browser: ada opens it on two items for carl
and cleo, rita records the gold set, both coders code and submit, ada closes it; then each
coder sees their own scores per criterion and nothing of the other's, and rita sees both."""

import re

import pytest

from cases.models import Assignment, Round
from cases.tests.browser import sign_in
from cases.tests.conftest import PASSWORD, set_passwords

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/shots"


def as_user(page, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username, PASSWORD)


def shot(page, name: str) -> None:
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def code_item(page, round_page: str, key: str, values: dict[str, str]) -> None:
    """Open the item from the coder's queue, pick each value by its label, and submit."""
    page.goto("/p/small/queue/")
    page.click(f"table.queue >> text={key}")
    for code, label in values.items():
        page.click(f"#crit-{code} label[title={label}]")
        page.wait_for_selector(f"#crit-{code}.coded")
    page.click("#submit-form button[type=submit]")
    page.wait_for_load_state()


def test_a_calibration_round_from_opening_to_each_coders_own_scores(page, small_project, people):
    import os

    os.makedirs(SHOTS, exist_ok=True)
    set_passwords(["ada", "rita", "carl", "cleo"])

    # ada opens the round on E2 and E3 for both coders.
    as_user(page, "ada")
    page.goto("/p/small/rounds/")
    page.click("text=New round")
    page.fill("#id_name", "Calibration 1")
    page.select_option("#id_kind", "calibration")
    page.select_option("#id_reference", "gold")
    page.check("input[name=coders][value=carl]")
    page.check("input[name=coders][value=cleo]")
    page.fill("#id_items", "E2 E3")
    shot(page, "round_new")
    page.click("button:has-text('Open the round')")
    page.wait_for_url(re.compile(r".*/rounds/\d+/$"))
    round_ = Round.objects.get(name="Calibration 1")
    round_page = f"/p/small/rounds/{round_.pk}/"
    assert "Round Calibration 1 opened." in page.inner_text("ul.messages")
    assert Assignment.objects.filter(evidence__rounds=round_).count() == 4

    # rita records the gold of both items, one after the other.
    as_user(page, "rita")
    page.goto(round_page)
    page.click("tr[data-item=E2] a.record-gold")
    page.select_option("#id_AB-T2-TRANS", "2")
    shot(page, "round_gold")
    page.click("button:has-text('Record the gold set')")
    page.wait_for_selector("h1:has-text('Gold set: E3')")  # the next item without gold
    # With the keyboard: the first criterion has the focus, Tab moves on, a digit picks.
    page.wait_for_selector("#id_AB-T2-TRANS:focus")
    page.keyboard.press("Tab")
    page.keyboard.press("3")
    assert page.input_value("#id_AB-T3-TRUST") == "3"
    page.keyboard.press("Control+Enter")
    page.wait_for_url(f"**{round_page}")

    # carl codes E2 as the gold does and submits his E3 draft (TRUST 3); while the round is
    # open his round page shows no score.
    as_user(page, "carl")
    code_item(page, round_page, "E2", {"AB-T2-TRANS": "moderate"})
    code_item(page, round_page, "E3", {})
    page.goto(round_page)
    assert "Your scores appear here when the round is closed." in page.inner_text("main")

    # cleo differs from the gold on three codes of six.
    as_user(page, "cleo")
    code_item(page, round_page, "E2", {"AB-T2-TRANS": "weak", "D-RESP": "moderate"})
    code_item(page, round_page, "E3", {"AB-T3-TRUST": "strong", "AB-T2-TRANS": "absent"})

    # ada closes the round.
    as_user(page, "ada")
    page.goto(round_page)
    page.click("button:has-text('Close the round')")
    page.wait_for_selector("ul.messages >> text=closed: its coders now see their scores")
    assert Round.objects.get(pk=round_.pk).status == "closed"

    # carl sees his own scores and nothing of cleo's.
    as_user(page, "carl")
    page.goto(round_page)
    shot(page, "round_coder_carl")
    table = page.inner_text("#my-scores-table")
    assert re.search(r"AB-T2-TRANS\s+1\.000\s+100%", table)
    assert page.inner_text("#my-kappa") == "κ 1.000"
    assert "cleo" not in page.content()

    # cleo sees hers: where she differed, with the gold beside her code.
    as_user(page, "cleo")
    page.goto(round_page)
    shot(page, "round_coder_cleo")
    assert re.search(r"AB-T3-TRUST\s+1\.000\s+100%", page.inner_text("#my-scores-table"))
    differences = page.inner_text("table.differences")
    assert re.search(r"E2\s+AB-T2-TRANS\s+1\s+2", differences)
    assert re.search(r"E3\s+AB-T2-TRANS\s+0\s+not coded", differences)
    assert "carl" not in page.content()

    # rita sees both coders' scores in one table, and the round in the trend.
    as_user(page, "rita")
    page.goto(round_page)
    shot(page, "round_reviewer")
    coders = page.locator("#scores-table tbody th").all_inner_texts()
    assert coders == ["carl", "cleo"]
    assert page.inner_text("tr[data-coder=carl]").split()[:3] == ["carl", "2", "1.000"]
    page.goto("/p/small/rounds/")
    page.wait_for_selector("figure.rounds-trend img")
    assert page.evaluate("document.querySelector('figure.rounds-trend img').naturalWidth") > 0
    shot(page, "rounds_list")
