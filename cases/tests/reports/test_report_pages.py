"""The dyad report (page, JSON, chart) and the comparison across dyads, for every persona.

What each may see (conftest.py): every member reads reports; ada (admin) and rita (reviewer) also
see who judged what and why; otto (observer) sees no coder's verdict, not even counted; carl and
cleo (coders) see nothing of anyone's stage judgments or agreement; olaf (outsider) gets a 404.
"""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from cases.bundles import import_bundle
from cases.models import Membership, Project
from cases.reports.build import build_report
from cases.tests.bundle_factory import small_bundle
from cases.web.views import report as report_views

CARL_REASONS = "Carl thinks the Élysée treaty settled it for good"
MEMBERS = ["ada", "rita", "carl", "cleo", "otto"]


def report_bundle(extra_items: int = 0) -> dict:
    """The small project, with a contrary item in P1, distinctive stage-judgment reasons, a
    second dyad with other period spans, and optionally many more coded items."""
    doc = small_bundle()
    doc["stage_judgments"][0]["rationale"] = CARL_REASONS
    doc["stage_judgments"].append(
        {
            "dyad": "FRA-DEU",
            "period": "P2",
            "coder": "cleo",
            "stage": "ascendant",
            "coupling": None,
            "rationale": "Cleo weighs the 1970s polls",
        }
    )
    doc["evidence"].append(
        {
            "key": "E4",
            "dyad": "FRA-DEU",
            "date": "1955",
            "source": "doe2020",
            "locator": "77",
            "footnote": "",
            "evidence_type": "event",
            "quote": "Trade between the two collapsed for a while.",
            "summary": "A trade slump.",
        }
    )
    doc["consensus"].append(
        {"evidence": "E4", "values": {"AB-T2-TRANS": 0}, "decided_by": "rita", "rationale": "x"}
    )
    doc["dyads"].append(
        {
            "code": "GBR-IRL",
            "state_a": "GBR",
            "state_b": "IRL",
            "name": "Britain–Ireland",
            "periods": [
                {"code": "P1", "label": "", "start_year": 1945, "end_year": 1997},
                {"code": "P2", "label": "Good Friday", "start_year": 1998, "end_year": None},
            ],
        }
    )
    for n in range(extra_items):
        key = f"X{n:03d}"
        doc["evidence"].append(
            {
                "key": key,
                "dyad": "FRA-DEU",
                "date": str(1950 + n % 30),
                "source": "doe2020",
                "locator": str(100 + n),
                "footnote": "",
                "evidence_type": "author_assessment" if n % 3 == 0 else "event",
                "quote": f"Quote {n}.",
                "summary": "",
            }
        )
        values = {"AB-T2-TRANS": n % 4, "AB-T3-TRUST": (n + 1) % 4}
        for coder in ("carl", "cleo"):
            doc["codings"].append(
                {"evidence": key, "coder": coder, "submitted": True, "values": values, "notes": {}}
            )
    return doc


@pytest.fixture
def project(db):
    project = import_bundle(report_bundle())
    get_user_model().objects.create_user("olaf", password="x")
    return project


@pytest.fixture
def client_for(client, project):
    def sign_in(username):
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return sign_in


def urls(code="FRA-DEU"):
    base = "/p/small/reports/"
    return [base, f"{base}{code}/", f"{base}{code}/stages.svg", f"{base}{code}/report.json"]


def member(username):
    return Membership.objects.get(user__username=username, project__slug="small")


def cell_section(html: str, anchor: str) -> str:
    match = re.search(rf'<section class="cell-detail" id="{anchor}".*?</section>', html, re.S)
    assert match, f"no evidence section {anchor}"
    return match.group(0)


# --- who may open what ------------------------------------------------------------------------


