from cases.exports import write_consensus_csv
from cases.management.export_command import ExportCommand


class Command(ExportCommand):
    help = "The settled consensus, one row per evidence item and criterion, as CSV."
    writes_csv = True

    def export(self, out, project, options):
        write_consensus_csv(out, project, raw=options["raw"])
