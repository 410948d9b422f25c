"""Property-based tests of the API against its own OpenAPI schema (schemathesis, in-process).

For every persona (admin, reviewer, coder, observer, outsider, nobody signed in), schemathesis
generates requests for every GET operation from the schema itself, valid and invalid alike, and
for every write as an admin, a coder and an observer; it checks each answer: never a 5xx, and a
status code, content type, headers and body the schema documents. A few examples per operation
keep it quick.

The calls run inside the test's transaction. Django closes "old" database connections at the
start and end of every request; on PostgreSQL that would close the test's own connection in the
middle of its transaction, so those two signal handlers are disconnected during the calls, as
Django's own test client does.
"""

import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Criterion,
    Dyad,
    Evidence,
    Membership,
    Period,
    PeriodOverride,
    Source,
    StageJudgment,
)
from sccoder.wsgi import application

pytestmark = pytest.mark.django_db

PERSONAS = ["ada", "rita", "carl", "otto", "olaf", None]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
WRITES = ["POST", "PUT", "PATCH", "DELETE"]
# SCCODER_FUZZ_EXAMPLES=200 for a deeper hunt; a few examples keep the suite quick.
QUICK = hypothesis_settings(
    max_examples=int(os.environ.get("SCCODER_FUZZ_EXAMPLES", "5")),
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def connections_kept_open():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(small_project, connections_kept_open, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SCCODER_API_USER_RATE = "100000/hour"
    settings.SCCODER_API_ANON_RATE = "100000/hour"
    cache.clear()
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def records(small_project, people) -> dict[str, list[int]]:
    """Ids of existing rows, so that generated ids hit real records as well as missing ones."""
    tables = {
        "members": Membership,
        "criteria": Criterion,
        "dyads": Dyad,
        "periods": Period,
        "sources": Source,
        "evidence": Evidence,
        "assignments": Assignment,
        "codings": Coding,
        "consensus": Consensus,
        "stage-judgments": StageJudgment,
        "period-overrides": PeriodOverride,
    }
    return {
        name: list(model.objects.values_list("pk", flat=True)) for name, model in tables.items()
    }


@pytest.fixture
def auth(people) -> dict:
    tokens = {name: Token.objects.create(user=people[name]).key for name in PERSONAS if name}
    return {name: {"Authorization": f"Token {key}"} for name, key in tokens.items()} | {None: {}}


def aim(case, records) -> None:
    """Even ids are mapped onto existing rows, so that calls reach real records as well as
    missing ones; a report is asked of the project's dyad now and then."""
    parameters = case.path_parameters or {}
    if parameters.get("code", "").isdigit():
        parameters["code"] = "FRA-DEU"
    if isinstance(parameters.get("id"), int) and parameters["id"] % 2 == 0:
        known = records.get(case.path.split("/")[4])
        if known:
            parameters["id"] = known[parameters["id"] // 2 % len(known)]


def fuzz(schema, headers: dict, records) -> list[str]:
    """Run every operation of ``schema`` a few times, valid and invalid data alike; return
    the failures (empty when every answer was as documented)."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        cases = st.one_of(
            operation.as_strategy(mode, path_parameters={"slug": "small"})
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        )

        @given(cases)
        @QUICK
        def run(case):
            aim(case, records)
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # every failure is collected, and all are shown at the end
            failures.append(f"{operation.label}: {exc}")
    return failures


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda name: name or "anonymous")
def test_every_read_answers_as_documented(api_schema, auth, records, persona):
    failures = fuzz(api_schema.include(method="GET"), auth[persona], records)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("persona", ["ada", "carl", "otto"])
def test_writes_answer_as_documented(api_schema, auth, records, persona):
    failures = fuzz(api_schema.include(method=WRITES), auth[persona], records)
    assert not failures, "\n\n".join(failures)
