"""Shared fixtures. The small project's people, and what each may see (DESIGN.md's table):

- ada, admin: everything in the project, and edits the codebook, members and assignments;
- rita, reviewer: everything, agreement figures, adjudication; no codebook or member edits;
- carl and cleo, coders: the project and their own codings only, never each other's;
- otto, observer: reads the project, consensus and reports; codes nothing;
- olaf, outsider: a user of another project; this one is a 404 for him.
"""

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DatabaseError

from cases.bundles import import_bundle
from cases.tests.bundle_factory import small_bundle

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that thread
# are safe here because the loop only drives the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["cases.tests.browser"]
PASSWORD = "pass-for-tests-1"


def set_passwords(usernames=None) -> None:
    """Bundle imports create accounts without a usable password; tests that sign in need one."""
    users = get_user_model().objects.all()
    if usernames:
        users = users.filter(username__in=usernames)
    for user in users:
        user.set_password(PASSWORD)
        user.save()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests hash many passwords; the real hasher is deliberately slow (the security test checks
    it in production settings)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_in_the_request(settings):
    """Background tasks run inside the call that enqueues them (the immediate backend), so a
    page finding its figures out of date recomputes them before it answers, as it does when a
    deployment runs its tasks that way. The tests of the background recomputation itself put
    the database queue back and run the real worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def empty_cache(django_db_setup, django_db_blocker):
    """Derived pages cache their figures under a fingerprint of the data; a test database rolled
    back to an earlier state could otherwise meet a figure cached by an earlier test. The cache
    is a table of the test database (settings.CACHES), emptied for tests with or without it."""
    with django_db_blocker.unblock():
        _clear_cache()
    yield
    with django_db_blocker.unblock():
        _clear_cache()


def _clear_cache() -> None:
    """Settings tests remove every DJANGO_ variable from the environment, the one above among
    them, while Playwright's loop may still run in this thread: the cache table is cleared with
    the variable set, whatever the test did to the environment."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        cache.clear()
    except DatabaseError:
        # A run of only database-free tests: SQLite's in-memory test database was closed after
        # its creation, so there is no table and nothing cached in it.
        pass
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def small_project(db):
    project = import_bundle(small_bundle())
    get_user_model().objects.create_user("olaf", password="x")
    return project


@pytest.fixture
def people(small_project):
    User = get_user_model()
    return {u.username: u for u in User.objects.all()}


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    from cases.tests.cli import MigratedDatabase

    return MigratedDatabase(tmp_path_factory.mktemp("cli"))


@pytest.fixture
def cli_database(migrated_database):
    """A migrated, empty SQLite file for commands run in a real process."""
    return migrated_database.fresh_copy()
