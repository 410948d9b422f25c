"""Coder diagnostics: alpha with each coder left out, and each coder against the consensus.

Checked three ways: by hand on the hand-built project of ``test_reliability`` (two coders);
against the ``krippendorff`` package (leave-one-out alpha) and scikit-learn's
``cohen_kappa_score`` (coder against consensus) on projects of four coders with random codes,
whose units are built here object by object from the ORM; and for the number of queries.

Hand computation, after rita decides I2's C-A as 3 (carl gave 3, cleo 1). Settled items: I1, I2,
I5, I6 (I3 and I4 still await adjudication); 4 items x 3 criteria = 12 units per coder.
carl matches the consensus everywhere: kappa 1. cleo differs on I2 C-A only: p_o = 11/12.
Marginals (not coded, 1, 2, 3): cleo 9, 2, 1, 0; consensus 9, 1, 1, 1.
    p_e = (9·9 + 2·1 + 1·1 + 0·1)/144 = 84/144;  kappa = (132 - 84)/(144 - 84) = 48/60 = .8
"""

import krippendorff
import numpy as np
import pytest
from django.contrib.auth import get_user_model
from sklearn.metrics import cohen_kappa_score

from cases.bundles import import_bundle
from cases.models import Assignment, Coding, Criterion, Evidence
from cases.review.adjudication import adjudicate_item
from cases.review.coding_units import NOT_CODED
from cases.review.consensus import consensus_for
from cases.review.diagnostics import coders_against_consensus, leave_one_coder_out
from cases.review.reliability import agreement_figures, agreement_rows
from cases.tests.review.test_reliability import add_item, code_and_submit, hand_built_bundle
from cases.tests.review.test_reliability_arrays import plain_cube

pytestmark = pytest.mark.django_db

SCALE = [0, 1, 2, 3]
CODERS = ["ann", "ben", "cat", "dan"]


@pytest.fixture
def hand():
    return import_bundle(hand_built_bundle())


def by_coder(found: list[dict]) -> dict[str, dict]:
    return {line["coder"]: line for line in found}


# --- by hand -------------------------------------------------------------------------------


def test_each_coder_against_the_consensus_matches_the_hand_computation(hand):
    rita = get_user_model().objects.get(username="rita")
    adjudicate_item(
        evidence=Evidence.objects.get(key="I2"),
        reviewer=rita,
        values={"C-A": 3},
        rationale="Strong: the treaty says so.",
        versions={"C-A": 0},
    )
    found = by_coder(coders_against_consensus(hand))
    assert found["carl"] == {
        "coder": "carl",
        "n_items": 4,
        "n_units": 12,
        "n_unsettled": 2,
        "percent_agreement": 1.0,
        "cohen_kappa": 1.0,
        "reason": None,
    }
    cleo = found["cleo"]
    assert (cleo["n_items"], cleo["n_units"], cleo["n_unsettled"]) == (4, 12, 2)
    assert cleo["percent_agreement"] == pytest.approx(11 / 12)
    assert cleo["cohen_kappa"] == pytest.approx(0.8)


def test_two_coders_cannot_be_left_out_one_at_a_time(hand):
    found = leave_one_coder_out(hand)
    assert found == {
        "n_coders": 2,
        "reason": "leaving a coder out needs at least three coders (here 2)",
        "all": None,
        "coders": [],
    }


def test_a_third_coder_can_be_left_out_and_the_others_keep_their_figures(hand):
    cora = get_user_model().objects.get(username="cora")
    for n in range(1, 7):
        values = {"I1": {"C-A": 2}, "I2": {"C-A": 3}, "I5": {"C-B": 1}}.get(f"I{n}", {})
        code_and_submit(Evidence.objects.get(key=f"I{n}"), cora, values)
    found = leave_one_coder_out(hand)
    assert found["n_coders"] == 3 and found["reason"] is None
    without_cora = by_coder(found["coders"])["cora"]
    # Without cora, carl and cleo on the same six items: the hand-computed overall figures.
    assert without_cora["application"]["alpha"] == pytest.approx(0.6875)
    assert without_cora["application"]["n_units"] == 18
    assert without_cora["value"]["alpha"] == pytest.approx(1 / 9)
    everyone = row_figures(agreement_rows(hand))
    assert found["all"]["application"]["alpha"] == everyone["application"]
    assert without_cora["application"]["change"] == pytest.approx(0.6875 - everyone["application"])


