"""A quote that is not where its source's document says is marked on the evidence list and in
the dyad report, and the same item is the line ``check_quotes`` prints; a quote put right
loses its mark (nothing stale is served from the cache)."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from cases.documents.actions import attach_document
from cases.documents.quote_check import check_project_quotes, quote_problems
from cases.models import Evidence, Source
from cases.tests.bundle_factory import small_bundle
from cases.tests.cli import manage
from cases.tests.documents.pdfs import hand_pdf

MARK = 'class="quote-mismatch"'
E3_PROBLEM = "the quote is not on page 88, nor anywhere else in the document"


def book() -> bytes:
    """Pages 10–90 of doe2020 with each of the small project's quotes on its page."""
    pages = [[f"Page {n} of the book."] for n in range(10, 91)]
    pages[12 - 10] = ["In 1951 came the coal and", "steel treaty."]
    pages[40 - 10] = ["Then, in 1963, the \u00c9lys\u00e9e"]
    pages[41 - 10] = ["Treaty. It lasted."]
    pages[88 - 10] = ["Polls: \u201cMost trust the neigh-", "bour.\u201d"]
    return hand_pdf(pages, labels="/Nums [0 << /S /D /St 10 >>]")


def tamper(key: str, quote: str) -> None:
    item = Evidence.objects.get(key=key)
    item.quote = quote
    item.save()  # a full save, as the application writes: the project's fingerprint moves


@pytest.fixture
def documented(small_project):
    attach_document(
        source=Source.objects.get(key="doe2020"), data=book(), filename="doe.pdf", user=None
    )
    return small_project


def marks(html: str) -> int:
    return html.count(MARK)


@pytest.mark.django_db
def test_a_tampered_quote_is_marked_on_the_list_and_in_the_report(documented, client, people):
    client.force_login(people["rita"])
    evidence_list = reverse("cases:evidence_list", args=["small"])
    report = reverse("cases:report", args=["small", "FRA-DEU"])
    assert marks(client.get(evidence_list).content.decode()) == 0
    assert marks(client.get(report).content.decode()) == 0

    tamper("E3", "Most distrust the neighbour.")
    listed = client.get(evidence_list).content.decode()
    assert marks(listed) == 1
    assert f"Not in the source's document: {E3_PROBLEM}." in listed
    reported = client.get(report).content.decode()
    assert marks(reported) == 1
    # The mark stands under E3's note, not another item's.
    note = reported[reported.index('id="ev-E3"') :]
    assert note.index(MARK) < note.index("</li>")

    tamper("E3", "Most trust the neighbour.")
    assert marks(client.get(evidence_list).content.decode()) == 0
    assert marks(client.get(report).content.decode()) == 0


@pytest.mark.django_db
def test_a_coder_sees_the_mark_too(documented, client, people):
    tamper("E1", "The iron treaty.")
    client.force_login(people["carl"])
    listed = client.get(reverse("cases:evidence_list", args=["small"])).content.decode()
    assert marks(listed) == 1


@pytest.mark.django_db
def test_replacing_the_document_is_seen_at_once(documented):
    assert quote_problems(documented) == {}
    attach_document(
        source=Source.objects.get(key="doe2020"),
        data=hand_pdf([["Nothing the items quote."]] * 90, labels="/Nums [0 << /S /D /St 10 >>]"),
        filename="other.pdf",
        user=None,
    )
    assert sorted(quote_problems(documented)) == ["E1", "E2", "E3"]


@pytest.mark.django_db
def test_without_documents_no_check_runs(small_project, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert quote_problems(small_project) == {}


@pytest.mark.django_db
def test_the_list_reads_a_bounded_number_of_queries(documented, client, people):
    """The check is one pass over the project, kept: a second look reads nothing of it again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people["rita"])
    url = reverse("cases:evidence_list", args=["small"])
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    pages_read = [q for q in second.captured_queries if "documentpage" in q["sql"].lower()]
    assert pages_read == []
    assert len(second.captured_queries) <= len(first.captured_queries)


def test_check_quotes_names_the_tampered_item(tmp_path, cli_database, monkeypatch):
    monkeypatch.setenv("SCCODER_MEDIA_ROOT", str(tmp_path / "media"))
    bundle = small_bundle()
    for item in bundle["evidence"]:
        if item["key"] == "E3":
            item["quote"] = "Most distrust the neighbour."
    path = tmp_path / "small.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    manage("import_bundle", str(path), database=cli_database, check=True)
    pdf = tmp_path / "doe.pdf"
    pdf.write_bytes(book())
    manage(
        "shell",
        "-c",
        "from pathlib import Path; from cases.models import Source; "
        "from cases.documents.actions import attach_document; "
        "attach_document(source=Source.objects.get(key='doe2020'), "
        f"data=Path({str(pdf)!r}).read_bytes(), filename='doe.pdf', user=None, "
        "background=False)",
        database=cli_database,
        check=True,
    )
    result = manage("check_quotes", "small", database=cli_database)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"E3 (doe2020, p. 88): {E3_PROBLEM}"]


@pytest.mark.django_db
def test_the_mark_speaks_the_readers_language_and_the_command_english(documented, client, people):
    """The comparison writes its finding once; the pages show it in the reader's language (a
    missing page with the document's pages named inside it), the command line in English."""
    tamper("E3", "Most distrust the neighbour.")
    item = Evidence.objects.get(key="E1")
    item.locator = "9"
    item.save()
    client.force_login(people["rita"])
    client.cookies["sccoder_language"] = "tr"
    listed = client.get(reverse("cases:evidence_list", args=["small"])).content.decode()
    assert (
        "Kaynağın belgesinde yok: alıntı ne 88 sayfasında ne de belgenin başka bir yerinde "
        "geçiyor." in listed
    )
    assert "Kaynağın belgesinde yok: belgede 9 sayfası yok (sayfaları 10 ile 90 arasında)." in (
        listed
    )
    report = client.get(reverse("cases:report", args=["small", "FRA-DEU"])).content.decode()
    assert "alıntı ne 88 sayfasında" in report
    client.cookies["sccoder_language"] = "en"
    english = client.get(reverse("cases:evidence_list", args=["small"])).content.decode()
    assert f"Not in the source's document: {E3_PROBLEM}." in english
    assert "the document has no page 9 (its pages run from 10 to 90)" in english
    # What check_quotes prints stays English whatever the language.
    with translation.override("tr"):
        lines = check_project_quotes(documented).mismatches
    assert "E1 (doe2020, p. 9): the document has no page 9 (its pages run from 10 to 90)" in lines
