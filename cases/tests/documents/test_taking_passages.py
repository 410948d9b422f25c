"""Taking a passage as evidence, on the evidence form and over the API: the server finds the
passage in the document's own text, never trusting the browser's offsets, and refuses a quote
that has left the passage's words (naming the quote), writing nothing. And the reader: every
member reads it, a coder's page names no code, an HTML document's scripts are shown as text."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from cases.documents.actions import attach_document
from cases.documents.highlights import reader_passages
from cases.documents.passages import document_text
from cases.models import Consensus, Criterion, Evidence, EvidencePassage, Membership, Source
from cases.tests.documents.pdfs import hand_pdf

pytestmark = pytest.mark.django_db

ARTICLE = hand_pdf(
    [
        ["The treaty was signed in 1963.", "Both sides kept the neigh-", "bourly peace."],
        ["Trust grew slowly after that.", "The treaty was signed again."],
    ],
    labels="/Nums [0 << /S /D /St 212 >>]",
)


@pytest.fixture
def doe(small_project, people):
    source = Source.objects.get(project=small_project, key="doe2020")
    attach_document(source=source, data=ARTICLE, filename="doe.pdf", user=people["carl"])
    return source


def whole_text(source) -> str:
    return document_text(list(source.document.pages.values_list("text", flat=True)))


def signed_in(people, username, api=False):
    client = APIClient() if api else Client()
    client.force_login(people[username])
    return client


def new_url(source) -> str:
    return reverse("cases:evidence_new", kwargs={"slug": source.project.slug})


def reader_url(source) -> str:
    return reverse("cases:document_reader", kwargs={"slug": source.project.slug, "pk": source.pk})


def take(client, source, exact, **extra):
    data = {"take": "1", "source": source.pk, "exact": exact, **extra}
    return client.post(new_url(source), data)


def form_values(response) -> dict:
    """The values the rendered evidence form holds, by field name."""
    html = response.content.decode()
    values = dict(re.findall(r'<input type="(?:text|hidden)" name="(\w+)" value="([^"]*)"', html))
    quote = re.search(r'<textarea name="quote"[^>]*>\n?(.*?)</textarea>', html, re.S)
    values["quote"] = quote.group(1) if quote else ""
    return values


def item_data(source, quote, **extra) -> dict:
    return {
        "key": "E9",
        "dyad": source.project.dyads.get().pk,
        "date": "1963",
        "evidence_type": "agreement",
        "source": source.pk,
        "locator": "212",
        "quote": quote,
        **extra,
    }


# -- the reader's "Take as evidence" ---------------------------------------------------------


def test_taking_a_selection_fills_the_form_from_the_documents_text(doe, people):
    client = signed_in(people, "carl")
    # The browser's text layer joins the hyphenated line; its offsets mean nothing here.
    response = take(client, doe, "kept the neighbourly peace", page="0", start="5", end="9")
    assert response.status_code == 200
    values = form_values(response)
    assert values["quote"] == "kept the neighbourly peace"
    assert values["locator"] == "212"
    whole = whole_text(doe)
    start, end = int(values["passage_start"]), int(values["passage_end"])
    assert whole[start:end].startswith("kept the neigh")
    assert whole[start:end].endswith("bourly peace")
    assert not Evidence.objects.filter(key="E4").exists()  # nothing saved yet


def test_a_repeated_phrase_is_taken_where_the_reader_saw_it(doe, people):
    response = take(
        signed_in(people, "carl"),
        doe,
        "The treaty was signed",
        prefix="Trust grew slowly after that.\n",
        page="1",
    )
    values = form_values(response)
    assert values["locator"] == "213"
    assert int(values["passage_start"]) == whole_text(doe).index("The treaty was signed again")


def test_words_not_in_the_document_are_not_taken(doe, people):
    response = take(signed_in(people, "carl"), doe, "The treaty was torn up", page="0")
    assert response.status_code == 302
    assert response.url == reader_url(doe)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("are not in the text of doe2020's document" in m for m in messages)


def test_a_source_of_another_project_or_without_document_is_not_found(doe, people):
    client = signed_in(people, "carl")
    other = {"take": "1", "source": "999999", "exact": "The treaty"}
    assert client.post(new_url(doe), other).status_code == 404
    doe.document.delete()
    response = take(client, doe, "The treaty")
    assert response.status_code == 302


def test_a_document_not_read_yet_has_no_passage_to_take(doe, people):
    """Its text is read by the worker after the upload: until then there is nothing to find
    the words in, and the evidence form and the API say so."""
    doe.document.pages.all().delete()
    type(doe.document).objects.filter(pk=doe.document.pk).update(status="pending", pages_read=0)
    response = take(signed_in(people, "carl"), doe, "The treaty", page="0")
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("the text of doe2020's document is not read yet" in m for m in messages), messages
    assert EvidencePassage.objects.count() == 0
    body = api_body("The treaty", {"exact": "The treaty", "page": 0})
    answer = signed_in(people, "rita", api=True).post(api_items(doe), body, format="json")
    assert answer.status_code == 400
    assert "not read yet" in json.dumps(answer.json())
    assert not Evidence.objects.filter(key="E9").exists()


# -- saving: the server reads the passage again ------------------------------------------------


def test_saving_stores_the_passage_read_again_at_its_offsets(doe, people):
    whole = whole_text(doe)
    start = whole.index("Trust grew")
    data = item_data(
        doe, "Trust grew slowly", locator="213", passage_start=start, passage_end=start + 17
    )
    response = signed_in(people, "carl").post(new_url(doe), data)
    assert response.status_code == 302
    passage = EvidencePassage.objects.get(evidence__key="E9")
    assert (passage.exact, passage.page_index, passage.page_label) == (
        "Trust grew slowly",
        1,
        "213",
    )
    assert passage.prefix.endswith("peace.\f")
    assert passage.suffix.startswith(" after that.")
    assert passage.document_sha256 == doe.document.sha256


def test_a_quote_edited_away_from_the_passage_is_refused_naming_the_quote(doe, people):
    start = whole_text(doe).index("Trust grew")
    data = item_data(
        doe, "Trust grew quickly", passage_start=start, passage_end=start + 17, locator="213"
    )
    response = signed_in(people, "carl").post(new_url(doe), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["quote"]
    assert "no longer matches the passage taken from the document on page 213" in errors["quote"][0]
    assert "“Trust grew slowly”" in errors["quote"][0]
    assert not Evidence.objects.filter(key="E9").exists()
    assert not EvidencePassage.objects.exists()


def test_spacing_quotes_and_case_are_not_an_edit(doe, people):
    start = whole_text(doe).index("Trust grew")
    data = item_data(
        doe, "  trust   GREW slowly ", passage_start=start, passage_end=start + 17, locator="213"
    )
    assert signed_in(people, "carl").post(new_url(doe), data).status_code == 302


def test_offsets_outside_the_document_are_refused(doe, people):
    data = item_data(doe, "Trust grew slowly", passage_start=5, passage_end=99_999)
    response = signed_in(people, "carl").post(new_url(doe), data)
    assert response.status_code == 400
    assert "outside the document" in response.context["form"].errors["quote"][0]
    assert not Evidence.objects.filter(key="E9").exists()


def test_tampered_offsets_hold_other_words_and_are_refused(doe, people):
    # Offsets a client changed: the server reads what is there, and the quote does not match.
    whole = whole_text(doe)
    start = whole.index("Both sides")
    data = item_data(doe, "Trust grew slowly", passage_start=start, passage_end=start + 17)
    response = signed_in(people, "carl").post(new_url(doe), data)
    assert response.status_code == 400
    assert "“Both sides kept t”" in response.context["form"].errors["quote"][0]


def test_editing_an_item_keeps_its_passage_and_checks_its_quote(doe, people):
    whole = whole_text(doe)
    start = whole.index("Trust grew")
    client = signed_in(people, "carl")
    client.post(
        new_url(doe),
        item_data(
            doe, "Trust grew slowly", locator="213", passage_start=start, passage_end=start + 17
        ),
    )
    item = Evidence.objects.get(key="E9")
    edit = reverse("cases:evidence_edit", kwargs={"slug": doe.project.slug, "pk": item.pk})
    page = client.get(edit)
    assert f'name="passage_start" value="{start}"' in page.content.decode()
    base = item_data(doe, "Trust grew slowly", locator="213", version=item.version)
    # The summary changes: the passage stays as it was.
    saved = client.post(
        edit, {**base, "summary": "Slowly.", "passage_start": start, "passage_end": start + 17}
    )
    assert saved.status_code == 302
    item.refresh_from_db()
    assert item.summary == "Slowly."
    assert EvidencePassage.objects.get(evidence=item).start == start
    # The quote changes, even without the hidden fields: refused.
    refused = client.post(edit, {**base, "version": item.version, "quote": "Trust grew fast"})
    assert refused.status_code == 400
    assert "no longer matches" in refused.context["form"].errors["quote"][0]
    item.refresh_from_db()
    assert item.quote == "Trust grew slowly"


# -- the API -----------------------------------------------------------------------------------


def api_items(source) -> str:
    return f"/api/projects/{source.project.slug}/evidence/"


def api_body(quote, passage=None) -> dict:
    body = {
        "key": "E9",
        "dyad": "FRA-DEU",
        "date": "1963",
        "evidence_type": "agreement",
        "source": "doe2020",
        "locator": "212",
        "quote": quote,
    }
    if passage is not None:
        body["passage"] = passage
    return body


def test_the_api_finds_a_passage_by_its_words_and_answers_with_its_selectors(doe, people):
    client = signed_in(people, "rita", api=True)
    body = api_body(
        "kept the neighbourly peace", {"exact": "kept the neighbourly peace", "page": 0}
    )
    response = client.post(api_items(doe), body, format="json")
    assert response.status_code == 201, response.json()
    passage = response.json()["passage"]
    whole = whole_text(doe)
    assert passage["exact"] == whole[passage["start"] : passage["end"]]
    assert passage["page"] == 0 and passage["page_label"] == "212"
    assert passage["document_sha256"] == doe.document.sha256
    listed = client.get(api_items(doe)).json()["results"]
    assert {row["key"]: row["passage"] is not None for row in listed} == {
        "E1": False,
        "E2": False,
        "E3": False,
        "E9": True,
    }


def test_the_api_refuses_a_quote_that_is_not_the_passage(doe, people):
    client = signed_in(people, "rita", api=True)
    start = whole_text(doe).index("Trust grew")
    body = api_body("Trust grew fast", {"start": start, "end": start + 17})
    response = client.post(api_items(doe), body, format="json")
    assert response.status_code == 400
    assert "no longer matches the passage" in response.json()["quote"][0]
    assert not Evidence.objects.filter(key="E9").exists()
    body = api_body("x", {"prefix": "only context"})
    assert "exact" in json.dumps(client.post(api_items(doe), body, format="json").json())


def test_the_api_keeps_a_stored_passage_on_update_and_checks_the_quote(doe, people):
    client = signed_in(people, "rita", api=True)
    start = whole_text(doe).index("Trust grew")
    body = api_body("Trust grew slowly", {"start": start, "end": start + 17})
    created = client.post(api_items(doe), body, format="json").json()
    url = f"{api_items(doe)}{created['id']}/"
    patched = client.patch(url, {"summary": "ok", "version": created["version"]}, format="json")
    assert patched.status_code == 200
    assert patched.json()["passage"]["start"] == start
    refused = client.patch(
        url, {"quote": "Trust fell", "version": patched.json()["version"]}, format="json"
    )
    assert refused.status_code == 400
    assert list(refused.json()) == ["quote"]


# -- the reader page ---------------------------------------------------------------------------


def reader_data(response) -> dict:
    html = response.content.decode()
    return json.loads(
        re.search(r'id="reader-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )


@pytest.fixture
def taken_item(doe):
    item = Evidence.objects.get(key="E1")  # coded by carl and cleo, with a consensus
    whole = whole_text(doe)
    start = whole.index("The treaty was signed in 1963")
    EvidencePassage.objects.create(
        evidence=item,
        document_sha256=doe.document.sha256,
        page_index=0,
        page_label="212",
        exact="The treaty was signed in 1963",
        start=start,
        end=start + 29,
    )
    return item


def test_a_reviewer_sees_the_criterion_a_coder_only_the_passage(taken_item, doe, people):
    reviewer = reader_data(signed_in(people, "rita").get(reader_url(doe)))
    (passage,) = reviewer["passages"]
    assert reviewer["by_criterion"] is True
    expected = (
        Consensus.objects.filter(evidence=taken_item, value__gt=0)
        .order_by("-value", "criterion__order")
        .values_list("criterion__code", flat=True)
        .first()
    )
    assert passage["criterion"] == expected is not None
    coder_page = signed_in(people, "carl").get(reader_url(doe))
    coder = reader_data(coder_page)
    assert coder["by_criterion"] is False
    assert coder["passages"][0]["criterion"] is None
    assert coder["passages"][0]["slot"] is None
    codes = Criterion.objects.values_list("code", flat=True)
    assert not any(code in coder_page.content.decode() for code in codes)


def test_the_criteria_a_document_shows_get_colours_of_their_own(doe, people, small_project):
    """The colours are numbered over the criteria the document shows, not the whole codebook:
    two criteria eight places apart in the codebook used to share a colour."""
    criteria = list(Criterion.objects.filter(codebook=small_project.codebook).order_by("order"))
    whole = whole_text(doe)
    shown = [criteria[0], criteria[-1]]
    for n, criterion in enumerate(shown):
        item = Evidence.objects.get(key="E1")  # a copy of it, under a key of its own
        item.pk, item.key, item.source = None, f"COL-{n}", doe
        item.save()
        Consensus.objects.create(
            evidence=item, criterion=criterion, value=2, method="adjudicated", rationale="r"
        )
        start = whole.index("The treaty was signed")
        EvidencePassage.objects.create(
            evidence=item,
            document_sha256=doe.document.sha256,
            page_index=0,
            page_label="212",
            exact="The treaty was signed",
            start=start,
            end=start + 21,
        )
    data = reader_data(signed_in(people, "rita").get(reader_url(doe)))
    _, legend = reader_passages(doe, Membership.objects.get(user=people["rita"]))
    assert {entry["code"]: entry["slot"] for entry in legend} == {
        shown[0].code: 0,
        shown[1].code: 1,
    }
    assert {p["item"]: p["slot"] for p in data["passages"]} == {"COL-0": 0, "COL-1": 1}


def test_every_member_reads_outsiders_get_404(doe, people):
    for username in ["ada", "rita", "carl", "cleo", "otto"]:
        assert signed_in(people, username).get(reader_url(doe)).status_code == 200
    assert signed_in(people, "olaf").get(reader_url(doe)).status_code == 404


def test_an_html_documents_scripts_are_shown_as_text(small_project, people):
    source = Source.objects.get(project=small_project, key="doe2020")
    html = b"<html><body><p>Peace <b>held</b>.</p><script>alert(1)</script></body></html>"
    attach_document(source=source, data=html, filename="page.html", user=None)
    response = signed_in(people, "otto").get(reader_url(source))
    page = response.content.decode()
    assert "Peace held." in page
    assert "alert(1)" not in page
    assert "<b>held</b>" not in page
    text = b"<script>alert(2)</script> is what the memo said."
    attach_document(source=source, data=text, filename="memo.txt", user=None)
    page = signed_in(people, "otto").get(reader_url(source)).content.decode()
    assert "&lt;script&gt;alert(2)&lt;/script&gt; is what the memo said." in page
    assert "<script>alert(2)" not in page


def test_the_refusals_speak_the_readers_language(doe, people):
    """Under Turkish the reader's refusal and the form's quote error are Turkish, the words
    and the page they name unchanged."""
    carl = signed_in(people, "carl")
    carl.cookies["sccoder_language"] = "tr"
    response = take(carl, doe, "The treaty was torn up", page="0")
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Alınmadı: Seçilen “The treaty was torn up” sözcükleri doe2020 kaynağının belgesinin "
        "metninde yok."
    ]
    start = whole_text(doe).index("Trust grew")
    data = item_data(
        doe, "Trust grew quickly", passage_start=start, passage_end=start + 17, locator="213"
    )
    refused = carl.post(new_url(doe), data)
    assert refused.status_code == 400
    assert (
        refused.context["form"]
        .errors["quote"][0]
        .startswith(
            "Alıntı artık belgenin 213. sayfasından alınan pasajla örtüşmüyor: “Trust grew slowly”."
        )
    )
    assert not Evidence.objects.filter(key="E9").exists()
