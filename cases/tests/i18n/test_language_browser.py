"""In a browser: every page family switches to Turkish from the header's switcher and back to
English, on the same address, and stays in the chosen language from page to page."""

import os
from pathlib import Path

import pytest

from cases.models import Criterion, Evidence
from cases.tests.browser import sign_in
from cases.tests.conftest import PASSWORD, set_passwords

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SCCODER_SHOTS", "test-artifacts/shots"))

# Page family, address, and a word the page shows in English and in Turkish (its title, or the
# project menu's current entry).
ADMIN_PAGES = [
    ("home", "/", "Your projects", "Projeleriniz"),
    ("project", "/p/small/", "Overview", "Genel bakış"),
    ("evidence", "/p/small/evidence/", "Evidence · Small project", "Kanıt · Small project"),
    ("evidence-item", "/p/small/evidence/{E1}/", "E1 · Evidence", "E1 · Kanıt"),
    ("review", "/p/small/review/agreement/", "Agreement · Small project", "Uyum · Small project"),
    ("reports", "/p/small/reports/", "Reports · Small project", "Raporlar · Small project"),
    ("report", "/p/small/reports/FRA-DEU/", "France–Germany · report", "France–Germany · rapor"),
    ("exports", "/p/small/exports/", "Exports · Small project", "Dışa aktarımlar · Small project"),
    ("codebook", "/p/small/codebook/", "Codebook · Small project", "Kod kitabı · Small project"),
    ("sources", "/p/small/sources/", "Sources · Small project", "Kaynaklar · Small project"),
]


def shows(page, words: str) -> bool:
    current = page.locator("nav.project a[aria-current=page]")
    menu = current.first.inner_text() if current.count() else ""
    return words in page.title() or words == menu


def switch(page, language: str) -> None:
    with page.expect_navigation():
        page.select_option("#language-choice", language)
    assert page.locator("html").get_attribute("lang") == language


def walk(page, family: str, address: str, english: str, turkish: str) -> None:
    page.goto(address)
    assert shows(page, english), (family, page.title())
    switch(page, "tr")
    assert page.url.endswith(address), (family, page.url)
    assert shows(page, turkish), (family, page.title())
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"i18n-{family}-tr.png"), full_page=True)
    switch(page, "en")
    assert page.url.endswith(address)
    assert shows(page, english), (family, page.title())


def test_every_page_family_switches_to_turkish_and_back(page, small_project):
    set_passwords(["ada"])
    sign_in(page, "ada", PASSWORD)
    e1 = Evidence.objects.get(key="E1").pk
    for family, address, english, turkish in ADMIN_PAGES:
        walk(page, family, address.format(E1=e1), english, turkish)


def test_the_coding_page_switches_and_the_choice_follows_the_coder(page, small_project):
    Criterion.objects.filter(code="AB-T3-TRUST").update(
        translations={"tr": {"name": "Karşılıklı güven", "definition": "Halkların güveni."}}
    )
    set_passwords(["carl"])
    sign_in(page, "carl", PASSWORD)
    item = Evidence.objects.get(key="E3").pk
    walk(page, "coding", f"/p/small/code/{item}/", "E3 · coding", "E3 · kodlama")
    # The translated criterion, its original one click away.
    assert page.locator("#crit-AB-T3-TRUST .name").inner_text() == "Mutual trust"
    switch(page, "tr")
    row = page.locator("#crit-AB-T3-TRUST")
    assert row.locator(".name").inner_text() == "Karşılıklı güven"
    row.locator("details.definition > summary").click()
    row.locator("details.original > summary").click()
    assert row.locator(".original-name").inner_text() == "Mutual trust"
    page.screenshot(path=str(SHOTS / "i18n-coding-translation-tr.png"), full_page=True)
    switch(page, "en")
    # Chosen once, Turkish stays from page to page, signed out and back in.
    switch(page, "tr")
    page.goto("/p/small/queue/")
    assert "Kuyruğum" in page.title()
    page.click("button[data-action=sign-out]")
    assert page.locator("html").get_attribute("lang") == "tr"
    assert page.locator("h1").inner_text() == "Oturum aç"
    page.screenshot(path=str(SHOTS / "i18n-sign-in-tr.png"), full_page=True)
    sign_in(page, "carl", PASSWORD)
    assert page.locator("h1").inner_text() == "Projeleriniz"
