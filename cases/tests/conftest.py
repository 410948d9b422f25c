"""Shared fixtures. The small project's people, and what each may see (DESIGN.md's table):

- ada, admin: everything in the project, and edits the codebook, members and assignments;
- rita, reviewer: everything, agreement figures, adjudication; no codebook or member edits;
- carl and cleo, coders: the project and their own codings only, never each other's;
- otto, observer: reads the project, consensus and reports; codes nothing;
- olaf, outsider: a user of another project; this one is a 404 for him.
"""

import pytest
from django.contrib.auth import get_user_model

from cases.bundles import import_bundle

from .bundle_factory import small_bundle


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
    from .cli import MigratedDatabase

    return MigratedDatabase(tmp_path_factory.mktemp("cli"))


@pytest.fixture
def cli_database(migrated_database):
    """A migrated, empty SQLite file for commands run in a real process."""
    return migrated_database.fresh_copy()
