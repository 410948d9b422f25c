"""A codebook version change in a real browser: an admin edits the draft (a rename and a merge),
previews, publishes, and finds the codings moved and marked as the preview said; the diff page
shows the change, and the coder whose values differed is asked to code again."""

import os
from pathlib import Path

import pytest

from cases.models import CodebookVersion, Coding, Evidence
from cases.tests.browser import sign_in
from cases.tests.conftest import PASSWORD, set_passwords

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where the screenshots of the pages go besides the test's own (SCCODER_SHOTS to keep them).
SHOTS = Path(os.environ.get("SCCODER_SHOTS", "test-artifacts/screenshots"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def add_to_map(page, op: str, source: str, target: str) -> None:
    page.select_option("#op", op)
    page.fill("#source", source)
    page.fill("#target", target)
    page.click("#map-form button[type=submit]")
    page.wait_for_selector("ul.messages")


def test_an_admin_walks_a_version_change_with_a_rename_and_a_merge(page, small_project, people):
    set_passwords(["ada", "carl"])
    sign_in(page, "ada", PASSWORD)
    page.goto("/p/small/codebook/")
    page.click("text=Edit the codebook")
    page.click("text=Start a draft")
    page.wait_for_selector("#map-form")

    add_to_map(page, "rename", "AB-T3-TRUST", "TRUST")
    assert "rename AB-T3-TRUST → TRUST" in page.locator("#map").inner_text()
    form = page.locator("#add-form")
    form.locator("[name=code]").fill("D-MERGED")
    form.locator("[name=name]").fill("Transactions and responsiveness")
    form.locator("[name=framework]").fill("Deutsch")
    form.locator("[name=group]").fill("Conditions")
    form.locator("[name=order]").fill("40")
    form.locator("[name=definition]").fill("Dense transactions met by mutual responsiveness.")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#draft-D-MERGED")
    add_to_map(page, "merge", "AB-T2-TRANS D-RESP", "D-MERGED")
    assert "merge AB-T2-TRANS, D-RESP → D-MERGED" in page.locator("#map").inner_text()
    assert page.locator("#draft-D-RESP.retired").count() == 1
    shot(page, "codebook_draft")

    page.click("#preview-link")
    cells = {
        row: page.locator(f"#preview-{row} td.num").first.inner_text()
        for row in ("moved", "merged", "marked", "retired")
    }
    # carl's E3 trust moves; cleo's E1 transactions merge alone; carl's E1 2 and 1 differ.
    assert cells == {"moved": "1", "merged": "1", "marked": "1", "retired": "2"}
    shot(page, "codebook_publish_preview")
    page.fill("#note", "Transactions and responsiveness coded together.")
    page.click("text=Publish version 2")

    page.wait_for_selector("#diff-renamed")
    assert page.locator("#diff-renamed").inner_text().strip() == "AB-T3-TRUST → TRUST"
    assert page.locator("#diff-merged").inner_text().strip() == "AB-T2-TRANS + D-RESP → D-MERGED"
    shot(page, "codebook_diff")

    carl, cleo = people["carl"], people["cleo"]
    e1, e3 = Evidence.objects.get(key="E1"), Evidence.objects.get(key="E3")
    assert Coding.objects.get(evidence=e3, coder=carl).criterion.code == "TRUST"
    assert Coding.objects.get(evidence=e1, coder=cleo).criterion.code == "D-MERGED"
    assert set(
        Coding.objects.filter(evidence=e1, coder=carl).values_list("criterion__code", flat=True)
    ) == {"AB-T2-TRANS", "D-RESP"}
    version = CodebookVersion.objects.get(number=2)
    assert version.summary["codings"] == {"moved": 1, "merged": 1, "marked": 1, "retired": 2}

    page.goto("/p/small/codebook/versions/")
    assert "AB-T2-TRANS = 2, D-RESP = 1" in page.locator("table.marks").inner_text()
    shot(page, "codebook_versions")

    page.context.clear_cookies()
    sign_in(page, "carl", PASSWORD)
    page.goto("/p/small/queue/?show=all")
    assert "re-code" in page.locator("table.queue").inner_text()
    shot(page, "codebook_recode_queue")
    page.goto(f"/p/small/code/{e1.pk}/")
    assert "Code D-MERGED" in page.locator(".recode-notice").inner_text()
    assert page.locator("#crit-D-MERGED.recode").count() == 1
    shot(page, "codebook_recode_coding_page")
    # The item is submitted and decided, yet the marked code is open to carl, and only it.
    assert page.locator("#crit-TRUST input[type=radio]").first.is_disabled()
    assert not page.locator("#crit-D-MERGED input[type=radio]").first.is_disabled()
    page.click("#crit-D-MERGED label[title] >> text=2")
    page.wait_for_selector("#crit-D-MERGED.coded")
    assert Coding.objects.get(evidence=e1, coder=carl, criterion__code="D-MERGED").value == 2
    page.goto("/p/small/queue/?show=all")
    assert "re-code" not in page.locator("table.queue").inner_text()


def test_a_text_change_shows_as_a_word_diff_and_agreement_by_version(page, small_project, people):
    set_passwords(["ada"])
    sign_in(page, "ada", PASSWORD)
    page.goto("/p/small/codebook/draft/")
    page.click("text=Start a draft")
    row = page.locator("#draft-AB-T3-TRUST")
    row.locator("summary").click()
    definition = row.locator("textarea[name=definition]")
    definition.fill("Mutual trust between the peoples, shown in opinion polls.")
    row.locator("text=Save in the draft").click()
    page.wait_for_selector("ul.messages")
    page.click("#preview-link")
    assert page.locator("#preview-moved td.num").first.inner_text() == "0"
    page.click("text=Publish version 2")
    page.wait_for_selector("#changed-AB-T3-TRUST")
    changed = page.locator("#changed-AB-T3-TRUST")
    assert "opinion polls." in changed.locator("ins").all_inner_texts()[-1]
    assert changed.locator("del").count() >= 1
    shot(page, "codebook_diff_text")

    page.goto("/p/small/review/agreement/?codebook_version=1")
    assert "Figures under codebook version 1" in page.locator("#codebook-stamp").inner_text()
    assert page.locator("#f-codebook-version").input_value() == "1"
    shot(page, "codebook_agreement_by_version")
