"""``manage.py check_quotes SLUG`` as a researcher runs it: a real process, its own database and
media folder. The small project's items: E1 "The coal and steel treaty." on p. 12, E2 "The
Élysée Treaty." on pp. 40–41, E3 "Most trust the neighbour." on p. 88, all from doe2020."""

import json

import pytest

from cases.tests.bundle_factory import small_bundle
from cases.tests.cli import manage
from cases.tests.documents.pdfs import hand_pdf


def labelled(first: int, pages: list[list[str]]) -> bytes:
    return hand_pdf(pages, labels=f"/Nums [0 << /S /D /St {first} >>]")


@pytest.fixture
def project_db(tmp_path, cli_database, monkeypatch):
    monkeypatch.setenv("SCCODER_MEDIA_ROOT", str(tmp_path / "media"))
    bundle = tmp_path / "small.json"
    bundle.write_text(json.dumps(small_bundle()), encoding="utf-8")
    manage("import_bundle", str(bundle), database=cli_database, check=True)
    return cli_database


def attach(database, tmp_path, key: str, data: bytes, background: bool = False) -> None:
    """Attach a file to a source through the same action the pages use, in a real process:
    its text read at once, or (``background``) queued for the worker as an upload is."""
    path = tmp_path / f"{key}.pdf"
    path.write_bytes(data)
    code = (
        "from pathlib import Path; from cases.models import Source; "
        "from cases.documents.actions import attach_document; "
        f"attach_document(source=Source.objects.get(key={key!r}), "
        f"data=Path({str(path)!r}).read_bytes(), filename='doc.pdf', user=None, "
        f"background={background})"
    )
    manage("shell", "-c", code, database=database, check=True)


def book(e3_page: int = 88, e1_words: str = "steel treaty.") -> bytes:
    """Pages 10–90 of doe2020, with each quote where the evidence says, unless E3's page is
    moved or E1's words changed."""
    pages = [[f"Page {n} of the book."] for n in range(10, 91)]
    pages[12 - 10] = ["In 1951 came the coal and", e1_words]
    pages[40 - 10] = ["Then, in 1963, the \u00c9lys\u00e9e"]
    pages[41 - 10] = ["Treaty. It lasted."]
    pages[e3_page - 10] = ["Polls: \u201cMost trust the neigh-", "bour.\u201d"]
    return labelled(10, pages)


def test_items_without_a_document_are_counted_not_failed(project_db):
    result = manage("check_quotes", "small", database=project_db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "0 of 0 quotes match their document; 3 items without a document not checked."
    )


def test_every_quote_on_its_page_exits_zero(project_db, tmp_path):
    attach(project_db, tmp_path, "doe2020", book())
    result = manage("check_quotes", "small", database=project_db)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == (
        "3 of 3 quotes match their document; 0 items without a document not checked."
    )


def test_a_document_not_read_yet_is_named_and_checked_once_the_worker_read_it(project_db, tmp_path):
    attach(project_db, tmp_path, "doe2020", book(), background=True)
    result = manage("check_quotes", "small", database=project_db)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == (
        "0 of 0 quotes match their document; 0 items without a document not checked. "
        "3 items not checked: the document's text is not read yet (or was refused)."
    )
    manage("worker", "--batch", "--no-startup-delay", database=project_db, check=True)
    result = manage("check_quotes", "small", database=project_db)
    assert result.stdout.strip() == (
        "3 of 3 quotes match their document; 0 items without a document not checked."
    )


def test_each_mismatch_is_one_line_and_exits_one(project_db, tmp_path):
    attach(project_db, tmp_path, "doe2020", book(e3_page=89, e1_words="iron treaty."))
    result = manage("check_quotes", "small", database=project_db)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "E1 (doe2020, p. 12): the quote is not on page 12, nor anywhere else in the document",
        "E3 (doe2020, p. 88): the quote is on page 89, not on 88",
    ]
    assert "1 of 3 quotes match their document" in result.stderr


def test_an_unknown_slug_is_an_error_not_a_mismatch(project_db):
    result = manage("check_quotes", "nope", database=project_db)
    assert result.returncode == 2
    assert 'no project with slug "nope"' in result.stderr
    assert result.stdout == ""
