"""The review pages, tried as every persona: agreement, its chart, the disagreement queue,
adjudication of one item, period overrides.

Who may see them (DESIGN.md): ada (admin) and rita (reviewer) only. carl and cleo (coders) get
403 everywhere, so that no page, fragment, count or message tells them another coder's codes;
otto (observer) gets 403; olaf (outsider) 404; anonymous visitors go to the sign-in page.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.urls import reverse

from cases.bundles import import_bundle, parse_bundle
from cases.classification.inputs import classify_dyads
from cases.classification.rule import RULE_V1, RULE_V2
from cases.coding.actions import save_coding, submit_assignment
from cases.models import (
    Assignment,
    Consensus,
    Criterion,
    Evidence,
    Membership,
    Period,
    PeriodOverride,
    Project,
)
from cases.review.adjudication import adjudicate_item
from cases.review.diagnostics import coders_against_consensus, leave_one_coder_out
from cases.review.overrides import set_period_override
from cases.review.reliability import agreement_rows, stage_judgment_agreement
from cases.tests.cli import REPO
from cases.tests.review.double_coding import both_code_e3
from cases.tests.review.test_reliability import code_and_submit, hand_built_bundle

DEMO = REPO / "fixtures" / "turkiye-azerbaijan.json"


@pytest.fixture
def demo(db):
    return import_bundle(parse_bundle(DEMO.read_bytes()))


def url(name, *args, slug="small"):
    return reverse(f"cases:{name}", args=[slug, *args])


def review_urls(items):
    return [
        url("review_agreement"),
        url("review_agreement_chart"),
        url("review_disagreements"),
        url("review_item", items["E1"].pk),
        url("review_overrides"),
    ]


# --- who may see what ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ada", "rita"])
def test_admins_and_reviewers_open_every_review_page(client, people, items, who):
    client.force_login(people[who])
    for address in review_urls(items):
        assert client.get(address).status_code == 200, address


@pytest.mark.parametrize("who", ["carl", "cleo", "otto"])
def test_coders_and_observers_are_refused_every_review_page(client, people, items, who):
    client.force_login(people[who])
    for address in review_urls(items):
        response = client.get(address)
        assert response.status_code == 403, address
        page = response.content.decode()
        assert "only elites" not in page  # carl's note on E1
        assert "AB-T2-TRANS" not in page
        assert "Coder diagnostics" not in page and "against-consensus" not in page


def test_an_outsider_gets_404_on_every_review_page(client, people, items):
    client.force_login(people["olaf"])
    for address in review_urls(items):
        assert client.get(address).status_code == 404, address
    assert client.post(url("review_item", items["E1"].pk)).status_code == 404
    assert client.post(url("review_overrides")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, items):
    for address in review_urls(items):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["carl", "cleo", "otto"])
def test_coders_and_observers_cannot_decide_or_override(client, people, items, who):
    client.force_login(people[who])
    decided = list(Consensus.objects.values_list("pk", "value", "version"))
    response = client.post(
        url("review_item", items["E1"].pk),
        {
            "codes": ["AB-T2-TRANS", "D-RESP"],
            "value-AB-T2-TRANS": "3",
            "value-D-RESP": "1",
            "version-AB-T2-TRANS": "1",
            "version-D-RESP": "1",
            "rationale": "Sneaky.",
        },
    )
    assert response.status_code == 403
    response = client.post(
        url("review_overrides"),
        {
            "period": Period.objects.get(code="P1").pk,
            "criterion": "D-RESP",
            "value": "3",
            "rationale": "Sneaky.",
            "version": "0",
        },
    )
    assert response.status_code == 403
    assert list(Consensus.objects.values_list("pk", "value", "version")) == decided
    assert PeriodOverride.objects.count() == 1


def test_an_item_of_another_project_is_not_found(client, people, items, demo):
    client.force_login(people["rita"])
    other = Evidence.objects.filter(project=demo).first()
    assert client.get(url("review_item", other.pk)).status_code == 404


# --- the agreement page --------------------------------------------------------------------


def cells_of(page: str, code: str) -> list[str]:
    match = re.search(rf'<tr[^>]*data-code="{re.escape(code)}">(.*?)</tr>', page, re.S)
    assert match, code
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", match[1], re.S)
    ]


def three(value):
    return "—" if value is None else f"{value:.3f}"


def criterion_lines(page: str, project, rows: list[dict]):
    """Per criterion of the codebook: its code, its application and value rows, its cells."""
    for code in Criterion.objects.filter(codebook=project.codebook).values_list("code", flat=True):
        app = next(r for r in rows if r["key"] == code and r["measure"] == "application")
        value = next(r for r in rows if r["key"] == code and r["measure"] == "value")
        yield code, app, value, cells_of(page, code)


def test_the_table_shows_the_figures_of_agreement_rows(client, people, demo):
    client.force_login(people["rita"])
    page = client.get(url("review_agreement", slug=demo.slug)).content.decode()
    rows = agreement_rows(demo, draws=1000, seed=1)
    for _, app, value, cells in criterion_lines(page, demo, rows):
        assert cells[0] == str(app["n_units"])
        assert cells[1] == three(app["alpha"])
        assert cells[3] == three(app["percent_agreement"])
        assert cells[4] == three(app["ac1"])
        assert cells[5].startswith(app["reading"])
        assert cells[6] == str(value["n_units"])
        assert cells[7] == three(value["alpha"])
        if app["ci_low"] is not None:
            assert cells[2] == f"[{app['ci_low']:.2f}, {app['ci_high']:.2f}]"
    overall = next(r for r in rows if r["scope"] == "overall" and r["measure"] == "application")
    assert three(overall["alpha"]) in page
    assert "1000 draws, seed 1" in page


def test_a_criterion_below_667_is_highlighted_and_links_to_its_disagreements(client, people, demo):
    client.force_login(people["rita"])
    page = client.get(url("review_agreement", slug=demo.slug)).content.decode()
    row = re.search(r'<tr class="([^"]*)" data-code="AB-T3-TRUST">(.*?)</tr>', page, re.S)
    assert "low" in row[1].split()  # application alpha .598
    queue = url("review_disagreements", slug=demo.slug) + "?criterion=AB-T3-TRUST"
    assert f'href="{queue}"' in row[2]
    reliable = re.search(r'<tr class="([^"]*)" data-code="AB-T2-TRANS">', page)
    assert "low" not in reliable[1].split()


def test_the_table_sorts_by_a_column_with_undefined_figures_last(client, people, demo):
    client.force_login(people["rita"])
    page = client.get(url("review_agreement", slug=demo.slug) + "?sort=app_alpha").content
    order = re.findall(r'data-code="([^"]+)"', page.decode())
    alphas = {
        r["key"]: r["alpha"]
        for r in agreement_rows(demo)
        if r["scope"] == "criterion" and r["measure"] == "application"
    }
    shown = [alphas[code] for code in order]
    defined = [a for a in shown if a is not None]
    assert defined == sorted(defined)
    assert shown[len(defined) :] == [None] * (len(shown) - len(defined))
    page = client.get(url("review_agreement", slug=demo.slug) + "?sort=-app_alpha").content
    order = re.findall(r'data-code="([^"]+)"', page.decode())
    assert alphas[order[0]] == max(a for a in alphas.values() if a is not None)


def test_the_coder_pair_and_dyad_filters_change_the_figures(client, people, demo):
    client.force_login(people["rita"])
    page = client.get(
        url("review_agreement", slug=demo.slug) + "?pair=alice,bob&dyad=TUR-AZE"
    ).content.decode()
    assert '<option value="alice,bob" selected>alice &amp; bob</option>' in page
    page = client.get(url("review_agreement", slug=demo.slug) + "?pair=alice,nobody").content
    assert "is not two coders with submitted items" in page.decode()


def test_the_page_shows_coder_pair_kappas_and_stage_agreement(client, people, demo):
    client.force_login(people["rita"])
    page = client.get(url("review_agreement", slug=demo.slug)).content.decode()
    # 77 items submitted by both coders (83, less the three bare stage verdicts nobody codes
    # and the three not yet submitted) × 43 criteria.
    assert "Cohen" in page and "n = 3311" in page
    assert "3 periods judged by two or more of 2 coders" in page


def test_a_reading_says_why_it_is_not_conclusive(client, people, demo):
    client.force_login(people["rita"])
    page = client.get(url("review_agreement", slug=demo.slug)).content.decode()
    rows = agreement_rows(demo, draws=1000, seed=1)
    for code, app, value, cells in criterion_lines(page, demo, rows):
        assert cells[5].endswith(app["reading_note"]), code
        assert cells[10].endswith(value["reading_note"]), code
    # Alpha low beside near-total agreement (in the demo: AB-LC-BORDER, 0.000 beside 98.5%,
    # one coder applied it once, alone) is explained on the page.
    paradox = [r for r in rows if "almost every value is the same" in r["reading_note"]]
    assert paradox
    for found in paradox:
        if found["scope"] == "criterion":
            cells = cells_of(page, found["key"])
            reading = cells[5] if found["measure"] == "application" else cells[10]
            assert "α cannot tell agreement from chance here" in reading
    # An alpha from fewer than ten units is never called reliable, and says why.
    few = [r for r in rows if r["alpha"] is not None and r["n_units"] < 10]
    assert few
    for found in few:
        assert found["reading"] == "not conclusive"
        assert f"too few units (n = {found['n_units']})" in found["reading_note"]


def test_the_summary_shows_n_beside_each_alpha(client, people, demo):
    client.force_login(people["rita"])
    page = client.get(url("review_agreement", slug=demo.slug)).content.decode()
    for found in agreement_rows(demo):
        if found["scope"] == "overall":
            assert f"n = {found['n_units']} units" in page
    stages = stage_judgment_agreement(demo)
    assert f"n = {stages['n_periods']} periods judged by two or more of" in page


def diagnostics_rows(page: str, table: str) -> dict[str, list[str]]:
    body = re.search(rf'<table[^>]*id="{table}">(.*?)</table>', page, re.S)[1]
    found = {}
    for coder, cells in re.findall(r'<tr data-coder="([^"]+)">(.*?)</tr>', body, re.S):
        found[coder] = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", cells)
        ]
    return found


def test_the_page_shows_each_coder_against_the_consensus(client, people, demo):
    client.force_login(people["rita"])
    page = client.get(url("review_agreement", slug=demo.slug)).content.decode()
    shown = diagnostics_rows(page, "against-consensus")
    for line in coders_against_consensus(demo):
        assert shown[line["coder"]] == [
            str(line["n_items"]),
            str(line["n_units"]),
            f"{100 * line['percent_agreement']:.1f}%",
            three(line["cohen_kappa"]),
            str(line["n_unsettled"]),
        ]
    assert sorted(shown) == ["alice", "bob"]  # the demo's two coders
    # Two coders: nobody can be left out.
    assert "leaving a coder out needs at least three coders (here 2)." in page


def test_the_page_shows_alpha_with_each_of_three_coders_left_out(client, db):
    hand = import_bundle(hand_built_bundle())
    cora = Membership.objects.get(project=hand, user__username="cora").user
    for n in range(1, 7):
        values = {"I1": {"C-A": 2}, "I2": {"C-A": 1}, "I5": {"C-B": 1}}.get(f"I{n}", {})
        code_and_submit(Evidence.objects.get(project=hand, key=f"I{n}"), cora, values)
    client.force_login(Membership.objects.get(project=hand, user__username="rita").user)
    page = client.get(url("review_agreement", slug=hand.slug)).content.decode()
    shown = diagnostics_rows(page, "left-out")
    found = leave_one_coder_out(hand)
    assert sorted(shown) == ["carl", "cleo", "cora"]
    for line in found["coders"]:
        app, value = line["application"], line["value"]
        assert shown[line["coder"]] == [
            str(app["n_units"]),
            three(app["alpha"]),
            f"{app['change']:+.3f}",
            str(value["n_units"]),
            three(value["alpha"]),
            f"{value['change']:+.3f}",
        ]
    # Without cora: carl and cleo alone, the hand-computed .6875.
    assert shown["cora"][1] == "0.688"


def test_the_chart_is_valid_svg_and_the_same_bytes_every_time(client, people, demo):
    client.force_login(people["rita"])
    first = client.get(url("review_agreement_chart", slug=demo.slug))
    assert first["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(first.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = first.content.decode()
    assert "AB-T3-TRUST" in text and "D-PRED" in text  # labels stay text (svg.fonttype none)
    cache.clear()  # render the figures afresh, not from the cache
    second = client.get(url("review_agreement_chart", slug=demo.slug))
    assert second.content == first.content


# --- the disagreement queue ----------------------------------------------------------------


def queue_keys(response) -> list[str]:
    table = re.search(
        r'<table class="list queue disagreements">(.*?)</table>', response.content.decode(), re.S
    )
    return re.findall(r"review/item/\d+/[^\"]*\">([^<]+)</a>", table[1]) if table else []


def test_the_queue_lists_the_items_awaiting_adjudication(client, people, demo):
    client.force_login(people["rita"])
    response = client.get(url("review_disagreements", slug=demo.slug))
    assert queue_keys(response) == [
        "KAR-006",
        "KAR-015",
        "KAR-038",
        "KAR-017",
        "KAR-021",
        "KAR-024",
        "KAR-029",
        "KAR-051",
    ]
    page = response.content.decode()
    assert 'id="count-awaiting">8<' in page and 'id="count-decided">19<' in page


def test_the_queue_filters_by_criterion_period_dyad_and_pair(client, people, demo):
    client.force_login(people["rita"])
    base = url("review_disagreements", slug=demo.slug)
    trust = client.get(base + "?criterion=AB-T3-TRUST")
    assert queue_keys(trust) == ["KAR-006", "KAR-015", "KAR-017", "KAR-029", "KAR-051"]
    p2 = Period.objects.get(dyad__project=demo, code="P2")
    # KAR-038, a cumulative 2002–2020 figure, sits in P2 where most of its span falls.
    p2_queue = queue_keys(client.get(base + f"?period={p2.pk}"))
    assert p2_queue == ["KAR-038", "KAR-021", "KAR-024"]
    assert len(queue_keys(client.get(base + "?dyad=TUR-AZE&pair=alice,bob"))) == 8
    decided = client.get(base + "?show=decided&criterion=D4-COMM")
    assert "KAR-004" in queue_keys(decided)
    wrong = client.get(base + "?criterion=NOPE&period=999999")
    assert "the codebook has no criterion NOPE" in wrong.content.decode()
    assert len(queue_keys(wrong)) == 8  # the bad filters are dropped, not applied


def test_queue_links_keep_the_filters(client, people, demo):
    client.force_login(people["rita"])
    page = client.get(url("review_disagreements", slug=demo.slug) + "?criterion=D4-TRADE").content
    item = Evidence.objects.get(project=demo, key="KAR-024")
    assert f"{url('review_item', item.pk, slug=demo.slug)}?criterion=D4-TRADE" in page.decode()


# --- adjudication of one item --------------------------------------------------------------


@pytest.fixture
def disputes(items, people):
    """E2 and E3 double-coded and submitted, each with a disagreement (E2 comes first)."""
    criteria = {c.code: c for c in Criterion.objects.all()}
    Assignment.objects.create(evidence=items["E2"], coder=people["carl"])
    Assignment.objects.create(evidence=items["E3"], coder=people["cleo"])
    for item, coder, values in (
        (items["E2"], people["carl"], {"D-RESP": 1, "AB-T2-TRANS": 2}),
        (items["E2"], people["cleo"], {"AB-T2-TRANS": 2}),
        (items["E3"], people["cleo"], {"AB-T3-TRUST": 1}),
    ):
        for code, value in values.items():
            save_coding(
                evidence=item,
                criterion=criteria[code],
                coder=coder,
                value=value,
                note=f"{coder.username}'s note",
                version=0,
            )
    for item in (items["E2"], items["E3"]):
        for coder in (people["carl"], people["cleo"]):
            submit_assignment(evidence=item, coder=coder)
    return items


def decision(values: dict, rationale="Read the treaty.", versions=None) -> dict:
    data = {"codes": list(values), "rationale": rationale}
    for code, value in values.items():
        if value is not None:
            data[f"value-{code}"] = value
        data[f"version-{code}"] = (versions or {}).get(code, 0)
    return data


def test_the_item_page_shows_each_coders_value_and_note_side_by_side(client, people, disputes):
    client.force_login(people["rita"])
    page = client.get(url("review_item", disputes["E2"].pk)).content.decode()
    assert "The Élysée Treaty." in page
    assert "(Doe 2020, 40–41)" in page
    assert "carl&#x27;s note" in page and "cleo&#x27;s note" in page
    # The disputed criterion comes first, with no value chosen; the agreed one is prefilled.
    assert page.index('id="row-D-RESP"') < page.index('id="row-AB-T2-TRANS"')
    assert 'name="value-D-RESP" value="" checked' not in page
    assert re.search(r'name="value-AB-T2-TRANS" value="2" checked', page)


def test_a_decision_is_recorded_and_the_reviewer_goes_to_the_next_item(client, people, disputes):
    client.force_login(people["rita"])
    response = client.post(
        url("review_item", disputes["E2"].pk) + "?pair=carl,cleo",
        decision({"D-RESP": "", "AB-T2-TRANS": "2"}),
    )
    assert response.status_code == 302
    assert response["Location"] == url("review_item", disputes["E3"].pk) + "?pair=carl%2Ccleo"
    rows = {c.criterion.code: c for c in Consensus.objects.filter(evidence=disputes["E2"])}
    assert rows["D-RESP"].value is None and rows["AB-T2-TRANS"].value == 2
    # TRANS, which both coders gave 2, stays theirs: unanimous, nobody's decision.
    assert (rows["D-RESP"].method, rows["D-RESP"].decided_by) == ("adjudicated", people["rita"])
    assert (rows["AB-T2-TRANS"].method, rows["AB-T2-TRANS"].decided_by) == ("unanimous", None)
    queue = client.get(url("review_disagreements"))
    assert queue_keys(queue) == ["E3"]
    assert "E2: decision recorded. Next: E3." in queue.content.decode()


def test_the_last_decision_returns_to_the_empty_queue(client, people, disputes):
    client.force_login(people["rita"])
    client.post(
        url("review_item", disputes["E2"].pk), decision({"D-RESP": "1", "AB-T2-TRANS": "2"})
    )
    response = client.post(url("review_item", disputes["E3"].pk), decision({"AB-T3-TRUST": "2"}))
    assert response["Location"] == url("review_disagreements")
    assert queue_keys(client.get(url("review_disagreements"))) == []


def test_a_decision_without_a_rationale_is_refused_and_keeps_the_choices(client, people, disputes):
    client.force_login(people["rita"])
    response = client.post(
        url("review_item", disputes["E2"].pk),
        decision({"D-RESP": "0", "AB-T2-TRANS": "2"}, rationale="  "),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "rationale" in page and "required" in page
    assert re.search(r'name="value-D-RESP" value="0" checked', page)
    assert not Consensus.objects.filter(evidence=disputes["E2"]).exists()


def test_a_disputed_criterion_left_undecided_is_refused(client, people, disputes):
    client.force_login(people["rita"])
    data = decision({"D-RESP": None, "AB-T2-TRANS": "2"})
    response = client.post(url("review_item", disputes["E2"].pk), data)
    assert response.status_code == 422
    assert "D-RESP: choose a value" in response.content.decode()
    assert not Consensus.objects.filter(evidence=disputes["E2"]).exists()


def test_a_stale_decision_gets_409_and_writes_nothing(client, people, disputes):
    client.force_login(people["rita"])
    e2 = disputes["E2"]
    adjudicate_item(  # ada decides while rita's page (versions 0) is open
        evidence=e2,
        reviewer=people["ada"],
        values={"D-RESP": 1, "AB-T2-TRANS": 2},
        rationale="Ada first.",
        versions={},
    )
    response = client.post(
        url("review_item", e2.pk),
        decision({"D-RESP": "", "AB-T2-TRANS": "3"}, rationale="Rita's view."),
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "your decision was not recorded" in page
    assert "Rita&#x27;s view." in page  # her text is kept for the second try
    assert set(
        Consensus.objects.filter(evidence=e2).values_list("criterion__code", "value", "rationale")
    ) == {("D-RESP", 1, "Ada first."), ("AB-T2-TRANS", 2, "")}  # TRANS: the coders' own


def test_a_decision_on_codes_that_changed_since_the_page_loaded_gets_409(client, people, disputes):
    client.force_login(people["rita"])
    response = client.post(url("review_item", disputes["E2"].pk), decision({"D-RESP": "1"}))
    assert response.status_code == 409
    assert not Consensus.objects.filter(evidence=disputes["E2"]).exists()


def test_a_decided_item_can_be_revised_from_the_decided_list(client, people, items):
    client.force_login(people["rita"])
    e1 = items["E1"]
    versions = dict(Consensus.objects.filter(evidence=e1).values_list("criterion__code", "version"))
    page = client.get(url("review_item", e1.pk) + "?show=decided").content.decode()
    assert re.search(r'name="value-AB-T2-TRANS" value="2" checked', page)
    assert "Treaty is institutional, not yet broad." in page  # the history of decisions
    response = client.post(
        url("review_item", e1.pk) + "?show=decided",
        decision({"AB-T2-TRANS": "3", "D-RESP": ""}, "Revised.", versions),
    )
    assert response.status_code == 302
    revised = Consensus.objects.get(evidence=e1, criterion__code="AB-T2-TRANS")
    assert (revised.value, revised.rationale) == (3, "Revised.")
    assert revised.history.count() == 2


# --- period overrides ----------------------------------------------------------------------


def override_form(period, criterion="D-RESP", value="1", rationale="An archive.", version="0"):
    return {
        "period": period.pk,
        "criterion": criterion,
        "value": value,
        "rationale": rationale,
        "version": version,
    }


def test_the_overrides_page_lists_each_override_with_its_derived_value(client, people, items):
    client.force_login(people["rita"])
    page = client.get(url("review_overrides")).content.decode()
    row = re.search(r'<tr id="override-\d+"[^>]*>(.*?)</tr>', page, re.S)[1]
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert cells[0].startswith("FRA-DEU · P2")
    assert cells[1].startswith("AB-T3-TRUST")
    assert (cells[2], cells[3], cells[4]) == ("0", "2", "rita")  # derived 0, overridden to 2
    assert cells[6] == "Polls from the 1970s, outside our sources."


def override_cells(page: str, row: PeriodOverride) -> list[str]:
    found = re.search(rf'<tr id="override-{row.pk}"[^>]*>(.*?)</tr>', page, re.S)[1]
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", found, re.S)
    ]


def test_the_overrides_page_derives_each_value_by_the_projects_rule(
    client, people, items, small_project
):
    """Trust carries forward under rule v2 (CODEBOOK §4b.1) and never under v1: on a v2 project
    the page shows what v2 derives for P2 from P1's trust, as the report and the exports do."""
    p1 = Period.objects.get(code="P1")
    set_period_override(
        period=p1,
        criterion=Criterion.objects.get(code="AB-T3-TRUST"),
        reviewer=people["rita"],
        value=3,
        rationale="Trust documented in P1.",
        version=0,
    )
    p2_trust = PeriodOverride.objects.get(period__code="P2", criterion__code="AB-T3-TRUST")
    derived = {
        rule.short_name: {
            (r.code, o.code): o.derived
            for c in classify_dyads(small_project, rule=rule)
            for r in c.results
            for o in r.overrides
        }
        for rule in (RULE_V1, RULE_V2)
    }
    assert derived["v1"][("P2", "AB-T3-TRUST")] == 0
    assert derived["v2"][("P2", "AB-T3-TRUST")] == 3
    client.force_login(people["rita"])
    Project.objects.filter(pk=small_project.pk).update(rule_version="v2")
    page = client.get(url("review_overrides")).content.decode()
    assert override_cells(page, p2_trust)[2:4] == ["3", "2"]  # derived by v2, overridden to 2
    Project.objects.filter(pk=small_project.pk).update(rule_version="v1")
    page = client.get(url("review_overrides")).content.decode()
    assert override_cells(page, p2_trust)[2:4] == ["0", "2"]


