"""The API answers in the language its request asks for (Accept-Language): its own error texts
from our catalogue, Django REST framework's from its own; English otherwise."""

import pytest
from django.test import Client

from cases.models import Evidence

pytestmark = pytest.mark.django_db


def patch_without_version(people, **headers):
    client = Client()
    client.force_login(people["rita"])
    item = Evidence.objects.get(key="E1")
    return client.patch(
        f"/api/projects/small/evidence/{item.pk}/",
        {"summary": "changed"},
        content_type="application/json",
        **headers,
    )


def test_our_error_texts_follow_accept_language(people):
    english = patch_without_version(people)
    assert english.status_code == 400
    assert english.json()["version"][0].startswith("Send the version you last read")

    turkish = patch_without_version(people, HTTP_ACCEPT_LANGUAGE="tr-TR,tr;q=0.9")
    assert turkish.status_code == 400
    assert turkish["Content-Language"] == "tr"
    assert turkish.json()["version"][0].startswith("Son okuduğunuz sürümü")
    assert Evidence.objects.get(key="E1").summary != "changed"


def test_the_frameworks_own_texts_follow_it_too(db):
    english = Client().get("/api/projects/", HTTP_ACCEPT_LANGUAGE="en")
    turkish = Client().get("/api/projects/", HTTP_ACCEPT_LANGUAGE="tr")
    assert english.status_code == turkish.status_code == 401
    assert english.json()["detail"] == "Authentication credentials were not provided."
    assert turkish.json()["detail"] != english.json()["detail"]
    assert turkish["Content-Language"] == "tr"


def test_a_dyad_the_project_lacks_is_named_in_the_requests_language(people):
    client = Client()
    client.force_login(people["ada"])
    english = client.get("/api/projects/small/reports/ITA-ESP/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 404
    assert english.json() == {"detail": 'project "small" has no dyad "ITA-ESP"'}
    turkish = client.get("/api/projects/small/reports/ITA-ESP/", HTTP_ACCEPT_LANGUAGE="tr")
    assert turkish.status_code == 404
    assert turkish.json() == {"detail": '"small" projesinde "ITA-ESP" ikilisi yok'}
