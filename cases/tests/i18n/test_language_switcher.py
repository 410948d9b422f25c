"""The language switcher: English by default, the reader's choice remembered in the language
cookie, the page's lang attribute and its words following it."""

import pytest
from django.conf import settings


def test_the_default_language_is_english(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert 'name="language"' in page and 'value="tr"' in page
    assert ">Sign in</h1>" in page


def test_choosing_turkish_sets_the_cookie_and_the_next_page_speaks_turkish(client, db):
    response = client.post("/i18n/setlang/", {"language": "tr", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "tr"
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="tr">' in page
    assert ">Oturum aç</h1>" in page
    # And back to English.
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert ">Sign in</h1>" in client.get("/accounts/login/").content.decode()


def test_a_browser_asking_for_turkish_gets_turkish_until_it_chooses(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="tr-TR,tr;q=0.9").content.decode()
    assert '<html lang="tr">' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="tr-TR,tr;q=0.9").content.decode()
    assert '<html lang="en">' in page


@pytest.mark.parametrize("language", ["de", "xx"])
def test_a_language_the_site_does_not_offer_is_ignored(client, db, language):
    client.post("/i18n/setlang/", {"language": language, "next": "/accounts/login/"})
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()