@pytest.mark.parametrize("username", MEMBERS)
def test_every_member_opens_the_report_its_json_its_chart_and_the_comparison(client_for, username):
    client = client_for(username)
    for url in urls():
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(urls()[1]).content.decode()
    assert "France–Germany" in page
    assert "1945–1962: none — no security-community dynamic yet" in page


def test_an_outsider_gets_a_404_on_every_report_url(client_for):
    client = client_for("olaf")
    for url in [*urls(), *urls("DEU-FRA"), *urls("XXX-YYY")]:
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_sign_in(client, project):
    for url in urls():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_dyad_is_a_404_for_members(client_for):
    client = client_for("rita")
    for url in urls("ESP-PRT")[1:]:
        assert client.get(url).status_code == 404, url


def test_the_dyad_code_may_be_given_in_either_order(client_for):
    client = client_for("otto")
    one = json.loads(client.get("/p/small/reports/FRA-DEU/report.json").content)
    other = json.loads(client.get("/p/small/reports/DEU-FRA/report.json").content)
    assert one == other
    assert one["dyad"]["code"] == "FRA-DEU"
    assert client.get("/p/small/reports/deu-fra/").status_code == 200


def test_the_report_accepts_only_reading(client_for):
    client = client_for("ada")
    for url in urls():
        assert client.post(url).status_code == 405, url


# --- coders never see other coders' work --------------------------------------------------------


@pytest.mark.parametrize("username", ["carl", "cleo"])
def test_coders_see_no_notes_no_stage_judgments_and_no_agreement(client_for, username):
    client = client_for(username)
    other = "cleo" if username == "carl" else "carl"
    page = client.get("/p/small/reports/FRA-DEU/").content.decode()
    data = json.loads(client.get("/p/small/reports/FRA-DEU/report.json").content)
    for text in (page, json.dumps(data, ensure_ascii=False)):
        assert "only elites" not in text  # carl's coding note
        assert CARL_REASONS not in text
        assert "Cleo weighs" not in text
        assert other not in text
        assert "tightly" not in text  # carl's verdict on P2, and nobody else's
    assert data["stage_judgments"] is None
    assert data["agreement"] is None
    assert 'id="judgments"' not in page and 'id="agreement"' not in page


def test_for_coders_the_report_reads_no_stage_judgment_and_no_note(project):
    with CaptureQueriesContext(connection) as queries:
        build_report(project, "FRA-DEU", member("carl"))
    sql = " ".join(q["sql"].lower() for q in queries.captured_queries)
    assert "cases_stagejudgment" not in sql
    assert '"cases_coding"."note"' not in sql
    assert '"cases_coding"."value"' in sql  # the consensus is derived from submitted codes


def test_observers_see_neither_the_coders_verdicts_nor_agreement_figures(client_for):
    client = client_for("otto")
    page = client.get("/p/small/reports/FRA-DEU/").content.decode()
    data = json.loads(client.get("/p/small/reports/FRA-DEU/report.json").content)
    assert data["audience"] == "consensus"
    for text in (page, json.dumps(data, ensure_ascii=False)):
        assert CARL_REASONS not in text and "Cleo weighs" not in text
        assert "carl" not in text and "cleo" not in text
        assert "only elites" not in text
        assert "ascendant: 1" not in text and "judged it" not in text


@pytest.mark.parametrize("username", ["ada", "rita"])
def test_reviewers_and_admins_see_who_judged_what_and_why(client_for, username):
    client = client_for(username)
    page = client.get("/p/small/reports/FRA-DEU/").content.decode()
    assert CARL_REASONS in page and "Cleo weighs the 1970s polls" in page
    data = json.loads(client.get("/p/small/reports/FRA-DEU/report.json").content)
    judged = data["stage_judgments"]["periods"][1]["judgments"]
    assert [(j["coder"], j["stage"], j["coupling"]) for j in judged] == [
        ("carl", "mature", "tightly"),
        ("cleo", "ascendant", None),
    ]
    assert data["agreement"] and "only elites" not in page


