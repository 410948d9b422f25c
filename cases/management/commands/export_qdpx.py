from cases.exports import write_qdpx
from cases.management.export_command import ExportCommand


class Command(ExportCommand):
    help = "The project as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA or QualCoder."
    binary = True

    def export(self, out, project, options):
        write_qdpx(out, project, viewer=None)
