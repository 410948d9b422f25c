"""Review in a real browser: from a low-alpha criterion on the agreement page to a settled item."""

import re

import pytest

from cases.bundles import import_bundle, parse_bundle
from cases.models import Consensus, Evidence
from cases.tests.browser import ARTEFACTS, sign_in
from cases.tests.cli import REPO
from cases.tests.conftest import PASSWORD, set_passwords

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = REPO / "fixtures" / "turkiye-azerbaijan.json"


def shot(page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def demo(db):
    from django.core.cache import cache

    cache.clear()  # figures are cached by a fingerprint; test databases reuse ids
    project = import_bundle(parse_bundle(DEMO.read_bytes()))
    set_passwords(["rita"])
    return project


def test_a_reviewer_follows_a_low_alpha_criterion_to_its_disagreements_and_settles_one(page, demo):
    sign_in(page, "rita", PASSWORD)
    page.click("text=Türkiye–Azerbaijan")
    page.click("nav.project >> text=Review")
    page.wait_for_selector("#criteria-table")
    trust = page.locator('tr[data-code="AB-T3-TRUST"]')
    assert "low" in trust.get_attribute("class")  # application alpha .598, below .667
    # The server-rendered SVG chart loads and is drawn. (Polled from here: the page's CSP
    # rightly forbids the string evaluation wait_for_function would use.)
    chart = page.locator("img[alt^='Chart']")
    for _ in range(100):
        if chart.evaluate("img => img.naturalWidth") > 0:
            break
        page.wait_for_timeout(100)
    assert chart.evaluate("img => img.naturalWidth") > 0
    shot(page, "review_agreement_page")

    trust.locator("a", has_text="AB-T3-TRUST").click()
    page.wait_for_url(re.compile(r".*/review/disagreements/\?.*criterion=AB-T3-TRUST"))
    keys = page.locator("table.disagreements tbody tr td:first-child a").all_inner_texts()
    assert keys == ["KAR-006", "KAR-015", "KAR-017", "KAR-029", "KAR-051"]
    shot(page, "review_disagreements_page")

    page.click("text=KAR-006")
    page.wait_for_selector("#row-AB-T3-TRUST.disputed")
    assert "Ankara" in page.locator("blockquote.quote").inner_text()
    assert "Karayel 2024" in page.locator("p.citation").inner_text()
    page.click("#row-AB-T3-TRUST label[title=weak]")
    page.fill("#rationale", "Restraint shows some trust, not yet more: weak.")
    shot(page, "review_item_page")
    page.click("text=Record decision and go to next")

    page.wait_for_url(re.compile(r".*/review/item/\d+/\?criterion=AB-T3-TRUST"))
    assert "KAR-006: decision recorded. Next: KAR-015." in page.locator("ul.messages").inner_text()
    item = Evidence.objects.get(project=demo, key="KAR-006")
    decided = Consensus.objects.get(evidence=item, criterion__code="AB-T3-TRUST")
    assert (decided.value, decided.method, decided.decided_by.username) == (
        1,
        "adjudicated",
        "rita",
    )

    page.click("text=← Disagreements")
    keys = page.locator("table.disagreements tbody tr td:first-child a").all_inner_texts()
    assert keys == ["KAR-015", "KAR-017", "KAR-029", "KAR-051"]
    assert page.locator("#count-awaiting").inner_text() == "4"


def test_the_overrides_page_adds_an_override(page, demo):
    sign_in(page, "rita", PASSWORD)
    page.goto("/p/turkiye-azerbaijan/review/overrides/")
    page.select_option("#o-period", label="TUR-AZE P2 (2010–2019)")
    page.select_option("#o-criterion", value="AB-T4-DEP")
    page.select_option("#o-value", value="2")
    page.fill("#o-rationale", "Energy dependence documented outside the article.")
    page.click("text=Add the override")
    page.wait_for_selector("#overrides-table")
    row = page.locator("#overrides-table tbody tr").first.inner_text()
    assert "AB-T4-DEP" in row and "rita" in row
    shot(page, "review_overrides_page")
