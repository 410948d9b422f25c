"""The reader in a real browser: a coder uploads a PDF, finds and selects a passage, takes it as
evidence with its quote and page filled in, and codes the item; a reviewer then sees the passage
highlighted where its words are drawn, and a coder sees it without its codes."""

import re
from pathlib import Path

import pytest

from cases.models import Assignment, Coding, Consensus, Criterion, Evidence, EvidencePassage
from cases.tests.browser import ARTEFACTS, sign_in
from cases.tests.conftest import PASSWORD, set_passwords
from cases.tests.documents.pdfs import matplotlib_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "Chapter one.\nThe two states kept their border closed\nfor most of the decade.",
    "Chapter two.\nIn 1995 both governments signed the border treaty\nand opened three crossings.",
    "Chapter three.\nTrade doubled within five years.",
]
SHOTS = Path("/tmp/shots")


def _shot(page, name: str) -> None:
    for folder in (ARTEFACTS, SHOTS):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"reader-{name}.png"), full_page=True)


def _extend_by_word(page) -> str:
    """Shift+Ctrl+Right once, and the selection once it has changed."""
    before = page.evaluate("getSelection().toString()")
    page.keyboard.press("Shift+Control+ArrowRight")
    for _ in range(40):
        now = page.evaluate("getSelection().toString()")
        if now != before:
            return now
        page.wait_for_timeout(50)
    return before


def _rendered(page, index: int) -> None:
    page.wait_for_selector(f".reader-page[data-page='{index}'][data-rendered]")


def test_a_coder_takes_a_passage_and_a_reviewer_sees_it_highlighted(
    page, small_project, tmp_path, chromium, live_server
):
    pdf = tmp_path / "treaty-history.pdf"
    pdf.write_bytes(matplotlib_pdf(PAGES))
    source = small_project.sources.get()
    set_passwords(["carl", "rita"])

    # The coder attaches the PDF and opens the reader.
    sign_in(page, "carl", PASSWORD)
    page.goto(f"/p/small/sources/{source.pk}/document/")
    page.set_input_files("input[type=file]", str(pdf))
    page.click("button:has-text('Upload')")
    page.wait_for_selector("section.document-card")
    _shot(page, "document")
    page.click("text=Read and take passages")
    _rendered(page, 0)
    assert page.locator(".reader-page").count() == 3
    assert page.locator("#reader-take-button").is_disabled()

    # Keyboard first: find words, then extend the selection by a word with Shift+Ctrl+Right.
    page.fill("#reader-find", "both governments signed the border")
    page.press("#reader-find", "Enter")
    page.wait_for_selector("#reader-status:has-text('Found on page 2')")
    _rendered(page, 1)
    assert page.evaluate("getSelection().toString()").replace("\n", " ").strip() == (
        "both governments signed the border"
    )
    extended = _extend_by_word(page)
    assert extended.strip().endswith("treaty"), extended
    assert page.locator("#reader-take-button").is_enabled()
    _shot(page, "selection")

    # The mouse's way: a selection made in the text layer (a Range, as a drag makes one).
    page.evaluate(
        """() => {
          const layer = document.querySelector(".reader-page[data-page='1'] .textLayer");
          const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode()) && !node.data.includes("signed the border treaty"));
          const at = node.data.indexOf("both governments");
          const end = node.data.indexOf("treaty") + "treaty".length;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, end);
          getSelection().removeAllRanges();
          getSelection().addRange(range);
        }"""
    )
    page.wait_for_function("!document.querySelector('#reader-take-button').disabled")
    page.click("#reader-take-button")

    # The form: quote and page filled in from the document, the passage kept with them.
    page.wait_for_selector("form.evidence-form")
    quote = page.input_value("#id_quote")
    assert quote == "both governments signed the border treaty"
    assert page.input_value("#id_locator") == "2"
    assert "page 2" in page.locator("#passage-note").inner_text()
    page.fill("#id_date", "1995")
    page.select_option("#id_evidence_type", index=1)
    _shot(page, "form")
    page.click("button:has-text('Add evidence')")
    page.wait_for_url(re.compile(r".*/evidence/\d+/$"))
    item = Evidence.objects.get(quote=quote)
    passage = EvidencePassage.objects.get(evidence=item)
    assert passage.page_index == 1
    assert passage.page_label == "2"
    whole = "\f".join(source.document.pages.order_by("index").values_list("text", flat=True))
    assert whole[passage.start : passage.end] == passage.exact
    assert " ".join(passage.exact.split()) == quote

    # The item's page leads back to its passage: the reader opens at page 2, the passage marked.
    page.click("a.open-passage")
    page.wait_for_selector("#reader-pages[data-focused]")
    focused = page.locator(".hl-focus")
    assert focused.count() >= 1
    assert all(m.get_attribute("data-item") == item.key for m in focused.all())
    assert page.locator(".reader-page[data-page='1'] .hl-focus").count() == focused.count()
    box = focused.first.bounding_box()
    assert 0 <= box["y"] <= page.viewport_size["height"]
    _shot(page, "focused-passage")

    # The coder codes the item on the coding page.
    Assignment.objects.get_or_create(evidence=item, coder=item.created_by)
    page.goto(f"/p/small/code/{item.pk}/")
    page.wait_for_selector("form.crit:focus")
    page.keyboard.press("2")
    page.wait_for_selector("#crit-AB-T2-TRANS.coded")
    assert Coding.objects.get(evidence=item, criterion__code="AB-T2-TRANS").value == 2

    # The coder's reader: the passage highlighted in the neutral colour, no code named.
    page.goto(f"/p/small/sources/{source.pk}/document/read/")
    page.locator(".reader-page[data-page='1']").scroll_into_view_if_needed()
    _rendered(page, 1)
    mark = page.locator(".reader-page[data-page='1'] .hl").first
    assert "hl-neutral" in mark.get_attribute("class")
    assert "AB-T2-TRANS" not in page.content()

    # The reviewer: the passage in the colour of its criterion, over the words themselves.
    Consensus.objects.create(
        evidence=item,
        criterion=Criterion.objects.get(code="AB-T2-TRANS"),
        value=2,
        method=Consensus.Method.ADJUDICATED,
    )
    reviewer = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1360, "height": 900}
    ).new_page()
    errors = []
    reviewer.on("console", lambda m: m.type == "error" and errors.append(m.text))
    sign_in(reviewer, "rita", PASSWORD)
    reviewer.goto(f"/p/small/sources/{source.pk}/document/read/")
    reviewer.locator(".reader-page[data-page='1']").scroll_into_view_if_needed()
    _rendered(reviewer, 1)
    marks = reviewer.locator(".reader-page[data-page='1'] .hl")
    assert marks.count() >= 1
    classes = [marks.nth(i).get_attribute("class") for i in range(marks.count())]
    assert all("hl-neutral" not in c for c in classes)
    assert marks.first.get_attribute("title") == f"{item.key} · AB-T2-TRANS"
    assert "AB-T2-TRANS" in reviewer.locator(".reader-legend").inner_text()
    covered = reviewer.evaluate(
        """() => {
          const page = document.querySelector(".reader-page[data-page='1']");
          const layer = page.querySelector(".textLayer");
          const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode()) && !node.data.includes("signed the border"));
          const range = document.createRange();
          const at = node.data.indexOf("signed the border");
          range.setStart(node, at);
          range.setEnd(node, at + "signed the border".length);
          const words = range.getBoundingClientRect();
          const marks = [...page.querySelectorAll(".hl")].map((m) => m.getBoundingClientRect());
          const inside = (x, y) =>
            marks.some((r) => r.left <= x && x <= r.right && r.top <= y && y <= r.bottom);
          const y = words.top + words.height / 2;
          return [inside(words.left + 2, y), inside(words.right - 2, y)];
        }"""
    )
    assert covered == [True, True]
    _shot(reviewer, "reviewer")
    reviewer.context.close()
    assert errors == []


