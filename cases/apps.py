import mimetypes

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save


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
        # The reader's PDF.js modules are .mjs files: served as JavaScript, or the browser
        # refuses to run a module (runserver's and whitenoise's types come from mimetypes).
        mimetypes.add_type("text/javascript", ".mjs")
        connection_created.connect(register_sqlite_functions)
        from cases.documents.actions import forget_file_of_deleted_document
        from cases.models import Document

        # A document deleted with its source or project (a cascade) takes its file along.
        post_delete.connect(forget_file_of_deleted_document, sender=Document)

        from cases.coding import queue_order
        from cases.models import Assignment, Dyad, Evidence

        # The stored queue positions follow every assignment made or removed one at a time (a
        # cascade included) and every item or dyad saved; bulk writes note their changes.
        post_save.connect(queue_order.assignment_made_or_removed, sender=Assignment)
        post_delete.connect(queue_order.assignment_made_or_removed, sender=Assignment)
        post_save.connect(queue_order.item_saved, sender=Evidence)
        post_save.connect(queue_order.dyad_saved, sender=Dyad)
        # A write to what a project's figures read asks for their recomputation on commit.
        from cases.lib import fresh_signals

        fresh_signals.connect()
