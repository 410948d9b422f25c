from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.bundles import BundleError, import_bundle, parse_bundle
from cases.bundles.archive import is_zip, read_bundle_zip
from cases.documents.actions import max_bytes


class Command(BaseCommand):
    help = (
        "Import a project from a bundle file (format v1): JSON, or a zip with its documents. "
        "Nothing is written if anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="the bundle file (JSON, or a zip: bundle.json and documents/)"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace an existing project with the same slug (its data is deleted first)",
        )

    def handle(self, path: str, replace: bool, **options):
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        try:
            if is_zip(data):
                doc, files = read_bundle_zip(data, max_document_bytes=max_bytes())
                project = import_bundle(doc, replace=replace, files=files)
            else:
                project = import_bundle(parse_bundle(data), replace=replace)
        except BundleError as exc:
            raise CommandError(f"{path} was not imported; nothing was written.\n{exc}") from None
        counts = (
            f"{project.dyads.count()} dyads, {project.evidence.count()} evidence items, "
            f"{project.memberships.count()} members"
        )
        self.stderr.write(f'Imported project "{project.slug}" ({counts}).')
