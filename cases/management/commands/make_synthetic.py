import time

from django.core.management.base import BaseCommand, CommandError

from cases.management.synthetic import SyntheticSize, make_synthetic_project


class Command(BaseCommand):
    help = (
        "Build a large synthetic project with bulk inserts (default: 50 dyads × 4 periods, "
        "500 items per dyad, 3 coders coding every item, consensus on most disagreements)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", default="synthetic")
        parser.add_argument("--dyads", type=int, default=50)
        parser.add_argument("--periods", type=int, default=4)
        parser.add_argument("--items", type=int, default=500, help="evidence items per dyad")
        parser.add_argument("--coders", type=int, default=3)
        parser.add_argument("--codes-per-item", type=int, default=4)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--replace", action="store_true")

    def handle(self, **options):
        size = SyntheticSize(
            dyads=options["dyads"],
            periods=options["periods"],
            items_per_dyad=options["items"],
            coders=options["coders"],
            codes_per_item=options["codes_per_item"],
        )
        if min(size.dyads, size.periods, size.items_per_dyad, size.coders) < 1:
            raise CommandError("dyads, periods, items and coders must be at least 1")
        started = time.monotonic()
        verbose = options["verbosity"] > 1
        try:
            project = make_synthetic_project(
                slug=options["slug"],
                size=size,
                seed=options["seed"],
                replace=options["replace"],
                log=self.stderr.write if verbose else lambda _: None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(
            f'Built "{project.slug}": {project.dyads.count()} dyads, '
            f"{project.evidence.count()} items in {time.monotonic() - started:.1f} s."
        )