def row_figures(rows) -> dict[str, float]:
    return {r["measure"]: r["alpha"] for r in rows if r["scope"] == "overall"}


def test_a_coder_without_a_settled_item_gets_a_reason(hand):
    cora = get_user_model().objects.get(username="cora")
    code_and_submit(Evidence.objects.get(key="I3"), cora, {"C-A": 2})  # I3 awaits adjudication
    found = by_coder(coders_against_consensus(hand))["cora"]
    assert (found["n_items"], found["n_units"], found["n_unsettled"]) == (0, 0, 1)
    assert found["cohen_kappa"] is None and found["percent_agreement"] is None
    assert found["reason"] == "none of their items has a settled consensus yet"


# --- against the krippendorff package and scikit-learn -------------------------------------


def random_bundle(seed: int) -> dict:
    """Four coders code 40 items against the hand codebook: each (item, criterion) has a true
    value or none, which each coder reports with some noise. About half of the disputed items
    are decided by rita; one more item waits for dan to submit."""
    rng = np.random.default_rng(seed)
    bundle = hand_built_bundle()
    bundle["members"] += [{"username": name, "role": "coder"} for name in CODERS]
    bundle["codings"], bundle["stage_judgments"] = [], []
    codes = [c["code"] for c in bundle["codebook"]["criteria"]]
    bundle["evidence"] = [
        {**bundle["evidence"][0], "key": f"R{n:02}", "date": str(1950 + n % 49)} for n in range(41)
    ]
    consensus = []
    for n in range(41):
        truth = {c: int(rng.integers(0, 4)) for c in codes if rng.random() < 0.4}
        coded = {}
        for coder in CODERS:
            values = {}
            for code in codes:
                if rng.random() < 0.12:  # a slip: applied or dropped by mistake
                    if code not in truth:
                        values[code] = int(rng.integers(0, 4))
                    continue
                if code in truth:
                    shift = int(rng.choice([-1, 0, 0, 0, 0, 1]))
                    values[code] = min(3, max(0, truth[code] + shift))
            coded[coder] = values
        waiting = n == 40
        for coder in CODERS:
            bundle["codings"].append(
                {
                    "evidence": f"R{n:02}",
                    "coder": coder,
                    "submitted": not (waiting and coder == "dan"),
                    "values": coded[coder],
                    "notes": {},
                }
            )
        disputed = any(v != coded[CODERS[0]] for v in coded.values())
        if disputed and not waiting and rng.random() < 0.5:
            decided = {c: int(rng.integers(0, 4)) for c in codes if rng.random() < 0.5}
            consensus.append(
                {
                    "evidence": f"R{n:02}",
                    "values": decided,
                    "decided_by": "rita",
                    "rationale": "Read again.",
                }
            )
    bundle["consensus"] = consensus
    return bundle


@pytest.fixture(params=[1, 2, 3])
def randomised(request):
    return import_bundle(random_bundle(request.param))


def test_leave_one_coder_out_alpha_equals_the_krippendorff_package(randomised):
    items, cube = plain_cube(randomised, CODERS)
    assert len(items) == 40  # the item dan has not submitted is not common to all four
    found = leave_one_coder_out(randomised)
    assert found["n_coders"] == 4 and found["reason"] is None
    assert [line["coder"] for line in found["coders"]] == CODERS
    for i, line in enumerate(found["coders"]):
        rest = np.delete(cube, i, axis=0).reshape(3, -1)
        applied = (~np.isnan(rest)).astype(float)
        expected = krippendorff.alpha(reliability_data=applied, level_of_measurement="nominal")
        assert line["application"]["alpha"] == pytest.approx(expected, abs=1e-12)
        assert line["application"]["n_units"] == rest.shape[1]
        pairable = rest[:, (~np.isnan(rest)).sum(axis=0) >= 2]
        expected = krippendorff.alpha(
            reliability_data=pairable, level_of_measurement="ordinal", value_domain=SCALE
        )
        assert line["value"]["alpha"] == pytest.approx(expected, abs=1e-12)
        assert line["value"]["n_units"] == pairable.shape[1]
    all_units = cube.reshape(4, -1)
    expected = krippendorff.alpha(
        reliability_data=(~np.isnan(all_units)).astype(float), level_of_measurement="nominal"
    )
    assert found["all"]["application"]["alpha"] == pytest.approx(expected, abs=1e-12)
    for line in found["coders"]:
        for measure in ("application", "value"):
            change = line[measure]["alpha"] - found["all"][measure]["alpha"]
            assert line[measure]["change"] == pytest.approx(change, abs=1e-12)


