from django.apps import AppConfig
from django.db.backends.signals import connection_created


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
