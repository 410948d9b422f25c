from cases.exports import write_codebook_csv, write_codebook_markdown, write_qdc
from cases.management.export_command import ExportCommand, find_project, write_binary, write_text


class Command(ExportCommand):
    help = "A project's codebook as CSV (default), Markdown or a REFI-QDA codebook (.qdc)."
    writes_csv = True

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--format", choices=["csv", "md", "qdc"], default="csv")

    def handle(self, *args, **options):
        codebook = find_project(options["slug"]).codebook
        if options["format"] == "qdc":
            write_binary(lambda out: write_qdc(out, codebook), options["output"], self.stdout)
        elif options["format"] == "md":
            write_text(
                lambda out: write_codebook_markdown(out, codebook), options["output"], self.stdout
            )
        else:
            write_text(
                lambda out: write_codebook_csv(out, codebook, raw=options["raw"]),
                options["output"],
                self.stdout,
            )