def plain_against_consensus(project, coder: str) -> tuple[list[int], list[int], int]:
    """The coder's labels and the consensus labels over the (item, criterion) units of their
    submitted, settled items, built one object at a time; and how many items were unsettled."""
    criteria = list(Criterion.objects.filter(codebook=project.codebook).order_by("order", "code"))
    mine = sorted(
        a.evidence_id
        for a in Assignment.objects.filter(
            evidence__project=project, coder__username=coder, status=Assignment.Status.SUBMITTED
        )
    )
    consensus = consensus_for(mine)
    settled = [i for i in mine if not consensus[i].pending and not consensus[i].awaiting_coders]
    codes = {
        (c.evidence_id, c.criterion.code): c.value
        for c in Coding.objects.filter(evidence_id__in=settled, coder__username=coder)
    }
    theirs, agreed = [], []
    for item in settled:
        for criterion in criteria:
            theirs.append(codes.get((item, criterion.code), NOT_CODED))
            agreed.append(consensus[item].values.get(criterion.code, NOT_CODED))
    return theirs, agreed, len(mine) - len(settled)


def test_each_coder_against_the_consensus_equals_scikit_learn(randomised):
    found = by_coder(coders_against_consensus(randomised))
    assert sorted(found) == CODERS
    kappas = set()
    for coder in CODERS:
        theirs, agreed, unsettled = plain_against_consensus(randomised, coder)
        line = found[coder]
        assert line["n_units"] == len(theirs) == 3 * line["n_items"]
        assert line["n_unsettled"] == unsettled
        assert line["percent_agreement"] == pytest.approx(
            np.mean(np.array(theirs) == np.array(agreed)), abs=1e-12
        )
        assert line["cohen_kappa"] == pytest.approx(cohen_kappa_score(theirs, agreed), abs=1e-12)
        kappas.add(round(line["cohen_kappa"], 12))
    assert len(kappas) > 1  # the decisions make the coders differ: the test can tell them apart


def test_the_pair_filter_limits_the_diagnostics_to_the_pair(randomised):
    found = coders_against_consensus(randomised, coders=["ben", "ann"])
    assert [line["coder"] for line in found] == ["ann", "ben"]
    left_out = leave_one_coder_out(randomised, coders=["ann", "ben"])
    assert left_out["reason"] == "leaving a coder out needs at least three coders (here 2)"


def test_the_dyad_filter_keeps_only_that_dyads_items(randomised):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=CODERS)}
    assert coders_against_consensus(randomised, dyad="ESP-PRT") == []
    before = by_coder(coders_against_consensus(randomised))["ann"]["n_items"]
    spain = add_item(randomised, "SPAIN", dyad_code="ESP-PRT")
    for coder in ("ann", "ben"):
        code_and_submit(spain, users[coder], {"C-C": 1})
    found = coders_against_consensus(randomised, dyad="ESP-PRT")
    assert [(line["coder"], line["n_items"], line["n_units"]) for line in found] == [
        ("ann", 1, 3),
        ("ben", 1, 3),
    ]
    assert by_coder(coders_against_consensus(randomised))["ann"]["n_items"] == before + 1
    assert leave_one_coder_out(randomised, dyad="ESP-PRT")["reason"] == (
        "leaving a coder out needs at least three coders (here 2)"
    )


# --- bounded queries -----------------------------------------------------------------------


def test_the_diagnostics_read_a_fixed_number_of_queries(randomised, django_assert_max_num_queries):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=CODERS)}
    template = Evidence.objects.filter(project=randomised).first()
    for n in range(30):
        item = Evidence.objects.create(
            project=randomised,
            key=f"M{n:02}",
            dyad=template.dyad,
            period=template.period,
            date=template.date,
            source=template.source,
            evidence_type="event",
            quote="More.",
        )
        for coder in CODERS:
            code_and_submit(item, users[coder], {"C-A": (n + len(coder)) % 4})
    with django_assert_max_num_queries(5):
        leave_one_coder_out(randomised)
    with django_assert_max_num_queries(8):
        coders_against_consensus(randomised)
    with django_assert_max_num_queries(9):
        agreement_figures(randomised)
