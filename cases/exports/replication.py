"""The replication package: one zip with everything a journal's data editor asks for.

Layout (inside one folder, ``<slug>-replication/``): README.md (with the coding protocol),
LICENSE, CITATION.cff, datapackage.json (a Frictionless description of every CSV file),
codebook/ (Markdown, CSV, REFI-QDA), data/ (evidence, codings, consensus, period values, stage
judgments, the whole project as a bundle, the passages taken from documents as Web
Annotations), reliability/ (one agreement-command CSV per
criterion), agreement/ (the agreement table, Cohen's κ per coder pair), classification/ (the
classify command's JSON with the explanations, the rule as data and in words), robustness/
(leave-one-out, and the verdicts without the author assessments), bibliography/ (formatted
references and CSL-JSON), SHA256SUMS. Nothing in it records when it was made, so two packages of
unchanged data made by unchanged code are byte-identical. Admins and reviewers only: a package
must be complete.

This module writes the files; what each holds is listed in ``replication_files`` and the README
is worded in ``replication_readme``.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from django.db.models import Q

from cases.bundles import dump_bundle, export_bundle
from cases.classification.inputs import carry_forward_codes, classify_project
from cases.exports.annotations import write_annotations
from cases.exports.archive import Archive
from cases.exports.codebook_table import codebook_table
from cases.exports.csv_exports import csv_chunks, scope_of, write_codebook_markdown
from cases.exports.datapackage import Resource, datapackage_json
from cases.exports.item_tables import codings_table, consensus_table
from cases.exports.package_tables import (
    author_assessments_table,
    coder_pair_table,
    evidence_table,
    robustness_tables,
    stage_judgments_table,
)
from cases.exports.package_texts import (
    Author,
    citation_cff,
    licence_text,
    rule_json,
    rule_markdown,
)
from cases.exports.period_table import periods_table
from cases.exports.protocol import gather_protocol, protocol_markdown
from cases.exports.refiqda import write_qdc
from cases.exports.reliability_table import reliability_table
from cases.exports.replication_files import DRAWS, SEED, package_files
from cases.exports.replication_readme import Facts, readme
from cases.exports.tables import Table
from cases.models import Assignment, Criterion, Evidence, Membership, Project, Role, Source
from cases.review.reliability import ROW_KEYS, agreement_rows
from cases.sources.citations import format_bibliography

KEYWORDS = ["security communities", "International Relations", "content analysis"]


class _Package:
    """The archive being written, inside its folder: each CSV file is counted (for the README)
    and described (for datapackage.json) as it is written."""

    def __init__(self, archive: Archive, root: str, *, raw: bool, slug: str):
        self.archive, self.root, self.raw = archive, root, raw
        self.rows: dict[str, int] = {}
        self.resources: list[Resource] = []
        self.described = {name: contents for name, contents, _ in package_files(slug)}

    def text(self, name: str, text: str) -> None:
        self.archive.write_text(self.root + name, text)

    def csv(self, name: str, table: Table, key: tuple[str, ...] = ()) -> None:
        path = self.root + name
        with self.archive.text_entry(path) as entry:
            for chunk in csv_chunks(self._counted(table, name), raw=self.raw):
                entry.write(chunk)
        pattern = "reliability/<CODE>.csv" if name.startswith("reliability/") else name
        self.resources.append(
            Resource(
                name,
                table.name,
                tuple(table.header),
                self.described[pattern],
                self.archive.size(path),
                self.archive.digests[path],
                key,
            )
        )

    def digest(self, name: str) -> str:
        return self.archive.digests[self.root + name]

    def _counted(self, table: Table, name: str) -> Table:
        def rows() -> Iterator:
            n = 0
            for n, row in enumerate(table.rows, start=1):  # noqa: B007
                yield row
            self.rows[name] = n

        return Table(table.name, table.header, rows(), has_yes_no=table.has_yes_no)


def write_replication_package(
    out: BinaryIO | str, project: Project, *, viewer, raw: bool = False
) -> None:
    """``raw``: CSV text exactly as stored; by default a text cell that a spreadsheet would run
    as a formula is defused (``csv_exports.defused``)."""
    scope = scope_of(viewer)
    scope.check_replication()
    root = f"{project.slug}-replication/"
    with Archive(out) as archive:
        package = _Package(archive, root, raw=raw, slug=project.slug)
        _write_codebook(package, project.codebook)
        _write_data(package, project, scope)
        criteria = _write_agreement(package, project, scope)
        classification = _write_classification(package, project)
        n_sources = _write_bibliography(package, project)
        # The data set's version: it changes exactly when the project's data change.
        data_version = package.digest("data/bundle.json")[:12]
        facts = _facts(project, classification, package.rows, n_sources, criteria, data_version)
        _write_texts(package, project, facts, classification)
        package.text("README.md", readme(project, facts, raw=raw))
        sums = "".join(
            f"{digest}  {name.removeprefix(root)}\n" for name, digest in archive.digests.items()
        )
        package.text("SHA256SUMS", sums)


def _write_codebook(package: _Package, codebook) -> None:
    with package.archive.text_entry(package.root + "codebook/codebook.md") as entry:
        write_codebook_markdown(entry, codebook)
    package.csv("codebook/codebook.csv", codebook_table(codebook), ("code",))
    qdc = io.BytesIO()
    write_qdc(qdc, codebook)
    package.archive.write_bytes(package.root + "codebook/codebook.qdc", qdc.getvalue())


def _write_data(package: _Package, project: Project, scope) -> None:
    package.csv("data/evidence.csv", evidence_table(project), ("evidence",))
    package.csv(
        "data/codings.csv", codings_table(project, scope), ("evidence", "criterion", "coder")
    )
    package.csv("data/consensus.csv", consensus_table(project, scope), ("evidence", "criterion"))
    package.csv("data/periods.csv", periods_table(project, scope), ("dyad", "period", "criterion"))
    package.csv(
        "data/stage_judgments.csv", stage_judgments_table(project), ("dyad", "period", "coder")
    )
    package.csv("data/author_assessments.csv", author_assessments_table(project), ("evidence",))
    package.text("data/bundle.json", dump_bundle(export_bundle(project)))
    annotations = io.StringIO()
    write_annotations(annotations, project, viewer=scope)
    package.text("data/annotations.jsonld", annotations.getvalue())


def _write_agreement(package: _Package, project: Project, scope) -> list[Criterion]:
    criteria = list(Criterion.objects.filter(codebook=project.codebook).in_codebook_order())
    for criterion in criteria:
        package.csv(
            f"reliability/{criterion.code}.csv",
            reliability_table(project, criterion, scope, variant="value"),
            ("unit",),
        )
    agreement = agreement_rows(project, draws=DRAWS, seed=SEED)
    package.csv("agreement/agreement.csv", Table("agreement", ROW_KEYS, _agreement(agreement)))
    package.csv(
        "agreement/coder_pairs.csv", coder_pair_table(project), ("criterion", "coder_a", "coder_b")
    )
    return criteria


def _write_classification(package: _Package, project: Project) -> dict:
    """The classification under the project's rule, the rule itself, and its robustness."""
    classification = classify_project(project)
    package.text(
        "classification/classification.json",
        json.dumps(classification, ensure_ascii=False, indent=2) + "\n",
    )
    package.text("classification/rule.json", rule_json(project.rule))
    package.text(
        "classification/rule.md",
        rule_markdown(project.rule, carry_forward=carry_forward_codes(project)),
    )
    robustness = robustness_tables(project)
    package.csv(
        "robustness/leave_one_out.csv", robustness.leave_one_out, ("dyad", "period", "item")
    )
    package.csv(
        "robustness/without_author_assessments.csv",
        robustness.without_assessments,
        ("dyad", "period"),
    )
    return classification


