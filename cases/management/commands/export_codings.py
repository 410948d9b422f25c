from cases.exports import write_codings_csv
from cases.management.export_command import ExportCommand


class Command(ExportCommand):
    help = (
        "Every coder's codings of submitted items as the long CSV (one row per coding) "
        "on stdout or into a file."
    )
    writes_csv = True

    def export(self, out, project, options):
        write_codings_csv(out, project, viewer=None, raw=options["raw"])
