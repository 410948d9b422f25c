from cases.exports import write_annotations
from cases.management.export_command import ExportCommand


class Command(ExportCommand):
    help = (
        "The passages taken from the sources' documents as W3C Web Annotations (JSON-LD), "
        "with the items' consensus codes."
    )

    def export(self, out, project, options):
        write_annotations(out, project, viewer=None)
