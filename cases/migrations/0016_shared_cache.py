"""The database cache's table (settings.CACHES without REDIS_URL).

Created by a migration rather than by ``createcachetable`` so that everything that migrates —
``make run``, the test database, a deployment — has it with no extra step. It is created whatever
the cache configured today, so a server that drops REDIS_URL later finds its table.
"""

from django.conf import settings
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = getattr(settings, "DATABASE_CACHE_TABLE", "sccoder_cache")


def create_table(apps, schema_editor):
    # Does nothing when the table exists already (an earlier createcachetable).
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_source_documents")]

    operations = [migrations.RunPython(create_table, drop_table)]
