from django.core.management.base import CommandError

from cases.exports import VARIANTS, write_reliability_csv
from cases.management.export_command import ExportCommand, find_project


class Command(ExportCommand):
    help = (
        "One criterion's reliability data in the agreement command's CSV format "
        "(unit,<coder>,...; one row per evidence item submitted by at least one coder)."
    )
    writes_csv = True

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("criterion", help="the criterion's code, e.g. AB-T3-TRUST")
        parser.add_argument(
            "--variant",
            choices=VARIANTS,
            default="value",
            help="value: the coder's value, empty when not coded (default); "
            "application: 1 if the coder applied the criterion, 0 if not",
        )

    def handle(self, *args, **options):
        # Check the criterion before any output starts, so a typo prints nothing but the error.
        project = find_project(options["slug"])
        if not project.codebook.criteria.filter(code=options["criterion"]).exists():
            raise CommandError(f'criterion: no criterion "{options["criterion"]}" in this codebook')
        super().handle(*args, **options)

    def export(self, out, project, options):
        write_reliability_csv(
            out,
            project,
            options["criterion"],
            viewer=None,
            variant=options["variant"],
            raw=options["raw"],
        )