def _write_bibliography(package: _Package, project: Project) -> int:
    sources = {s.key: s.csl for s in Source.objects.filter(project=project).order_by("key")}
    package.text("bibliography/references.md", _references(sources, project.citation_style))
    package.text(
        "bibliography/sources.csl.json",
        json.dumps(
            [{**csl, "id": key} for key, csl in sources.items()],
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
        )
        + "\n",
    )
    return len(sources)


def _write_texts(package: _Package, project: Project, facts: Facts, classification) -> None:
    """LICENSE, CITATION.cff and datapackage.json: written last, as they describe the rest."""
    licence, version = project.licence, facts.data_version
    package.text(
        "LICENSE",
        licence_text(title=project.name, authors=facts.authors, version=version, licence=licence),
    )
    package.text(
        "CITATION.cff",
        citation_cff(
            title=project.name,
            description=project.description,
            authors=facts.authors,
            version=version,
            licence=licence,
            keywords=KEYWORDS + [d["name"] for d in classification["dyads"]],
        ),
    )
    package.text(
        "datapackage.json",
        datapackage_json(
            name=package.root.rstrip("/"),
            title=project.name,
            description=project.description,
            version=version,
            licence=licence,
            resources=package.resources,
            raw=package.raw,
        ),
    )


def _agreement(rows: list[dict[str, Any]]) -> Iterator[list[Any]]:
    for row in rows:
        yield [_rounded(row[key]) for key in ROW_KEYS]