def test_the_agreement_table_gives_n_and_never_calls_a_few_units_reliable(client_for):
    client = client_for("rita")
    page = client.get("/p/small/reports/FRA-DEU/").content.decode()
    data = json.loads(client.get("/p/small/reports/FRA-DEU/report.json").content)
    section = page[page.index('id="agreement"') : page.index('id="evidence"')]
    overall = next(row for row in data["agreement"] if row["scope"] == "overall")
    shown = re.search(r'<th scope="row">All criteria</th>(.*?)</tr>', section, re.S)[1]
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", shown, re.S)
    ]
    assert cells[0] == str(overall["application"]["n_units"])
    assert cells[5] == str(overall["value"]["n_units"])
    assert overall["application"]["reading"] == "not conclusive"  # alpha .444 from 3 units
    for row in data["agreement"]:
        for measure in ("application", "value"):
            figures = row[measure]
            if figures["alpha"] is not None and figures["n_units"] < 10:
                assert figures["reading"] == "not conclusive"
                assert f"too few units (n = {figures['n_units']})" in figures["reading_note"]
            if figures["reading_note"]:
                assert escape(figures["reading_note"]) in section


# --- what the report shows ----------------------------------------------------------------------


def test_a_grid_cell_links_to_the_items_that_set_it_with_quote_page_and_footnote(client_for):
    page = client_for("cleo").get("/p/small/reports/FRA-DEU/").content.decode()
    assert 'href="#cell-P1-AB-T2-TRANS"' in page
    section = cell_section(page, "cell-P1-AB-T2-TRANS")
    assert "The coal and steel treaty." in section
    assert "(Doe 2020, 12), fn. 3" in section
    assert 'href="#ev-E1"' in section
    # E4's contrary 0 is listed as a lower code, not as what set the value.
    assert "Trade between the two collapsed for a while." in section.split("coding it lower")[1]


def test_carried_values_overrides_and_contested_cells_are_marked(client_for):
    page = client_for("otto").get("/p/small/reports/FRA-DEU/").content.decode()
    carried = cell_section(page, "cell-P2-AB-T2-TRANS")
    assert "Carried forward from P1" in carried and "The coal and steel treaty." in carried
    override = cell_section(page, "cell-P2-AB-T3-TRUST")
    assert "⚑ Set to 2 by a reviewer's override" in override
    assert "Polls from the 1970s, outside our sources." in override
    contested = cell_section(page, "cell-P1-AB-T2-TRANS")
    assert "⚠ Contested" in contested
    assert re.search(r'<td class="cell v2 contested">\s*<a href="#cell-P1-AB-T2-TRANS"', page)
    assert "Override in P2: AB-T3-TRUST set to 2 instead of 0 by rita" in page


def test_the_json_is_the_report_built_for_the_viewer(client_for, project):
    for username in ("carl", "otto", "rita"):
        served = json.loads(
            client_for(username).get("/p/small/reports/DEU-FRA/report.json").content
        )
        built = json.loads(json.dumps(build_report(project, "FRA-DEU", member(username))))
        # The report, and one key beside it: whether its figures are current (they are: no
        # write since they were computed), with no time (it would tell when others wrote).
        assert served.pop("figures") == {"current": True, "computed_at": None}
        assert served == built
    assert served["audience"] == "full" and served["rule"] == "sccoder-v1"


def test_the_report_data_traces_every_value_to_evidence_and_numbers_the_citations(project):
    data = build_report(project, "FRA-DEU", member("otto"))
    periods = {p["code"]: p for p in data["periods"]}
    assert periods["P1"]["contested"] == ["AB-T2-TRANS"]
    assert periods["P2"]["carried"] == {"AB-T2-TRANS": "P1"}
    assert periods["P2"]["overrides"] == [
        {
            "criterion": "AB-T3-TRUST",
            "value": 2,
            "derived": 0,
            "rationale": "Polls from the 1970s, outside our sources.",
            "decided_by": "rita",
        }
    ]
    entries = {e["key"]: e for e in data["evidence"]}
    assert [e["number"] for e in data["evidence"]] == [1, 2, 3, 4]
    assert entries["E1"]["citation"] == "(Doe 2020, 12)"
    assert entries["E2"]["citation"] == "(Doe 2020, 40–41)"
    assert entries["E1"]["values"] == {"AB-T2-TRANS": 2}
    assert [b["key"] for b in data["bibliography"]] == ["doe2020"]
    assert data["bibliography"][0]["text"].startswith("Doe, J")


