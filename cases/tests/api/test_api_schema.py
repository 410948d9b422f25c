"""The OpenAPI schema validates without warnings and documents every error an operation may
give; Swagger UI is served from local static files only, without inline script or style."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.test import APIClient

from cases.tests.browser import ARTEFACTS, sign_in
from cases.tests.conftest import PASSWORD, set_passwords

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker) -> dict:
    # The anonymous caller's throttle count lives in the cache, a table of the test database.
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert target.read_text().startswith("openapi: 3.0.3")


def test_the_schema_is_served_to_anyone_as_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "sccoder API"


def test_every_resource_of_the_api_is_in_the_schema(schema):
    nested = [p for p in schema["paths"] if p.startswith("/api/projects/{slug}/")]
    resources = {p.split("/")[4] for p in nested} - {""}
    assert resources == {
        "memos",
        "notifications",
        "members",
        "codebook",
        "criteria",
        "dyads",
        "periods",
        "sources",
        "evidence",
        "assignments",
        "codings",
        "consensus",
        "period-overrides",
        "stage-judgments",
        "agreement",
        "reports",
    }


def test_every_operation_documents_its_errors(schema):
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        assert {"400", "401", "403", "404", "429"} <= codes, (method, path)
        if method != "get":
            assert {"409", "412"} <= codes, (method, path)
        for code in codes - {"200", "201", "204"}:
            content = operation["responses"][code]["content"]
            assert list(content) == ["application/json"], (method, path, code)


def test_every_list_is_paginated(schema):
    for path, method, operation in operations(schema):
        if method != "get" or path.endswith(("}/", "codebook/", "document/", "download/")):
            continue
        names = {p["name"] for p in operation.get("parameters", [])}
        assert {"page", "page_size"} <= names, path


def test_the_evidence_filters_are_documented(schema):
    parameters = schema["paths"]["/api/projects/{slug}/evidence/"]["get"]["parameters"]
    names = {p["name"] for p in parameters}
    assert {"dyad", "period", "date_from", "date_to", "evidence_type", "source", "q"} <= names
    assert {"ordering", "page", "page_size"} <= names


def test_token_and_session_authentication_are_documented(schema):
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}


def test_swagger_ui_is_served_from_local_static_files_only(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<style" not in page
    assert "style=" not in page
    assert "http://" not in page and "https://" not in page and "//cdn" not in page
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    static = [u for u in urls if u.startswith("/static/")]
    assert len(static) == 4  # favicon, stylesheet, bundle, preset
    for url in static:
        assert finders.find(url.removeprefix("/static/")), url
    assert set(urls) - set(static) == {"/api/docs/?script="}


def test_swagger_uis_start_up_script_points_at_the_local_schema(client):
    response = client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert '"/api/schema/"' in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_runs_a_call_with_the_browser_session(page, small_project):
    set_passwords(["rita"])
    sign_in(page, "rita", PASSWORD)
    page.goto("/api/docs/")
    page.locator("#operations-tag-evidence").wait_for()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "api_docs_top.png"))
    operation = page.locator("#operations-evidence-projects_evidence_list")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("input[placeholder='slug']").fill("small")
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    assert '"key": "E1"' in operation.locator(".live-responses-table").inner_text()
    operation.screenshot(path=str(ARTEFACTS / "api_docs_evidence_call.png"))


def test_the_api_root_points_to_the_projects_the_schema_and_the_docs(client):
    body = client.get("/api/").json()
    assert body["projects"].endswith("/api/projects/")
    assert body["schema"].endswith("/api/schema/")
    assert body["docs"].endswith("/api/docs/")


def test_an_unknown_api_url_is_a_json_404(client):
    for url in ("/api/nothing/", "/api/projects/small/evidence/-1/", "/api/projects/a b/"):
        response = client.post(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found."}
