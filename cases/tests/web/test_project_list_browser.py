"""The project list in a real browser: each project's progress is visible at a glance."""

import io

import pytest
from django.core.management import call_command

from cases.tests.browser import ARTEFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    call_command("setup_demo", stdout=io.StringIO())


def _cell(page, project: str, figure: str) -> str:
    row = page.locator("table.project-list tbody tr", has_text=project)
    return " ".join(row.locator(f'[data-figure="{figure}"]').inner_text().split())


def test_a_reviewer_sees_progress_and_open_disagreements(page, demo, small_project):
    sign_in(page, "rita", "sccoder-demo")
    page.goto("/")
    demo_name = "Türkiye–Azerbaijan"
    assert _cell(page, demo_name, "items") == "83"
    # 154 of 163 assignments: alice and bob on 80 items each, and the three carol waits on.
    assert _cell(page, demo_name, "submitted") == "94% (154 / 163 of the assignments)"
    assert _cell(page, demo_name, "disagreements") == "8"
    assert page.locator("table.project-list progress").first.is_visible()
    row = page.locator("table.project-list tbody tr", has_text=demo_name)
    row.locator('[data-figure="disagreements"] a').click()
    page.wait_for_url("**/review/disagreements/")
    page.goto("/")
    page.screenshot(path=str(shot("project_list_reviewer")), full_page=True)


def test_a_coder_sees_her_own_queue_and_nothing_of_her_colleagues(page, demo):
    sign_in(page, "carol", "sccoder-demo")
    page.goto("/")
    demo_name = "Türkiye–Azerbaijan"
    assert _cell(page, demo_name, "submitted") == "0% (0 / 3 of your items) Open my queue"
    assert _cell(page, demo_name, "consensus") == "–"
    assert _cell(page, demo_name, "disagreements") == "–"
    page.screenshot(path=str(shot("project_list_coder")), full_page=True)
    page.click("text=Open my queue")
    page.wait_for_url("**/queue/")


def shot(name: str):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS / f"{name}.png"