def _rounded(value: Any) -> Any:
    """Floats to 6 decimals as text: exact enough for any table, stable across platforms."""
    if isinstance(value, float):
        return f"{value:.6f}"
    return value


def _references(sources: dict[str, dict], style: str) -> str:
    entries = format_bibliography(sources, style)
    lines = ["# References", "", f"The sources of the evidence, in the CSL style {style}.", ""]
    for entry in entries:
        lines += [_markdown(entry), ""]
    return "\n".join(lines)


def _markdown(markup: str) -> str:
    """citeproc's HTML to Markdown: italics and bold kept, every other tag dropped."""
    text = re.sub(r"</?(i|em)>", "*", markup)
    text = re.sub(r"</?(b|strong)>", "**", text)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(html.unescape(text).split())


def _facts(
    project, classification, rows: dict[str, int], n_sources: int, criteria, data_version: str
) -> Facts:
    coders = sorted(
        set(
            Assignment.objects.filter(
                evidence__project=project, status=Assignment.Status.SUBMITTED
            ).values_list("coder__username", flat=True)
        )
    )
    dyads = classification["dyads"]
    evidence = Evidence.objects.filter(project=project)
    cited = set(evidence.values_list("source_id", flat=True))
    via = evidence.filter(via_source__isnull=False)
    cited |= set(via.values_list("via_source_id", flat=True))
    return Facts(
        items=evidence.count(),
        coders=coders,
        dyads=len(dyads),
        periods=sum(len(d["periods"]) for d in dyads),
        sources=n_sources,
        cited=len(cited),
        quoted_via=via.count(),
        criteria=[c.code for c in criteria],
        rows=rows,
        pending_items=sum(p["pending_items"] for d in dyads for p in d["periods"]),
        stages=[
            f"{d['code']} {p['code']} ({p['start_year']}–{p['end_year'] or ''}): {p['stage']}"
            + (f", {p['coupling']} coupled" if p["coupling"] else "")
            for d in dyads
            for p in d["periods"]
        ],
        authors=_authors(project),
        data_version=data_version,
        protocol=protocol_markdown(gather_protocol(project, coders)),
    )


def _authors(project: Project) -> list[Author]:
    """The project's admins who have a name on their account, as the data set's authors."""
    admins = (
        Membership.objects.filter(project=project, role=Role.ADMIN)
        .exclude(Q(user__first_name="") & Q(user__last_name=""))
        .order_by("user__last_name", "user__first_name", "user__username")
        .values_list("user__first_name", "user__last_name")
    )
    found = [Author(given.strip(), family.strip()) for given, family in admins]
    return [author for author in found if author.name]
