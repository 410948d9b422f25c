"""The licence of a project's data: chosen by its admins (Django admin, API), carried by the
bundle, CC BY 4.0 unless chosen otherwise."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from cases.bundles import BundleError, export_bundle, import_bundle
from cases.models import Project
from cases.tests.admin_walk import form_data, staff_user
from cases.tests.bundle_factory import small_bundle

pytestmark = pytest.mark.django_db
PROJECT = "/api/projects/small/"


def test_a_project_offers_its_data_under_cc_by_4_unless_its_admins_choose(small_project):
    assert small_project.data_licence == "CC-BY-4.0"
    assert small_project.licence.url == "https://creativecommons.org/licenses/by/4.0/"


def test_the_database_refuses_a_licence_sccoder_does_not_offer(small_project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=small_project.pk).update(data_licence="MIT")


def test_an_admin_chooses_the_licence_through_the_api(small_project, people):
    client = APIClient()
    client.force_login(people["ada"])
    assert client.get(PROJECT).json()["data_licence"] == "CC-BY-4.0"
    bad = client.patch(PROJECT, {"data_licence": "MIT"}, format="json")
    assert bad.status_code == 400 and "data_licence" in bad.json()
    good = client.patch(PROJECT, {"data_licence": "CC0-1.0"}, format="json")
    assert (good.status_code, good.json()["data_licence"]) == (200, "CC0-1.0")
    small_project.refresh_from_db()
    assert small_project.data_licence == "CC0-1.0"


@pytest.mark.parametrize("username", ["rita", "carl", "otto"])
def test_no_one_else_changes_the_licence(small_project, people, username):
    client = APIClient()
    client.force_login(people[username])
    response = client.patch(PROJECT, {"data_licence": "CC0-1.0"}, format="json")
    assert response.status_code == 403
    small_project.refresh_from_db()
    assert small_project.data_licence == "CC-BY-4.0"


def test_an_admin_chooses_the_licence_in_the_django_admin(small_project):
    stan = staff_user("stan", admin_of=small_project)
    client = Client()
    client.force_login(stan)
    url = reverse("admin:cases_project_change", args=[small_project.pk])
    page = client.get(url).content.decode()
    assert 'name="data_licence"' in page and "ODbL-1.0: Open Data Commons" in page
    data = form_data(page)
    data["data_licence"] = ["ODbL-1.0"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    small_project.refresh_from_db()
    assert small_project.data_licence == "ODbL-1.0"


def test_the_bundle_carries_a_chosen_licence_and_leaves_out_the_default(small_project):
    assert "data_licence" not in export_bundle(small_project)["project"]
    small_project.data_licence = "CC-BY-SA-4.0"
    small_project.save()
    doc = export_bundle(small_project)
    assert doc["project"]["data_licence"] == "CC-BY-SA-4.0"
    doc["project"]["slug"] = "copy"
    assert import_bundle(doc).data_licence == "CC-BY-SA-4.0"


def test_a_bundle_without_a_licence_imports_with_the_default(db):
    assert import_bundle(small_bundle()).data_licence == "CC-BY-4.0"


@pytest.mark.parametrize("licence", ["MIT", ["CC0-1.0"], 4])
def test_a_bundle_with_an_unknown_licence_is_refused(db, licence):
    doc = small_bundle()
    doc["project"]["data_licence"] = licence
    with pytest.raises(BundleError, match=r"data_licence .* is not one sccoder offers"):
        import_bundle(doc)
    assert not Project.objects.exists()
