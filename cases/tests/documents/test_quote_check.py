"""The quote check over a project: which document each item is checked against, and a fixed
number of queries whatever the number of items and pages."""

import pytest

from cases.documents.actions import attach_document
from cases.documents.quote_check import check_project_quotes
from cases.models import Evidence, Source
from cases.tests.documents.pdfs import hand_pdf

pytestmark = pytest.mark.django_db


def test_a_quote_taken_from_another_work_is_checked_in_that_work(small_project):
    doe = Source.objects.get(key="doe2020")
    quoted = Source.objects.create(project=small_project, key="roe2024", csl={"title": "Later"})
    Evidence.objects.filter(key="E2").update(via_source=quoted, via_locator="5")
    # doe2020 has the other two quotes but not E2's; roe2024 has E2's on its page 5.
    attach_document(
        source=doe,
        data=hand_pdf([["The coal and steel treaty."]] * 100),
        filename="doe.pdf",
        user=None,
    )
    attach_document(
        source=quoted,
        data=hand_pdf([["x"], ["x"], ["x"], ["x"], ["The \u00c9lys\u00e9e Treaty."]]),
        filename="roe.pdf",
        user=None,
    )
    report = check_project_quotes(small_project)
    assert report.matched == 2  # E1 on p. 12; E2 in roe2024 at p. 5
    assert report.mismatches == [
        "E3 (doe2020, p. 88): the quote is not on page 88, nor anywhere else in the document"
    ]
    assert report.without_document == 0


def test_the_check_reads_in_three_queries(small_project, django_assert_max_num_queries):
    doe = Source.objects.get(key="doe2020")
    attach_document(
        source=doe,
        data=hand_pdf([["Most trust the neighbour."]] * 100),
        filename="d.pdf",
        user=None,
    )
    with django_assert_max_num_queries(3):
        report = check_project_quotes(small_project)
    assert (report.matched, len(report.mismatches)) == (1, 2)
