"""The coding page with the demo's 43 criteria: criteria come in collapsible groups (framework and
tier) with a count of what is coded in each, the evidence stays in view while coding, and the
keyboard reaches every criterion, opening its group on the way."""

import io
import time

import pytest
from django.core.management import call_command

from cases.models import Coding, Evidence, Project
from cases.tests.browser import ARTEFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The coding page of a demo item at 1280×800 was 4,135 px long with every criterion shown.
MAX_HEIGHT = 2000


@pytest.fixture
def demo():
    call_command("setup_demo", stdout=io.StringIO())
    return Project.objects.get(slug="turkiye-azerbaijan")


def poll(condition, tries: int = 50) -> None:
    """Polled from here: the page's CSP rightly forbids wait_for_function's string evaluation."""
    for _ in range(tries):
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("the page never got there")


def open_fresh_item(page, key="KAR-076"):
    """carol's first item: assigned, nothing coded."""
    item = Evidence.objects.get(key=key)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "carol", "sccoder-demo")
    page.goto(f"/p/turkiye-azerbaijan/code/{item.pk}/")
    page.wait_for_selector("form.crit:focus")
    return item


def page_height(page) -> int:
    return page.evaluate("() => document.documentElement.scrollHeight")


def test_the_page_is_much_shorter_with_its_criteria_in_groups(page, demo):
    open_fresh_item(page)
    height = page_height(page)
    print(f"coding page height at 1280x800: {height} px")
    page.screenshot(path=str(shot("coding_groups")), full_page=True)
    assert height < MAX_HEIGHT


def focused_code(page) -> str | None:
    return page.evaluate("() => document.activeElement.closest('form.crit')?.dataset.code ?? null")


def group_of(page, code: str):
    return page.locator(f"#crit-{code}").locator("xpath=ancestor::details[1]")


def test_j_reaches_every_criterion_opening_each_group_on_the_way(page, demo):
    open_fresh_item(page)
    codes = list(demo.codebook.criteria.in_codebook_order().values_list("code", flat=True))
    closed = page.locator("details[data-group]:not([open])").count()
    assert closed == page.locator("details[data-group]").count() - 1  # one open: the work's
    assert focused_code(page) == codes[0]
    seen = [focused_code(page)]
    for _ in codes[1:]:
        page.keyboard.press("j")
        seen.append(focused_code(page))
    assert seen == codes
    assert group_of(page, codes[-1]).get_attribute("open") is not None
    # The evidence stayed in view all along, beside the last criterion.
    quote = page.locator("blockquote.quote").bounding_box()
    assert page.evaluate("() => window.scrollY") > 500
    assert quote["y"] >= 0 and quote["y"] + quote["height"] <= 800
    page.screenshot(path=str(shot("coding_last_criterion")))
    # And back up with k, into the groups above.
    page.keyboard.press("k")
    assert focused_code(page) == codes[-2]


def test_a_value_set_in_a_group_the_keyboard_opened_is_saved_and_counted(page, demo):
    item = open_fresh_item(page)
    trust = group_of(page, "AB-T3-TRUST")
    assert trust.get_attribute("open") is None
    assert " ".join(trust.locator("summary .group-count").inner_text().split()) == "0 / 2 coded"
    page.keyboard.press("/")
    page.keyboard.type("ab-t3-trust")
    page.keyboard.press("Enter")
    assert focused_code(page) == "AB-T3-TRUST"
    assert trust.get_attribute("open") is not None
    page.keyboard.press("2")
    page.wait_for_selector("#crit-AB-T3-TRUST.coded")
    poll(lambda: " ".join(trust.locator(".group-count").inner_text().split()) == "1 / 2 coded")
    assert focused_code(page) == "AB-T3-TRUST"
    coding = Coding.objects.get(evidence=item, criterion__code="AB-T3-TRUST")
    assert (coding.coder.username, coding.value) == ("carol", 2)


def test_o_closes_a_group_and_the_tab_remembers_it(page, demo):
    open_fresh_item(page)
    first = page.locator("details[data-group]").first
    assert first.get_attribute("open") is not None
    page.keyboard.press("o")
    poll(lambda: first.get_attribute("open") is None)
    page.keyboard.press("j")  # the keyboard carries on, opening the group again
    poll(lambda: first.get_attribute("open") is not None)
    page.keyboard.press("o")
    poll(lambda: first.get_attribute("open") is None)
    tier1 = group_of(page, "AB-T1-TECH")
    tier1.locator("> summary").click()
    page.reload()
    page.wait_for_selector("form.crit:focus")
    assert first.get_attribute("open") is None
    assert tier1.get_attribute("open") is not None
    assert focused_code(page) == "AB-T1-TECH"  # the first criterion to code among those open


def shot(name: str):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS / f"{name}.png"
