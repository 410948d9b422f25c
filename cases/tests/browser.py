"""Browser tests: Playwright for Python driving Debian's chromium against pytest-django's live
server. Each test leaves a screenshot in test-artifacts/ (ignored by git) and fails on any
console error, Content-Security-Policy violations included."""

import os
import re
from pathlib import Path

import pytest

from cases.tests.cli import REPO

CHROMIUM = os.environ.get("SCCODER_CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = REPO / "test-artifacts" / "screenshots"
# The machines' network is closed: without these flags chromium keeps trying to phone home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"browser tests need chromium at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ConsoleWatcher:
    def __init__(self, page):
        self.errors: list[str] = []
        # A test that provokes a refusal on purpose (a 409 for a stale save) lists it here.
        self.expected: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)


@pytest.fixture
def page(chromium, live_server, request):
    """A fresh browser context per test; screenshot and console check when it ends."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1360, "height": 900}
    )
    context.set_default_timeout(10_000)
    browser_page = context.new_page()
    watcher = ConsoleWatcher(browser_page)
    browser_page.console_watcher = watcher
    yield browser_page
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    try:
        # A whole-page screenshot waits forever on an SVG opened on its own: the viewport then.
        html = browser_page.evaluate("document.documentElement instanceof HTMLElement")
        browser_page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=html)
    finally:
        context.close()
    unexpected = [e for e in watcher.errors if not any(x in e for x in watcher.expected)]
    assert unexpected == [], f"console errors: {unexpected}"


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    # The sign-in form's own button, whatever the interface language (the header has a form too).
    page.click("form.sign-in button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))
