from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite has no ``sccoder_fold``; PostgreSQL gets it from a migration
    (cases.evidence.search)."""
    if connection.vendor == "sqlite":
        from cases.evidence.search import fold

        connection.connection.create_function("sccoder_fold", 1, fold, deterministic=True)


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases and coding"

    def ready(self) -> None:
        connection_created.connect(register_sqlite_functions)
        from cases.documents.actions import forget_file_of_deleted_document
        from cases.models import Document

        # A document deleted with its source or project (a cascade) takes its file along.
        post_delete.connect(forget_file_of_deleted_document, sender=Document)

        # A write to what a project's figures read asks for their recomputation on commit.
        from cases.lib import fresh_signals

        fresh_signals.connect()