# --- the chart and the comparison ---------------------------------------------------------------


def test_the_stage_chart_is_svg_and_the_same_bytes_each_time(client_for):
    client = client_for("carl")
    first = client.get("/p/small/reports/FRA-DEU/stages.svg")
    assert first["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(first.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert b"nascent" in first.content and b"P2" in first.content
    assert client.get("/p/small/reports/DEU-FRA/stages.svg").content == first.content


def test_the_comparison_has_a_row_per_dyad_and_a_column_per_period_span(client_for):
    page = client_for("cleo").get("/p/small/reports/").content.decode()
    headers = re.findall(r'<th scope="col">([^<]*)</th>', page)
    assert headers == ["Dyad", "1945–1962", "1945–1997", "1963–", "1998–"]
    rows = re.findall(r'<tr>\s*<th scope="row"><a href="([^"]+)">([^<]+)</a>', page)
    assert rows == [
        ("/p/small/reports/FRA-DEU/", "France–Germany"),
        ("/p/small/reports/GBR-IRL/", "Britain–Ireland"),
    ]
    france = page.split("France–Germany</a>")[1].split("</tr>")[0]
    cells = re.findall(r'<td class="verdict ([^"]+)">', france)
    assert cells == ["stage-none", "empty-cell", "stage-none", "empty-cell"]
    assert 'href="/p/small/reports/FRA-DEU/#period-P2"' in france


def test_the_comparison_keeps_its_columns_across_pages(client_for, monkeypatch):
    monkeypatch.setattr(report_views, "DYADS_PER_PAGE", 1)
    client = client_for("otto")
    first = client.get("/p/small/reports/").content.decode()
    second = client.get("/p/small/reports/?page=2").content.decode()
    header = re.compile(r'<th scope="col">([^<]*)</th>')
    assert header.findall(first) == header.findall(second)
    assert "France–Germany" in first and "France–Germany" not in second
    assert "Britain–Ireland" in second


def test_paging_the_comparison_keeps_the_rule_it_is_read_under(client_for, monkeypatch):
    monkeypatch.setattr(report_views, "DYADS_PER_PAGE", 1)
    client = client_for("otto")
    first = client.get("/p/small/reports/?rule=v1").content.decode()
    assert 'href="?rule=v1&amp;page=2" rel="next"' in first
    second = client.get("/p/small/reports/?rule=v1&page=2").content.decode()
    assert 'href="?rule=v1&amp;page=1" rel="prev"' in second


# --- bounded queries ----------------------------------------------------------------------------


def query_counts(client, slug="small"):
    counts = {}
    for url in urls():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url.replace("small", slug)).status_code == 200
        counts[url] = len(queries)
    return counts


def test_the_report_pages_take_as_many_queries_for_sixty_items_as_for_four(
    client_for, django_assert_max_num_queries
):
    small = query_counts(client_for("rita"))
    doc = report_bundle(extra_items=60)
    doc["project"]["slug"] = "bigger"
    bigger = import_bundle(doc)
    Membership.objects.filter(project=bigger, user__username="rita").get()
    client = client_for("rita")
    large = query_counts(client, slug="bigger")
    assert list(large.values()) == list(small.values())
    with django_assert_max_num_queries(30):
        client.get("/p/bigger/reports/FRA-DEU/")
    assert Project.objects.count() == 2
