"""What the evidence pages tell their reader beyond refusals: each form message once and as a
sentence, a warning for a page outside the work's pages, and the codings table's marks for
"not coded" and "no consensus yet"."""

import re

import pytest

from cases.models import Assignment, Coding, Criterion, Source
from cases.tests.evidence.test_evidence_pages import (
    NEW_URL,
    add_item,
    detail_url,
    edit_url,
    form_data,
    item,
)

pytestmark = pytest.mark.django_db


def field_error(page: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="id_{field}_error">(.*?)</p>', page, re.S)
    return match.group(1) if match else ""


def field_warning(page: str, field: str) -> str:
    match = re.search(rf'<p class="field-warning" id="id_{field}_warning"[^>]*>(.*?)</p>', page)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""


# -- messages -----------------------------------------------------------------------------------


def test_an_empty_quote_is_said_once_as_a_sentence(client, people, small_project):
    client.force_login(people["carl"])
    response = client.post(NEW_URL, form_data(small_project, quote="  "))
    assert response.status_code == 400
    assert response.context["form"].errors["quote"] == ["The verbatim quote cannot be empty."]
    assert field_error(response.content.decode(), "quote") == (
        "The verbatim quote cannot be empty."
    )


def test_every_message_beside_a_field_is_a_sentence(client, people, small_project):
    client.force_login(people["carl"])
    data = form_data(small_project, key="", date="", quote="", locator="p. 12", dyad="")
    response = client.post(NEW_URL, data)
    errors = response.context["form"].errors
    assert set(errors) == {"key", "date", "quote", "locator", "dyad"}
    for field, messages in errors.items():
        assert len(messages) == len(set(messages)), field
        for message in messages:
            assert message[0].isupper() or message[0] == '"', (field, message)
            assert message.endswith("."), (field, message)
    assert errors["locator"] == [
        '"p. 12" is not a page locator: use a page (391), a range (380–381) or a list (386, 389).'
    ]
    assert errors["date"] == ["A date is required: 1993 · 2008-10 · 2010-08-16 · 1994/1999."]


# -- a page outside the work's pages -------------------------------------------------------------


@pytest.fixture
def article(small_project):
    return Source.objects.create(
        project=small_project,
        key="karayel2024",
        csl={"type": "article-journal", "title": "An Article", "page": "383-400"},
    )


def test_a_page_outside_the_articles_pages_is_saved_with_a_warning(
    client, people, small_project, article
):
    client.force_login(people["carl"])
    data = form_data(small_project, source=article.pk, locator="12")
    response = client.post(NEW_URL, data, follow=True)
    assert response.redirect_chain == [(detail_url("N1"), 302)]  # saved: a warning, no refusal
    assert item("N1").locator == "12"
    page = response.content.decode()
    assert '<li class="warning">N1: Page 12 is outside the pages of karayel2024 (383–400): ' in page
    # The edit form says it again beside the page, until it is corrected.
    edit = client.get(edit_url("N1")).content.decode()
    assert field_warning(edit, "locator") == (
        "Warning: Page 12 is outside the pages of karayel2024 (383–400): check for a typo."
    )
    corrected = form_data(small_project, key="N1", source=article.pk, locator="392", version=1)
    response = client.post(edit_url("N1"), corrected, follow=True)
    assert "outside the pages" not in response.content.decode()
    assert field_warning(client.get(edit_url("N1")).content.decode(), "locator") == ""


def test_the_warning_shows_beside_the_page_when_the_form_is_refused_for_something_else(
    client, people, small_project, article
):
    client.force_login(people["carl"])
    data = form_data(small_project, source=article.pk, locator="380-381, 390", quote="")
    page = client.post(NEW_URL, data).content.decode()
    assert field_warning(page, "locator") == (
        "Warning: Pages 380 and 381 are outside the pages of karayel2024 (383–400): "
        "check for a typo."
    )


@pytest.mark.parametrize(
    ("page_range", "locator"),
    [
        ("383-400", "391"),
        ("383-400", "395–96"),  # a shortened range, 395 to 396
        ("379-94", "391"),  # a shortened page range, 379 to 394
        ("383-400", "xii"),  # front matter: roman pages are never checked
        ("xii-xx", "12"),  # a range of roman pages is not read
        ("", "12"),  # a book without a page range
    ],
)
def test_no_warning_within_the_pages_or_where_they_cannot_be_read(
    client, people, small_project, page_range, locator
):
    work = Source.objects.create(
        project=small_project, key="work", csl={"type": "book", "title": "W", "page": page_range}
    )
    client.force_login(people["carl"])
    data = form_data(small_project, source=work.pk, locator=locator)
    response = client.post(NEW_URL, data, follow=True)
    assert item("N1").locator == locator
    page = response.content.decode()
    assert "outside the pages" not in page and 'class="warning"' not in page


def test_the_page_in_the_quoted_work_is_checked_against_its_pages(
    client, people, small_project, article
):
    client.force_login(people["carl"])
    data = form_data(small_project, via_source=article.pk, via_locator="401")
    response = client.post(NEW_URL, data, follow=True)
    assert "N1: Page 401 is outside the pages of karayel2024 (383–400)" in (
        response.content.decode()
    )
    assert "outside" in field_warning(client.get(edit_url("N1")).content.decode(), "via_locator")


# -- "not coded" and "no consensus yet" -----------------------------------------------------------


def consensus_cells(page: str) -> dict[str, tuple[str, str]]:
    """Criterion code -> (the consensus cell's state class, its text)."""
    rows = re.findall(
        r'<th scope="row"><code>([^<]+)</code>.*?<td class="num consensus (\w+)">(.*?)</td>',
        page,
        re.S,
    )
    return {code: (state, re.sub(r"<[^>]+>", "", text)) for code, state, text in rows}


def test_not_coded_and_no_consensus_yet_have_their_own_marks(client, people, small_project):
    trust = Criterion.objects.get(code="AB-T3-TRUST")
    agreed = add_item(small_project, "M1")
    for coder in ("carl", "cleo"):
        Assignment.objects.create(evidence=agreed, coder=people[coder], status="submitted")
        Coding.objects.create(evidence=agreed, criterion=trust, coder=people[coder], value=2)
    client.force_login(people["rita"])

    e1 = client.get(detail_url("E1")).content.decode()
    assert consensus_cells(e1) == {
        "AB-T2-TRANS": ("decided", "2"),
        "D-RESP": ("not_coded", "– not coded"),  # decided: not coded
    }
    # Cleo did not code D-RESP: the not-coded mark, titled.
    assert e1.count('<span class="mark not-coded" title="not coded">–') == 1
    legend = re.search(r'<p class="muted codings-legend">(.*?)</p>', e1, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", legend).startswith(
        "– not coded · ? no consensus yet: the coders disagree, or not all of them have submitted."
    )

    # E3: carl coded a draft, so there is no consensus yet, which is not "not coded".
    e3 = client.get(detail_url("E3")).content.decode()
    assert consensus_cells(e3) == {"AB-T3-TRUST": ("pending", "? no consensus yet")}
    assert '<span class="mark pending" title="no consensus yet">?' in e3

    # M1: both coders submitted the same value; the consensus is theirs, without a reviewer.
    m1 = client.get(detail_url("M1")).content.decode()
    assert consensus_cells(m1) == {"AB-T3-TRUST": ("agreed", "2")}


def test_coders_who_disagree_leave_no_consensus_yet(client, people, small_project):
    trust = Criterion.objects.get(code="AB-T3-TRUST")
    split = add_item(small_project, "M2")
    for coder, value in (("carl", 1), ("cleo", 3)):
        Assignment.objects.create(evidence=split, coder=people[coder], status="submitted")
        Coding.objects.create(evidence=split, criterion=trust, coder=people[coder], value=value)
    client.force_login(people["ada"])
    page = client.get(detail_url("M2")).content.decode()
    assert consensus_cells(page) == {"AB-T3-TRUST": ("pending", "? no consensus yet")}
