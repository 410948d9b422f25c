from cases.exports import write_xlsx
from cases.management.export_command import ExportCommand


class Command(ExportCommand):
    help = "The workbook (codings, consensus, period values, codebook) as XLSX."
    binary = True

    def export(self, out, project, options):
        write_xlsx(out, project, viewer=None)
