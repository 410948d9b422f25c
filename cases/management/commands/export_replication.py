from cases.exports import write_replication_package
from cases.management.export_command import ExportCommand


class Command(ExportCommand):
    help = (
        "The replication package (zip): codebook, data, reliability and agreement tables, "
        "classification, bibliography, checksums and a README."
    )
    binary = True
    writes_csv = True

    def export(self, out, project, options):
        write_replication_package(out, project, viewer=None, raw=options["raw"])
