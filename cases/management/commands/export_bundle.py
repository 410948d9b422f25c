from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.bundles import dump_bundle, export_bundle
from cases.bundles.archive import document_hashes, write_bundle_zip
from cases.exports.bundle_export import stored_files
from cases.models import Project


class Command(BaseCommand):
    help = (
        "Export a project as one bundle document (format v1) on stdout or into a file: for "
        "sharing and replication, not a backup (it leaves out the history)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the project's slug")
        parser.add_argument("-o", "--output", metavar="PATH", help="write here instead of stdout")
        parser.add_argument(
            "--zip",
            action="store_true",
            help="write a zip (bundle.json and each source's document) into PATH (-o)",
        )

    def handle(self, slug: str, output: str | None, **options):
        project = Project.objects.filter(slug=slug).select_related("codebook").first()
        if project is None:
            raise CommandError(f'no project with slug "{slug}"')
        if options.get("zip"):
            if not output:
                raise CommandError("--zip writes a file: name it with -o PATH")
            doc = export_bundle(project)
            try:
                write_bundle_zip(output, doc, stored_files(document_hashes(doc)))
            except OSError as exc:
                raise CommandError(f"cannot write {output}: {exc.strerror}") from None
            return
        text = dump_bundle(export_bundle(project))
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"cannot write {output}: {exc.strerror}") from None
        else:
            # Exactly one JSON document on stdout, nothing else (a contract).
            self.stdout.write(text, ending="")