def test_a_reviewer_creates_and_then_updates_an_override(client, people, items):
    client.force_login(people["rita"])
    p1 = Period.objects.get(code="P1")
    response = client.post(url("review_overrides"), override_form(p1))
    assert response.status_code == 302
    row = PeriodOverride.objects.get(period=p1)
    assert (row.value, row.decided_by, row.rationale) == (1, people["rita"], "An archive.")
    edit = client.get(url("review_overrides") + f"?edit={row.pk}").content.decode()
    assert f'name="version" value="{row.version}"' in edit
    response = client.post(
        url("review_overrides"),
        override_form(p1, value="2", rationale="Two archives.", version=str(row.version)),
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.value, row.rationale, row.version) == (2, "Two archives.", 2)


def test_a_stale_override_gets_409_and_changes_nothing(client, people, items):
    client.force_login(people["rita"])
    existing = PeriodOverride.objects.get()
    response = client.post(
        url("review_overrides"),
        override_form(existing.period, criterion="AB-T3-TRUST", value="3"),  # version 0
    )
    assert response.status_code == 409
    assert "already has an override for AB-T3-TRUST" in response.content.decode()
    response = client.post(
        url("review_overrides"),
        override_form(existing.period, criterion="AB-T3-TRUST", value="3", version="7"),
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    existing.refresh_from_db()
    assert existing.value == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rationale": "  "}, "rationale"),
        ({"value": "9"}, "not on the scale"),
        ({"value": "x"}, "value: choose a value"),
        ({"criterion": "NOPE"}, "criterion: choose"),
    ],
)
def test_a_bad_override_is_refused_with_a_message(client, people, items, changes, message):
    client.force_login(people["rita"])
    data = {**override_form(Period.objects.get(code="P1")), **changes}
    response = client.post(url("review_overrides"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert PeriodOverride.objects.count() == 1


# --- bounded queries -----------------------------------------------------------------------


def test_every_review_page_runs_a_bounded_number_of_queries(
    client, people, disputes, small_project, django_assert_max_num_queries
):
    e1 = disputes["E1"]
    trans = Criterion.objects.get(code="AB-T2-TRANS")
    for n in range(30):
        item = Evidence.objects.create(
            project=small_project,
            key=f"M{n:02}",
            dyad=e1.dyad,
            period=e1.period,
            date="1950",
            source=e1.source,
            evidence_type="event",
            quote=f"q{n}",
        )
        for coder, value in ((people["carl"], n % 4), (people["cleo"], 1)):
            Assignment.objects.create(evidence=item, coder=coder, status="submitted")
            trans.codings.create(evidence=item, coder=coder, value=value)
    client.force_login(people["rita"])
    # The cached figures cost their project's fingerprint (here its first look, which reads all
    # the project's rows, the cache being emptied before each page) and, with the database
    # cache, reads and writes of the cache table: the figures, the pointer to the newest figures
    # of the page and the list of pages the background recomputation keeps up to date.
    pages = [
        # and the codebook's versions for the filter; its first view also keeps the coder pairs
        # of the filter as figures and its rendered tables
        (url("review_agreement"), 90),
        # and the codebook's versions; its first view keeps the page's figures it is drawn from
        # as well as its own drawing, and the filter's coder pairs
        (url("review_agreement_chart"), 95),
        # The disagreement queues' ids are background figures (as the agreement's), then the
        # page reads its own items; so are the values derived under the overrides.
        (url("review_disagreements"), 65),
        (url("review_item", disputes["E2"].pk), 53),
        (url("review_overrides"), 64),
    ]
    for address, limit in pages:
        cache.clear()
        with django_assert_max_num_queries(limit):
            assert client.get(address).status_code == 200, address
    assert Project.objects.count() == 1


def test_the_item_page_names_the_coders_agreement_unanimous(client, people, items):
    """One name for one thing: the chip of a criterion the coders agreed on and the method of
    the row it keeps once the rest of the item is decided."""
    criteria = {c.code: c for c in Criterion.objects.all()}
    e3 = both_code_e3(items, people, criteria, {"AB-T3-TRUST": 3, "D-RESP": 2})
    adjudicate_item(
        evidence=e3,
        reviewer=people["rita"],
        values={"AB-T3-TRUST": 3, "D-RESP": 1},
        rationale="Weak at most.",
        versions={},
    )
    client.force_login(people["rita"])
    page = client.get(url("review_item", e3.pk)).content.decode()
    row = page[page.index('id="row-AB-T3-TRUST"') :]
    row = row[: row.index("</tr>")]
    assert '<span class="chip">unanimous</span>' in row
    assert "unanimous," in row and " by rita" not in row
    assert ">agreed<" not in page