def test_a_text_document_with_the_keyboard_only(page, small_project):
    """Markup in a text document stays text; a passage is found, extended with Shift and the
    arrows, and taken with T, without the mouse."""
    from cases.documents.actions import attach_document

    source = small_project.sources.get()
    text = b"Minutes.\n<script>alert('x')</script>\nThe envoys agreed to reopen the railway line.\n"
    attach_document(source=source, data=text, filename="minutes.txt", user=None)
    set_passwords(["cleo"])
    sign_in(page, "cleo", PASSWORD)
    page.goto(f"/p/small/sources/{source.pk}/document/read/")
    _rendered(page, 0)
    assert "<script>alert('x')</script>" in page.locator(".text-layer").inner_text()
    page.fill("#reader-find", "the envoys agreed")
    page.press("#reader-find", "Enter")
    page.wait_for_selector("#reader-status:has-text('Found')")
    page.wait_for_selector(".text-layer:focus")
    for _ in range(3):
        _extend_by_word(page)
    assert page.evaluate("getSelection().toString()") == "The envoys agreed to reopen the"
    page.keyboard.press("t")
    page.wait_for_selector("form.evidence-form")
    assert page.input_value("#id_quote") == "The envoys agreed to reopen the"
    assert page.input_value("#id_locator") == ""  # a text has no pages
    page.fill("#id_date", "1995")
    page.select_option("#id_evidence_type", index=1)
    page.click("button:has-text('Add evidence')")
    page.wait_for_url(re.compile(r".*/evidence/\d+/$"))
    passage = EvidencePassage.objects.get(evidence__quote="The envoys agreed to reopen the")
    assert text.decode()[passage.start : passage.end] == passage.exact

    page.goto(f"/p/small/sources/{source.pk}/document/read/")
    _rendered(page, 0)
    mark = page.locator(".text-page .hl").first
    assert "hl-neutral" in mark.get_attribute("class")
    _shot(page, "text")
