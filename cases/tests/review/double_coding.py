"""Helpers of the consensus tests: an item coded and submitted by two coders, and its consensus.

The small project (conftest): E1 is submitted by carl {TRANS 2, RESP 1} and cleo {TRANS 3},
and rita has adjudicated it (TRANS 2, RESP decided "not coded"). E3 is assigned to carl, who has
a draft TRUST 3; E2 is assigned to cleo with nothing coded.
"""

from cases.coding.actions import save_coding, submit_assignment
from cases.models import Assignment, Consensus, Evidence


def code(item, coder, criteria, values: dict) -> None:
    for name, value in values.items():
        save_coding(
            evidence=item, criterion=criteria[name], coder=coder, value=value, note="", version=0
        )


def both_code_e3(items, people, criteria, cleo_values: dict) -> Evidence:
    """E3 double-coded: carl keeps his TRUST 3, cleo codes as given; both submit."""
    e3 = items["E3"]
    Assignment.objects.create(evidence=e3, coder=people["cleo"])
    code(e3, people["cleo"], criteria, cleo_values)
    submit_assignment(evidence=e3, coder=people["carl"])
    submit_assignment(evidence=e3, coder=people["cleo"])
    return e3


def consensus(item) -> dict:
    return {
        c.criterion.code: (c.value, c.method)
        for c in Consensus.objects.filter(evidence=item).select_related("criterion")
    }
