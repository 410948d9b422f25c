"""Two clients write the same version of a record at the same moment: exactly one wins.

Each race runs against a live server with two HTTP sessions in two threads released together by
a barrier, both sending the version they read. The winner gets 200, the other a 409 (the API's
JSON refusal, or the coding page's row with its message), and the database holds the winner's
value at the next version: no write is lost silently. Each race is run several times.
"""

import re
import threading

import pytest
import requests
from django.db import connection
from rest_framework.authtoken.models import Token

from cases.models import Coding, Consensus, Evidence, PeriodOverride
from cases.tests.conftest import PASSWORD, set_passwords

ROUNDS = 5

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # In-memory SQLite (shared cache) answers truly simultaneous writes with "database table is
    # locked"; PostgreSQL is where the row-level compare-and-set is really exercised.
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writes need a server database (CI runs these on PostgreSQL)",
    ),
]


def race(*calls):
    """Run the calls in threads released at the same instant; return their responses in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def api_session(user) -> requests.Session:
    session = requests.Session()
    token, _ = Token.objects.get_or_create(user=user)
    session.headers["Authorization"] = f"Token {token.key}"
    return session


def one_wins(responses, values) -> object:
    """Exactly one 200 and one 409; returns the winner's value."""
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 409], [(r.status_code, r.text[:200]) for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert "version" in loser.text
    return values[[r.status_code for r in responses].index(200)]


def api_race(live_server, people, path, names, bodies, current):
    """Race two PATCHes of ``path``; ``current()`` reads (value, version) from the database."""
    sessions = [api_session(people[name]) for name in names]
    url = live_server.url + "/api/projects/small/" + path
    for round_ in range(ROUNDS):
        _, version = current()
        payloads = [body(round_) | {"version": version} for body in bodies]
        responses = race(
            *[
                lambda s=s, p=p: s.patch(url, json=p, timeout=30)
                for s, p in zip(sessions, payloads, strict=True)
            ]
        )
        winner = one_wins(responses, payloads)
        assert current() == (winner_value(winner), version + 1)


def winner_value(payload: dict):
    return payload.get("value", payload.get("summary"))


def test_two_coders_sessions_saving_one_coding_at_once(live_server, small_project, people):
    coding = Coding.objects.get(coder=people["carl"], evidence__key="E3")

    def current():
        coding.refresh_from_db()
        return coding.value, coding.version

    # Carl from two devices, both with the version he last read.
    api_race(
        live_server,
        people,
        f"codings/{coding.pk}/",
        ["carl", "carl"],
        [lambda r: {"value": 0}, lambda r: {"value": 1 + r % 3}],
        current,
    )


def test_two_reviewers_deciding_one_consensus_at_once(live_server, small_project, people):
    row = Consensus.objects.get(evidence__key="E1", criterion__code="AB-T2-TRANS")

    def current():
        row.refresh_from_db()
        return row.value, row.version

    api_race(
        live_server,
        people,
        f"consensus/{row.pk}/",
        ["ada", "rita"],
        [
            lambda r: {"value": 1, "rationale": f"ada {r}"},
            lambda r: {"value": 3, "rationale": f"rita {r}"},
        ],
        current,
    )


def test_two_reviewers_overriding_one_period_value_at_once(live_server, small_project, people):
    row = PeriodOverride.objects.get(period__code="P2", criterion__code="AB-T3-TRUST")

    def current():
        row.refresh_from_db()
        return row.value, row.version

    api_race(
        live_server,
        people,
        f"period-overrides/{row.pk}/",
        ["rita", "ada"],
        [
            lambda r: {"value": 1, "rationale": f"rita {r}"},
            lambda r: {"value": 3, "rationale": f"ada {r}"},
        ],
        current,
    )


def test_two_coders_editing_one_evidence_item_at_once(live_server, small_project, people):
    item = Evidence.objects.get(key="E2")

    def current():
        item.refresh_from_db()
        return item.summary, item.version

    api_race(
        live_server,
        people,
        f"evidence/{item.pk}/",
        ["carl", "cleo"],
        [lambda r: {"summary": f"carl {r}"}, lambda r: {"summary": f"cleo {r}"}],
        current,
    )


def signed_in(live_server, username) -> requests.Session:
    session = requests.Session()
    page = session.get(live_server.url + "/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = session.post(
        live_server.url + "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": live_server.url + "/accounts/login/"},
        timeout=30,
    )
    assert done.url.rstrip("/") == live_server.url, "sign-in failed"
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    session.headers["HX-Request"] = "true"
    return session


def test_the_coding_page_refuses_the_second_of_two_simultaneous_saves(
    live_server, small_project, people
):
    set_passwords(["carl"])
    coding = Coding.objects.get(coder=people["carl"], evidence__key="E3")
    item = coding.evidence
    url = f"{live_server.url}/p/small/code/{item.pk}/c/AB-T3-TRUST/"
    tabs = [signed_in(live_server, "carl"), signed_in(live_server, "carl")]
    for round_ in range(ROUNDS):
        coding.refresh_from_db()
        version = coding.version
        forms = [
            {"value": "0", "note": f"tab one {round_}", "version": str(version)},
            {"value": "2", "note": f"tab two {round_}", "version": str(version)},
        ]
        responses = race(
            *[
                lambda t=t, f=f: t.post(url, data=f, headers={"Referer": url}, timeout=30)
                for t, f in zip(tabs, forms, strict=True)
            ]
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 409], [(r.status_code, r.text[:300]) for r in responses]
        winner = forms[[r.status_code for r in responses].index(200)]
        loser = next(r for r in responses if r.status_code == 409)
        assert "changed" in loser.text.lower() or "version" in loser.text.lower(), loser.text
        coding.refresh_from_db()
        assert (coding.value, coding.note, coding.version) == (
            int(winner["value"]),
            winner["note"],
            version + 1,
        )
