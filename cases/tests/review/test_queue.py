"""The disagreement queue: which items are disputed, its filters, and the next item."""

from cases.models import Period
from cases.review.queue import disagreement_queue, disputed_codes, next_in_queue
from cases.tests.review.double_coding import both_code_e3


def test_disputed_codes_compare_every_coders_full_code_set():
    order = {"A": 1, "B": 2, "C": 3}
    sets = {"x": {"A": 1, "B": 2}, "y": {"A": 1, "C": 0}}
    assert disputed_codes(sets, order) == ["B", "C"]
    assert disputed_codes({"x": {"A": 1}}, order) == []


def test_the_queue_filters_by_criterion_period_and_coder_pair(items, people, criteria):
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 1})
    project = e3.project
    assert [i.key for i in disagreement_queue(project, criterion="AB-T3-TRUST")] == ["E3"]
    assert disagreement_queue(project, criterion="D-RESP") == []
    p1 = Period.objects.get(code="P1")
    assert disagreement_queue(project, period=p1) == []  # E3 (1990s) is in P2
    assert [i.key for i in disagreement_queue(project, pair=("carl", "cleo"))] == ["E3"]
    assert disagreement_queue(project, pair=("carl", "otto")) == []
    decided = disagreement_queue(project, decided=True, criterion="AB-T2-TRANS")
    assert [i.key for i in decided] == ["E1"]


def test_the_next_item_follows_the_queue_order_and_wraps(items, people, criteria):
    queue = [type("Q", (), {"pk": pk})() for pk in (5, 7, 9)]
    assert next_in_queue(queue, 7).pk == 9
    assert next_in_queue(queue, 9).pk == 5
    assert next_in_queue(queue, 42).pk == 5
    assert next_in_queue(queue[:1], 5) is None
