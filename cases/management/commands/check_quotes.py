"""``python manage.py check_quotes SLUG`` (a contract, see docs/commands.md).

Checks every evidence quote and its page against its source's document. Exit 0 when every
quote matches (items whose source has no document are counted, not failed), with a summary
line; exit 1 with one line per mismatch on stdout (the summary then goes to stderr). An unknown
slug is a ``CommandError`` (exit 2), so that it is never mistaken for a mismatch.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.documents.quote_check import check_project_quotes
from cases.models import Project


class Command(BaseCommand):
    help = "Check every evidence quote and page against its source's document."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the project's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            raise CommandError(f'no project with slug "{slug}"', returncode=2)
        report = check_project_quotes(project)
        summary = (
            f"{report.matched} of {report.checked} quotes match their document; "
            f"{report.without_document} item{'' if report.without_document == 1 else 's'} "
            "without a document not checked."
        )
        if report.not_read:
            summary += (
                f" {report.not_read} item{'' if report.not_read == 1 else 's'} not checked: "
                "the document's text is not read yet (or was refused)."
            )
        if not report.mismatches:
            self.stdout.write(summary)
            return
        for line in report.mismatches:
            self.stdout.write(line)
        self.stderr.write(summary)
        raise SystemExit(1)
