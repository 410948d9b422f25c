from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.bundles import dump_bundle, export_bundle
from cases.models import Project


class Command(BaseCommand):
    help = (
        "Export a project as one bundle document (format v1) on stdout or into a file: for "
        "sharing and replication, not a backup (it leaves out the history)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the project's slug")
        parser.add_argument("-o", "--output", metavar="PATH", help="write here instead of stdout")

    def handle(self, slug: str, output: str | None, **options):
        project = Project.objects.filter(slug=slug).select_related("codebook").first()
        if project is None:
            raise CommandError(f'no project with slug "{slug}"')
        text = dump_bundle(export_bundle(project))
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"cannot write {output}: {exc.strerror}") from None
        else:
            # Exactly one JSON document on stdout, nothing else (a contract).
            self.stdout.write(text, ending="")
