"""A calibration round of the small project: E2 and E3 for carl and cleo, scored against a gold
set. Both coders' codes and rita's gold are chosen so that each coder's score is known:

gold  E2 {TRANS 2}            E3 {TRUST 3}
carl  E2 {TRANS 2}            E3 {TRUST 3}                   (his draft of E3 kept) all alike
cleo  E2 {TRANS 1, RESP 2}    E3 {TRUST 3, TRANS 0}          three codes of six differ
"""

import pytest

from cases.coding.actions import save_coding, submit_assignment
from cases.models import Criterion, Evidence
from cases.review.rounds.actions import create_round, record_gold

GOLD = {"E2": {"AB-T2-TRANS": 2}, "E3": {"AB-T3-TRUST": 3}}
CARL = {"E2": {"AB-T2-TRANS": 2}, "E3": {}}  # E3: his draft TRUST 3 stays
CLEO = {"E2": {"AB-T2-TRANS": 1, "D-RESP": 2}, "E3": {"AB-T3-TRUST": 3, "AB-T2-TRANS": 0}}


def code_and_submit(project, coder, by_item: dict) -> None:
    for key, values in by_item.items():
        item = Evidence.objects.get(project=project, key=key)
        for code, value in values.items():
            criterion = Criterion.objects.get(codebook=project.codebook, code=code)
            save_coding(
                evidence=item, criterion=criterion, coder=coder, value=value, note="", version=0
            )
        submit_assignment(evidence=item, coder=coder)


def record_the_gold(round_, people) -> None:
    for key, values in GOLD.items():
        item = Evidence.objects.get(project=round_.project, key=key)
        record_gold(round_=round_, evidence=item, values=values, recorded_by=people["rita"])


@pytest.fixture
def calibration(small_project, people):
    """The round, open, with nothing coded or recorded yet."""
    return create_round(
        project=small_project,
        name="Calibration 1",
        kind="calibration",
        reference="gold",
        coders=[people["carl"], people["cleo"]],
        created_by=people["ada"],
        items=list(Evidence.objects.filter(project=small_project, key__in=["E2", "E3"])),
    )


@pytest.fixture
def coded(calibration, small_project, people):
    """The round with its gold recorded and both coders' codes submitted, still open."""
    record_the_gold(calibration, people)
    code_and_submit(small_project, people["carl"], CARL)
    code_and_submit(small_project, people["cleo"], CLEO)
    return calibration
