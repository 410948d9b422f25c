"""Production settings, login throttling and the Content-Security-Policy."""

import os
import subprocess
import sys

import pytest

from .cli import REPO

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
