from cases.exports import write_period_values_csv
from cases.management.export_command import ExportCommand


class Command(ExportCommand):
    help = (
        "Period values and the classification (rule v1), one row per dyad, period and "
        "criterion, as CSV."
    )
    writes_csv = True

    def export(self, out, project, options):
        write_period_values_csv(out, project, raw=options["raw"])
