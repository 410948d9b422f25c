"""``python manage.py prune_exports [--days N]``: delete the files and records of background
exports finished more than the retention ago (cases.exports.pruning)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.exports.pruning import prune_exports


class Command(BaseCommand):
    help = (
        "Delete the files and records of background exports finished more than "
        "SCCODER_EXPORT_RETENTION_DAYS days ago (or --days)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            help=f"keep exports finished in the last N days (default: the setting, "
            f"{settings.SCCODER_EXPORT_RETENTION_DAYS})",
        )

    def handle(self, *args, **options) -> None:
        days = options["days"]
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more")
        pruned = prune_exports(days=days)
        self.stdout.write(f"deleted {pruned} finished export{'s' if pruned != 1 else ''}")
