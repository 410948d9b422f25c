"""In a browser: every page family switches to Turkish from the header's switcher and back to
English, on the same address, and stays in the chosen language from page to page."""

import os
from pathlib import Path

import pytest

from cases.models import Criterion, Evidence, Project
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


def test_the_document_reader_switches_with_its_script_words(page, small_project):
    """The reader's page and the words its script writes (a page's label, the search's status)
    follow the switch: the script reads them from the page, not from English in its code."""
    from cases.documents.actions import attach_document
    from cases.tests.documents.pdfs import matplotlib_pdf

    source = small_project.sources.get()
    pdf = matplotlib_pdf(["Chapter one.\nThe border stayed closed.", "Chapter two.\nA treaty."])
    attach_document(source=source, data=pdf, filename="treaty.pdf", user=None)
    set_passwords(["ada"])
    sign_in(page, "ada", PASSWORD)
    address = f"/p/small/sources/{source.pk}/document/read/"
    page.goto(address)
    assert page.locator(".reader-page").first.get_attribute("aria-label") == "Page 1"
    switch(page, "tr")
    assert page.url.endswith(address)
    assert page.title().startswith("treaty.pdf okunuyor · Small project")
    assert page.locator("#reader-take-button").inner_text() == "Kanıt olarak al"
    assert page.locator("label[for=reader-find]").inner_text() == "Belgede ara"
    assert (
        page.locator(".reader-help")
        .inner_text()
        .strip()
        .endswith("Henüz kanıt olarak alınan pasaj yok.")
    )
    page.wait_for_selector(".reader-page[data-page='0']")
    assert page.locator(".reader-page").first.get_attribute("aria-label") == "Sayfa 1"
    page.fill("#reader-find", "treaty")
    page.press("#reader-find", "Enter")
    page.wait_for_selector("#reader-status:has-text('Bulundu')")
    assert page.locator("#reader-status").inner_text() == "Bulundu: sayfa 2."
    page.fill("#reader-find", "armistice")
    page.press("#reader-find", "Enter")
    page.wait_for_selector("#reader-status:has-text('Belgede yok.')")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "i18n2-reader-tr.png"), full_page=True)
    switch(page, "en")
    assert page.title().startswith("Reading treaty.pdf · Small project")
    assert page.locator("#reader-take-button").inner_text() == "Take as evidence"


def test_a_community_report_switches_with_its_member_dyads(page):
    """The Nordic demo's community report: its kicker, the lag sentence (one sentence with its
    plural) and the member dyads' table, in Turkish and back."""
    from cases.bundles import import_bundle, parse_bundle
    from cases.tests.cli import REPO

    import_bundle(parse_bundle((REPO / "fixtures" / "nordic-demo.json").read_bytes()))
    set_passwords(["alice"])
    sign_in(page, "alice", PASSWORD)
    address = "/p/nordic-demo/reports/NORDIC/"
    walk(page, "community-report", address, "· report", "· rapor")
    switch(page, "tr")
    assert page.locator(".kicker").text_content().startswith("Topluluk raporu · ")
    # The project's name is English: Turkish casing rules must not make its "i" an "İ".
    name = Project.objects.get(slug="nordic-demo").name
    assert name in page.locator(".kicker").inner_text()
    assert page.locator(".community-members").inner_text() == (
        "3 devletten oluşan bir topluluk: DNK, NOR, SWE."
    )
    note = page.locator("#verdicts .lag-note").inner_text()
    assert note.startswith("P1 döneminde DNK-SWE ve NOR-SWE topluluğun gerisinde kalıyor")
    assert page.locator("#member-dyads").inner_text() == "Topluluğun yanında üye ikililer"
    assert page.locator("table.member-dyads thead th").first.inner_text() == "Vaka"
    assert "(topluluk)" in page.locator("table.member-dyads .community-row th").inner_text()
    lags = page.locator("table.member-dyads td.lags .tag")
    assert lags.count() == 2
    assert lags.all_inner_texts() == ["geride", "geride"]
    page.locator("#verdicts").screenshot(path=str(SHOTS / "i18n2-community-report-tr.png"))
    page.screenshot(path=str(SHOTS / "i18n2-community-report-page-tr.png"), full_page=True)
    switch(page, "en")
    assert (
        page.locator("#verdicts .lag-note")
        .inner_text()
        .startswith("In P1 DNK-SWE and NOR-SWE lag the community")
    )


def test_the_reports_verdicts_are_explained_in_turkish(page, small_project):
    """The explanation under each verdict follows the switch; the report's data stay English."""
    from cases.tests.i18n.test_explanation_words import P2_ENGLISH, P2_TURKISH

    set_passwords(["ada"])
    sign_in(page, "ada", PASSWORD)
    page.goto("/p/small/reports/FRA-DEU/")
    assert page.locator("#explain-P2").inner_text() == f"P2 {P2_ENGLISH}"
    switch(page, "tr")
    assert page.locator("#explain-P2").inner_text() == f"P2 {P2_TURKISH}"
    assert page.locator("#explain-P1").inner_text().startswith("P1 1945–1962: yok — henüz")
    page.screenshot(path=str(SHOTS / "i18n-report-explanation-tr.png"), full_page=True)
    data = page.request.get("/p/small/reports/FRA-DEU/report.json").json()
    assert data["periods"][1]["explanation"] == P2_ENGLISH
    switch(page, "en")
    assert page.locator("#explain-P2").inner_text() == f"P2 {P2_ENGLISH}"
