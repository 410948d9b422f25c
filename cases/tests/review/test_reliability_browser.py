"""Readings that do not over-claim, and the coder diagnostics, in a real browser on the demo:
the agreement page and the report's agreement table, as a reviewer sees them."""

import re

import pytest

from cases.bundles import import_bundle, parse_bundle
from cases.review.reliability import agreement_rows
from cases.tests.browser import ARTEFACTS, sign_in
from cases.tests.cli import REPO
from cases.tests.conftest import PASSWORD, set_passwords

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = REPO / "fixtures" / "turkiye-azerbaijan.json"


@pytest.fixture
def demo(db):
    from django.core.cache import cache

    cache.clear()  # figures are cached by a fingerprint; test databases reuse ids
    project = import_bundle(parse_bundle(DEMO.read_bytes()))
    set_passwords(["rita"])
    return project


def shot(locator, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(ARTEFACTS / f"{name}.png"))


def test_a_reviewer_reads_why_a_figure_is_not_conclusive_and_the_coder_diagnostics(page, demo):
    sign_in(page, "rita", PASSWORD)
    page.goto("/p/turkiye-azerbaijan/review/agreement/")
    # A criterion one coder applied once or a few times, alone: a low alpha beside near-total
    # agreement (in the demo AB-LC-BORDER, 0.000 beside 98.5%), and the page says why.
    explained = next(
        r
        for r in agreement_rows(demo)
        if r["scope"] == "criterion" and "almost every value is the same" in r["reading_note"]
    )
    text = page.locator(f'tr[data-code="{explained["key"]}"]').inner_text()
    assert explained["reading_note"] in text
    shot(page.locator("#criteria-table"), "reliability_criteria_table")

    diagnostics = page.locator("#diagnostics")
    diagnostics.scroll_into_view_if_needed()
    consensus = page.locator("#against-consensus")
    assert consensus.locator("tr[data-coder]").count() == 2
    assert "alice" in consensus.inner_text() and "bob" in consensus.inner_text()
    assert "leaving a coder out needs at least three coders (here 2)" in diagnostics.inner_text()
    shot(diagnostics, "reliability_coder_diagnostics")


def test_the_report_says_n_and_why_beside_each_reading(page, demo):
    sign_in(page, "rita", PASSWORD)
    page.goto("/p/turkiye-azerbaijan/reports/TUR-AZE/")
    section = page.locator("#agreement")
    section.scroll_into_view_if_needed()
    section.locator("details.per-criterion summary").click()
    few = next(
        r
        for r in agreement_rows(demo, dyad="TUR-AZE")
        if r["scope"] == "criterion" and r["alpha"] == 1.0 and r["n_units"] < 10
    )
    code = page.locator("code", has_text=re.compile(f"^{re.escape(few['key'])}$"))
    shown = section.locator("tr", has=code).inner_text()
    assert f"too few units (n = {few['n_units']})" in shown
    shot(section, "reliability_report_agreement")


def test_the_agreement_chart_opened_on_its_own_is_drawn_in_its_colours(page, demo):
    """Its own address is a document under the strict CSP, which refuses style attributes: a
    chart styled with them showed a black box there (paths fall back to a black fill)."""
    from PIL import Image

    sign_in(page, "rita", PASSWORD)
    response = page.goto("/p/turkiye-azerbaijan/review/agreement.svg")
    assert response.headers["content-type"] == "image/svg+xml"
    assert "style-src 'self'" in response.headers["content-security-policy"]
    fill = page.evaluate("getComputedStyle(document.querySelector('#patch_1 path')).fill")
    assert fill == "rgb(255, 255, 255)"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / "reliability_agreement_chart_alone.png"
    page.screenshot(path=str(path))
    with Image.open(path) as image:
        assert image.convert("RGB").getpixel((8, 8)) == (255, 255, 255)
