"""The export files a project offers, and which of them a viewer's scope allows.

One entry per file kind of the ``export_file`` URL; the export page lists them with the sentence
that says what is in each for *this* viewer (a coder's bundle, say, holds only their own work).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from cases.exports.scope import Codings, ExportScope

RESULTS, CODEBOOK, RAW, RELIABILITY, PACKAGE = (
    "results",
    "codebook",
    "raw",
    "reliability",
    "package",
)


@dataclass(frozen=True)
class Kind:
    name: str  # the URL's kind and the end of the file name
    title: str  # the titles and sentences below: in the reader's language (gettext_lazy)
    format: str
    content_type: str
    section: str
    needs: str  # "read", "raw", "reliability" or "replication"
    about: str  # what is in it (for admins and reviewers, or for everyone)
    about_own: str = ""  # what is in it for a coder, when that differs
    about_none: str = ""  # what is in it for an observer, when that differs

    def allowed(self, scope: ExportScope) -> bool:
        return {
            "read": True,
            "raw": scope.raw,
            "reliability": scope.reliability,
            "replication": scope.replication,
        }[self.needs]

    def describe(self, scope: ExportScope) -> str:
        if scope.codings is Codings.OWN and self.about_own:
            return self.about_own
        if scope.codings is Codings.NONE and self.about_none:
            return self.about_none
        return self.about


CSV = "text/csv; charset=utf-8"

KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind(
            "consensus.csv",
            gettext_lazy("Consensus codes"),
            "CSV",
            CSV,
            RESULTS,
            "read",
            gettext_lazy(
                "One row per evidence item and criterion of the settled consensus, with the "
                "item's dyad, period, date, source, formatted citation and page, the value, and "
                "how it was reached (adjudicated by a reviewer, or unanimous among the coders). "
                "Items awaiting adjudication are left out, as the classification leaves them out."
            ),
        ),
        Kind(
            "periods.csv",
            gettext_lazy("Period values and classification"),
            "CSV",
            CSV,
            RESULTS,
            "read",
            gettext_lazy(
                "One row per dyad, period and criterion: the highest value among the period's own "
                "items, the value rule v1 reads after carrying forward and overrides, and on every "
                "row the period's stage, coupling, blocking conditions and explanation."
            ),
        ),
        Kind(
            "workbook.xlsx",
            gettext_lazy("Workbook"),
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            RESULTS,
            "read",
            gettext_lazy(
                "The consensus, period values and codebook as sheets, with every coder's codings "
                "of submitted items on a codings sheet."
            ),
            about_own=gettext_lazy(
                "The consensus, period values and codebook as sheets, and your own "
                "codings (drafts included) on a codings sheet: nobody else's."
            ),
            about_none=gettext_lazy(
                "The consensus, period values and codebook as sheets. No raw codings."
            ),
        ),
        Kind(
            "codebook.md",
            gettext_lazy("Codebook"),
            "Markdown",
            "text/markdown; charset=utf-8",
            CODEBOOK,
            "read",
            gettext_lazy(
                "The value scale and every criterion with its definition, indicators, "
                "carry-forward flag and verification tag, by framework and group: for a methods "
                "appendix."
            ),
        ),
        Kind(
            "codebook.csv",
            gettext_lazy("Codebook table"),
            "CSV",
            CSV,
            CODEBOOK,
            "read",
            gettext_lazy(
                "The same criteria, one row each; indicators are joined with a vertical bar."
            ),
        ),
        Kind(
            "codebook.qdc",
            gettext_lazy("Codebook for QDA software"),
            "REFI-QDA",
            "application/xml; charset=utf-8",
            CODEBOOK,
            "read",
            gettext_lazy(
                "The codebook as a REFI-QDA codebook for NVivo, ATLAS.ti, MAXQDA or QualCoder: "
                "one code per criterion and value."
            ),
        ),
        Kind(
            "codings.csv",
            gettext_lazy("Raw codings"),
            "CSV",
            CSV,
            RAW,
            "raw",
            gettext_lazy(
                "One row per coding of a submitted item, for every coder: evidence, citation and "
                "page, criterion, coder, value and note. Ready for R and pandas."
            ),
            about_own=gettext_lazy(
                "One row per coding of yours, drafts included (status “draft”): evidence, "
                "citation and page, criterion, value and your note. Only your own codings."
            ),
        ),
        Kind(
            "bundle.json",
            gettext_lazy("Project bundle"),
            "JSON",
            "application/json; charset=utf-8",
            RAW,
            "read",
            gettext_lazy(
                "The whole project in sccoder's bundle format, every coder's codings and stage "
                "judgments included (drafts too), for sharing the project or moving it to another "
                "sccoder instance (import_bundle). Not a backup: it leaves out the history."
            ),
            about_own=gettext_lazy(
                "The project in sccoder's bundle format with only your own codings and "
                "stage judgments. It imports, but its consensus then rests on your codings alone."
            ),
            about_none=gettext_lazy(
                "The project in sccoder's bundle format without any coder's codings or "
                "stage judgments: evidence, sources, consensus decisions and overrides."
            ),
        ),
        Kind(
            "bundle.zip",
            gettext_lazy("Project bundle with documents"),
            "ZIP",
            "application/zip",
            RAW,
            "read",
            gettext_lazy(
                "The same bundle as bundle.json, in a zip with each source's document (PDF, HTML, "
                "text) under its SHA-256 and the passages taken from them; import_bundle reads "
                "either form."
            ),
            about_own=gettext_lazy(
                "The bundle with only your own codings and stage judgments, in a zip with "
                "each source's document."
            ),
            about_none=gettext_lazy(
                "The bundle without any coder's codings or stage judgments, in a zip with "
                "each source's document."
            ),
        ),
        Kind(
            "project.qdpx",
            gettext_lazy("Project for QDA software"),
            "REFI-QDA",
            "application/zip",
            RAW,
            "read",
            gettext_lazy(
                "A REFI-QDA project: each evidence item is a text source with its quote and "
                "citation, each coder's codings are that user's codings, and the consensus is the "
                "user “consensus”. Each source's document comes along, with the passages taken "
                "from it coded in place."
            ),
            about_own=gettext_lazy(
                "A REFI-QDA project: each evidence item is a text source with its quote and "
                "citation, with your own codings and the consensus (the user “consensus”)."
            ),
            about_none=gettext_lazy(
                "A REFI-QDA project: each evidence item is a text source with its quote "
                "and citation, coded with the consensus only (the user “consensus”)."
            ),
        ),
        Kind(
            "annotations.jsonld",
            gettext_lazy("Passages as Web Annotations"),
            "JSON-LD",
            'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
            RAW,
            "read",
            gettext_lazy(
                "Each evidence item taken from a source's document as a W3C Web Annotation: the "
                "document by its SHA-256, the passage by its quote, position and page, and the "
                "item's consensus codes; for annotation tools and the Qualitative Data "
                "Repository's Annotation for Transparent Inquiry."
            ),
        ),
        Kind(
            "reliability.csv",
            gettext_lazy("Reliability data"),
            "CSV",
            CSV,
            RELIABILITY,
            "reliability",
            gettext_lazy(
                "For one criterion: a row per evidence item submitted by at least one coder and a "
                "column per coder, in the format of the agreement command, R's irr and the "
                "krippendorff package. “Values”: the coder's value, empty when not coded. "
                "“Application”: 1 if the coder applied the criterion, 0 if not."
            ),
        ),
        Kind(
            "replication.zip",
            gettext_lazy("Replication package"),
            "ZIP",
            "application/zip",
            PACKAGE,
            "replication",
            gettext_lazy(
                "One archive for a journal's data editor: the codebook, the data files (evidence, "
                "codings, consensus, periods, stage judgments), a reliability file per criterion, "
                "the agreement table and Cohen's κ per coder pair, the classification with its "
                "rule and robustness checks, the bibliography, the data's licence, CITATION.cff, a "
                "Frictionless datapackage.json, checksums and a README with the coding protocol, "
                "how each file was produced and how to cite the dataset."
            ),
        ),
    ]
}

SECTIONS = [
    (RESULTS, gettext_lazy("Consensus and results")),
    (CODEBOOK, gettext_lazy("Codebook")),
    (RAW, gettext_lazy("Codings and the whole project")),
    (RELIABILITY, gettext_lazy("Reliability")),
    (PACKAGE, gettext_lazy("Replication")),
]
