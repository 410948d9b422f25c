"""Production settings, login throttling and the Content-Security-Policy."""

import importlib.util
import os
import subprocess
import sys
from types import ModuleType

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from cases.tests.cli import REPO
from sccoder.proxy import client_address

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a8Fj3kLq9zR2mN7vB4xC6tY1wE5uI0oP-sccoder-production-key-for-tests",
    "DJANGO_ALLOWED_HOSTS": "coding.example.org",
}


def run_with(env: dict, *args: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_checklist_is_clean_with_production_settings():
    result = run_with(PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_https_only_and_hsts_is_sent():
    code = (
        "import django; from django.conf import settings as s; django.setup(); "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0, s.PASSWORD_HASHERS[0])"
    )
    result = run_with({**PRODUCTION, "DJANGO_SETTINGS_MODULE": "sccoder.settings"}, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "True",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy(client, people):
    client.force_login(people["carl"])
    policy = client.get("/p/small/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe" not in policy
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_account_for_a_while(client, people):
    people["carl"].set_password("right-password-1")
    people["carl"].save()
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": "carl", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    fifth = client.post("/accounts/login/", {"username": "carl", "password": "wrong"})
    assert fifth.status_code == 429
    locked = client.post("/accounts/login/", {"username": "carl", "password": "right-password-1"})
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_right_password_after_a_few_mistakes_still_signs_in(client, people):
    people["cleo"].set_password("right-password-2")
    people["cleo"].save()
    for _ in range(2):
        client.post("/accounts/login/", {"username": "cleo", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "cleo", "password": "right-password-2"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_only_the_admin_may_use_inline_style_attributes(admin_client):
    admin_policy = admin_client.get("/admin/").headers["Content-Security-Policy"]
    page_policy = admin_client.get("/accounts/login/").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in admin_policy
    assert "script-src 'self'" in admin_policy and "script-src 'self' 'unsafe" not in admin_policy
    assert "unsafe-inline" not in page_policy


# --- Settings read from the environment -----------------------------------------------------------


def settings_from(monkeypatch, **env: str) -> ModuleType:
    """sccoder/settings.py run afresh, as a server would with exactly this environment."""
    for name in list(os.environ):
        if name.startswith(("DJANGO_", "DATABASE_", "SCCODER_")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_probe", REPO / "sccoder/settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_postgresql_connections_are_kept_a_minute_and_checked_before_reuse(monkeypatch):
    postgres = settings_from(monkeypatch, DATABASE_URL="postgres://u@db.example.org:5432/sccoder")
    assert postgres.DATABASES["default"]["CONN_MAX_AGE"] == 60
    assert postgres.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    sqlite = settings_from(monkeypatch)
    assert sqlite.DATABASES["default"]["CONN_MAX_AGE"] == 0
    chosen = settings_from(
        monkeypatch, DATABASE_URL="postgres://u@db/sccoder", DATABASE_CONN_MAX_AGE="0"
    )
    assert chosen.DATABASES["default"]["CONN_MAX_AGE"] == 0


def test_the_api_rate_is_read_from_its_documented_name_and_its_alias(monkeypatch):
    assert settings_from(monkeypatch).SCCODER_API_USER_RATE == "1000/hour"
    documented = settings_from(monkeypatch, SCCODER_API_RATE="50/minute")
    assert documented.SCCODER_API_USER_RATE == "50/minute"
    alias = settings_from(monkeypatch, SCCODER_API_USER_RATE="20/minute")
    assert alias.SCCODER_API_USER_RATE == "20/minute"
    both = settings_from(monkeypatch, SCCODER_API_RATE="50/minute", SCCODER_API_USER_RATE="1/day")
    assert both.SCCODER_API_USER_RATE == "50/minute"


def test_only_a_server_behind_the_proxy_reads_the_client_address_from_its_header(monkeypatch):
    direct = settings_from(monkeypatch)
    assert getattr(direct, "AXES_CLIENT_IP_CALLABLE", None) is None
    assert "NUM_PROXIES" not in direct.REST_FRAMEWORK
    proxied = settings_from(monkeypatch, DJANGO_BEHIND_PROXY="1")
    assert proxied.AXES_CLIENT_IP_CALLABLE == "sccoder.proxy.client_address"
    assert proxied.REST_FRAMEWORK["NUM_PROXIES"] == 1
    assert proxied.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")


def test_a_misspelt_log_level_stops_the_start(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_LOG_LEVEL"):
        settings_from(monkeypatch, DJANGO_LOG_LEVEL="loud")


# --- Login throttling behind the proxy ------------------------------------------------------------


def fail_five_times(client, username: str, **headers) -> None:
    for _ in range(5):
        client.post("/accounts/login/", {"username": username, "password": "wrong"}, **headers)


def sign_in(client, username: str, password: str, **headers) -> int:
    data = {"username": username, "password": password}
    return client.post("/accounts/login/", data, **headers).status_code


@pytest.mark.django_db
def test_behind_the_proxy_each_client_address_is_throttled_on_its_own(client, people, settings):
    settings.AXES_CLIENT_IP_CALLABLE = "sccoder.proxy.client_address"
    people["carl"].set_password("right-password-3")
    people["carl"].save()
    # Every request comes from the proxy (127.0.0.1); the proxy appended the client's address.
    fail_five_times(client, "carl", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert sign_in(client, "carl", "right-password-3", HTTP_X_FORWARDED_FOR="203.0.113.5") == 429
    elsewhere = sign_in(client, "carl", "right-password-3", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert elsewhere == 302


@pytest.mark.django_db
def test_behind_the_proxy_a_forged_forwarded_entry_does_not_escape_the_lock(
    client, people, settings
):
    settings.AXES_CLIENT_IP_CALLABLE = "sccoder.proxy.client_address"
    for attempt in range(5):  # the attacker's own header, with the proxy's entry after it
        forged = f"10.0.0.{attempt}, 203.0.113.5"
        client.post(
            "/accounts/login/",
            {"username": "carl", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=forged,
        )
    again = {"HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.5"}
    assert sign_in(client, "carl", "wrong", **again) == 429


@pytest.mark.django_db
def test_without_the_proxy_setting_the_forwarded_header_is_ignored(client, people, settings):
    assert settings.AXES_CLIENT_IP_CALLABLE is None
    people["cleo"].set_password("right-password-4")
    people["cleo"].save()
    fail_five_times(client, "cleo", HTTP_X_FORWARDED_FOR="203.0.113.5")
    # A client that could name its own address would walk past the lock.
    spoofed = sign_in(client, "cleo", "right-password-4", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert spoofed == 429


def test_the_client_address_is_the_proxys_last_entry_and_must_be_an_address():
    factory = RequestFactory()
    assert client_address(factory.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")) == "5.6.7.8"
    assert client_address(factory.get("/", HTTP_X_FORWARDED_FOR=" 2001:db8::1 ")) == "2001:db8::1"
    assert client_address(factory.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, junk")) == "127.0.0.1"
    assert client_address(factory.get("/")) == "127.0.0.1"


# --- Server errors in the log ---------------------------------------------------------------------

BROKEN_VIEW = """
import django
django.setup()
from django.test import Client, override_settings
from django.urls import path

def broken(request):
    raise RuntimeError("marker-7c1e: the view broke")

urlpatterns = [path("broken/", broken)]

with override_settings(ROOT_URLCONF="__main__"):
    print(Client(raise_request_exception=False).get("/broken/").status_code)
"""


def test_a_server_error_is_written_to_stderr_with_its_traceback(tmp_path):
    env = {
        **PRODUCTION,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE": "0",
        "DJANGO_SETTINGS_MODULE": "sccoder.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    result = run_with(env, "-c", BROKEN_VIEW)
    assert result.stdout.strip() == "500", result.stderr
    log = result.stderr
    assert "[ERROR] django.request: Internal Server Error: /broken/" in log
    assert "Traceback (most recent call last):" in log
    assert "RuntimeError: marker-7c1e: the view broke" in log
