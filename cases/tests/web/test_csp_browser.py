"""Every page loads under the strict Content-Security-Policy without a single console error
(a blocked inline script or style shows up as one)."""

import pytest

from cases.models import Evidence
from cases.tests.browser import sign_in
from cases.tests.conftest import PASSWORD, set_passwords

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pages(item_pk: int) -> list[str]:
    project = "/p/small"
    return [
        "/",
        f"{project}/",
        f"{project}/evidence/",
        f"{project}/evidence/{item_pk}/",
        f"{project}/evidence/new/",
        f"{project}/evidence/{item_pk}/edit/",
        f"{project}/sources/",
        f"{project}/sources/new/",
        f"{project}/sources/import/",
        f"{project}/codebook/",
        f"{project}/reports/",
        f"{project}/reports/FRA-DEU/",
        f"{project}/review/agreement/",
        f"{project}/review/disagreements/",
        f"{project}/review/item/{item_pk}/",
        f"{project}/review/overrides/",
        f"{project}/exports/",
        f"{project}/assignments/",
        "/admin/",
        "/admin/cases/evidence/",
        f"/admin/cases/evidence/{item_pk}/change/",
        f"/admin/cases/evidence/{item_pk}/history/",
        "/admin/cases/coding/",
        "/api/docs/",
    ]


def test_an_admin_walks_every_kind_of_page_without_a_console_error(page, small_project, people):
    ada = people["ada"]
    ada.is_staff = ada.is_superuser = True
    ada.save()
    set_passwords(["ada"])
    sign_in(page, "ada", PASSWORD)
    item = Evidence.objects.get(key="E1")
    for path in pages(item.pk):
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert page.console_watcher.errors == [], path


def test_a_coder_s_pages_load_without_a_console_error(page, small_project, people):
    set_passwords(["carl"])
    sign_in(page, "carl", PASSWORD)
    item = Evidence.objects.get(key="E3")
    for path in ["/p/small/queue/", f"/p/small/code/{item.pk}/", "/p/small/judgments/"]:
        assert page.goto(path).status == 200, path
        page.wait_for_load_state("networkidle")
