"""The project as a whole: system checks, migrations, and the settings' refusals."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from cases.tests.cli import REPO


def test_system_checks_are_clean(capsys):
    call_command("check", fail_level="WARNING")
    assert "no issues" in capsys.readouterr().out


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_migrations_create_no_projects():
    from cases.models import Project

    assert Project.objects.count() == 0


def settings_with(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; "
            "django.setup(); print(settings.DEBUG, settings.ALLOWED_HOSTS)",
        ],
        cwd=REPO,
        env={**environment, "DJANGO_SETTINGS_MODULE": "sccoder.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_off_refuses_the_development_secret():
    result = settings_with(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_debug_off_starts_with_a_secret_of_its_own():
    result = settings_with(
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="coding.example.org, localhost",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['coding.example.org', 'localhost']"


@pytest.mark.parametrize("value", ["maybe", "2", "yes please"])
def test_a_malformed_boolean_fails_loudly(value):
    result = settings_with(DJANGO_DEBUG=value)
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


@pytest.mark.parametrize(("value", "expected"), [("TRUE", "True"), ("on", "True"), ("0", None)])
def test_booleans_accept_any_case(value, expected):
    env = {"DJANGO_DEBUG": value}
    if expected is None:
        env["DJANGO_SECRET_KEY"] = "y" * 50
    result = settings_with(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == (expected or "False")


def test_the_default_database_is_a_sqlite_file_in_the_project():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup(); "
            "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])",
        ],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "sccoder.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    engine, name = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name == str(REPO / "db.sqlite3")
