"""The replication package: one zip with everything a journal's data editor asks for.

Layout (inside one folder, ``<slug>-replication/``): README.md (with the coding protocol),
LICENSE, CITATION.cff, datapackage.json (a Frictionless description of every CSV file),
codebook/ (Markdown, CSV, REFI-QDA), data/ (evidence, codings, consensus, period values, stage
judgments, the whole project as a bundle), reliability/ (one agreement-command CSV per
criterion), agreement/ (the agreement table, Cohen's κ per coder pair), classification/ (the
classify command's JSON with the explanations, the rule as data and in words), robustness/
(leave-one-out, and the verdicts without the author assessments), bibliography/ (formatted
references and CSL-JSON), SHA256SUMS. Nothing in it records when it was made, so two packages of
unchanged data made by unchanged code are byte-identical. Admins and reviewers only: a package
must be complete.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db.models import Q

from cases.bundles import dump_bundle, export_bundle
from cases.classification.inputs import carry_forward_codes, classify_project
from cases.exports.archive import Archive
from cases.exports.csv_exports import csv_chunks, scope_of, write_codebook_markdown
from cases.exports.datapackage import Resource, datapackage_json
from cases.exports.package_tables import (
    author_assessments_table,
    coder_pair_table,
    evidence_table,
    robustness_tables,
    stage_judgments_table,
)
from cases.exports.package_texts import (
    Author,
    authors_text,
    citation_cff,
    licence_text,
    rule_json,
    rule_markdown,
)
from cases.exports.protocol import gather_protocol, protocol_markdown
from cases.exports.refiqda import write_qdc
from cases.exports.tables import (
    Table,
    codebook_table,
    codings_table,
    consensus_table,
    periods_table,
    reliability_table,
)
from cases.lib import software
from cases.models import Assignment, Criterion, Evidence, Membership, Project, Role, Source
from cases.review.reliability import ROW_KEYS, agreement_rows
from cases.sources.citations import format_bibliography

DRAWS = 1000  # bootstrap draws for the agreement intervals
SEED = 1
KEYWORDS = ["security communities", "International Relations", "content analysis"]


class _Package:
    """The archive being written, inside its folder: each CSV file is counted (for the README)
    and described (for datapackage.json) as it is written."""

    def __init__(self, archive: Archive, root: str, *, raw: bool, slug: str):
        self.archive, self.root, self.raw = archive, root, raw
        self.rows: dict[str, int] = {}
        self.resources: list[Resource] = []
        self.described = {name: contents for name, contents, _ in _files(slug)}

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


@dataclass(frozen=True)
class Facts:
    items: int
    coders: list[str]
    dyads: int
    periods: int
    sources: int  # the project's source records: the bibliography
    cited: int  # distinct works the evidence cites (its sources and the works quoted via)
    quoted_via: int  # items quoted from a work that cites their source
    criteria: list[str]
    rows: dict[str, int]
    pending_items: int
    stages: list[str]
    authors: list[Author]
    data_version: str
    protocol: str


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


def _files(slug: str) -> list[tuple[str, str, str]]:
    """(file, what it holds, how it was produced) for the README."""
    return [
        (
            "LICENSE",
            "the licence of the data, chosen by the project's admins, with the line to credit "
            "the authors by, and what it does not cover (the quoted works)",
            "sccoder, from the licence the project's admins chose",
        ),
        (
            "CITATION.cff",
            "how to cite the data set, in the Citation File Format 1.2.0 (GitHub, Zenodo and "
            "reference managers read it)",
            "sccoder, from the project's name, description, licence and admins",
        ),
        (
            "datapackage.json",
            "a Frictionless Data Package describing every CSV file: its columns, their types "
            "and meaning, the missing value (an empty cell), its key, size and SHA-256; "
            "`frictionless validate datapackage.json` checks every file against it",
            "sccoder, from its description of each table",
        ),
        (
            "codebook/codebook.md",
            "the value scale and every criterion: definition, indicators, carry-forward flag "
            "and verification tag",
            f"`python manage.py export_codebook {slug} --format md`",
        ),
        (
            "codebook/codebook.csv",
            "the codebook, one row per criterion: definition, indicators (joined with "
            '" | "), carry-forward flag and verification tag',
            f"`python manage.py export_codebook {slug}`",
        ),
        (
            "codebook/codebook.qdc",
            "the codebook for QDA software (REFI-QDA), one code per criterion and value",
            f"`python manage.py export_codebook {slug} --format qdc`",
        ),
        (
            "data/evidence.csv",
            "every evidence item, one row each: dyad, period, date, type, source, page, "
            "footnote, the work it was quoted from (`via_source`, `via_locator`) when it rests "
            "on a source that work cites, the verbatim quote and a summary",
            "sccoder, from the project's evidence records",
        ),
        (
            "data/codings.csv",
            "every coder's codings of submitted items, one row per item × criterion × coder, "
            "with the citation and page",
            f"`python manage.py export_codings {slug}`",
        ),
        (
            "data/consensus.csv",
            "the settled consensus per item and criterion: a reviewer's decisions "
            "(`adjudicated`) and the submitted coders' exact agreement (`unanimous`)",
            f"`python manage.py export_consensus {slug}`",
        ),
        (
            "data/periods.csv",
            "per dyad × period × criterion the period value (own items, carried forward, "
            "overridden) and the period's stage, coupling and explanation",
            f"`python manage.py export_periods {slug}`",
        ),
        (
            "data/stage_judgments.csv",
            "every coder's holistic verdict (stage, coupling, reasons) on each period they "
            "judged, to compare with the rule's",
            "sccoder, from the coders' stage judgments",
        ),
        (
            "data/author_assessments.csv",
            "the source's own stage verdict on a period (an author assessment that states only "
            "a stage), not coded on criteria, to compare with the rule's and the coders'",
            "sccoder, from the evidence items' assessed stage",
        ),
        (
            "data/bundle.json",
            "the whole project in sccoder's bundle format v1, drafts included; "
            "`python manage.py import_bundle` recreates it",
            f"`python manage.py export_bundle {slug}`",
        ),
        (
            "reliability/<CODE>.csv",
            "per criterion, one row per evidence item submitted by at least one coder and one "
            "column per coder: the coder's value (empty: not submitted, or not coded)",
            f"`python manage.py export_reliability {slug} <CODE>`",
        ),
        (
            "agreement/agreement.csv",
            "agreement per criterion, per group and overall: application (nominal α, percent "
            "agreement, Gwet's AC1) and value (ordinal α), with bootstrap 95% intervals and "
            "Krippendorff's reading (≥ .800 reliable, ≥ .667 tentative)",
            f"sccoder's agreement engine over the items every coder submitted, {DRAWS} "
            f"bootstrap draws, seed {SEED}",
        ),
        (
            "agreement/coder_pairs.csv",
            "Cohen's κ and percent agreement of every pair of coders on every criterion, over "
            'the items both submitted (n_units), with "not coded" a category beside the '
            "scale's values",
            "sccoder's agreement engine",
        ),
        (
            "classification/classification.json",
            "the stage and coupling of every period under the project's rule, the values the "
            "rule read, what blocked the next stage, and the explanation in words",
            f"`python manage.py classify {slug} --json`",
        ),
        (
            "classification/rule.json",
            "the classification rule's table as data (thresholds, codes carried forward) with "
            "the sccoder version, commit and SHA-256 of the code that runs it",
            "`cases.classification.rule.rule_table` of the project's rule",
        ),
        (
            "classification/rule.md",
            "the same rule in words, step by step",
            "sccoder, from the rule's table",
        ),
        (
            "robustness/leave_one_out.csv",
            "per period, each single item whose removal changes the period's verdict, and the "
            "verdict without it (no row: no single item changes it)",
            "the dyad report's leave-one-out check, under the project's rule",
        ),
        (
            "robustness/without_author_assessments.csv",
            "per period, the verdict with the author-assessment items the rule reads left out "
            "(all at once), and whether it changes",
            "the dyad report's check without the author's own assessments",
        ),
        (
            "bibliography/references.md",
            "the formatted references of the evidence's sources",
            "citeproc-py, in the project's CSL style",
        ),
        (
            "bibliography/sources.csl.json",
            "the sources as CSL-JSON, for Zotero or pandoc",
            "the project's source records",
        ),
        ("SHA256SUMS", "the SHA-256 of every other file", "hashing the files as written"),
    ]


_FORMULAS_DEFUSED = """A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return and is not a number (a quote such as `=SUM(1)`) starts with an added `'`, so that a
spreadsheet shows it instead of running it as a formula; remove that first `'` before analysing
such text in R or pandas."""
_FORMULAS_RAW = """Text is exactly as stored: a cell that starts with `=`, `+`, `-` or `@` may run
as a formula in a spreadsheet, so open these files in R or pandas, not in a spreadsheet."""


def readme(project: Project, facts: Facts, *, raw: bool = False) -> str:
    slug, codebook = project.slug, project.codebook
    example = facts.criteria[0] if facts.criteria else "CODE"
    stages = "\n".join(f"- {line}" for line in facts.stages) or "- (no periods)"
    coders = ", ".join(facts.coders) or "none"
    licence = project.licence
    licence_line = (
        f"{licence.name} ({licence.spdx}, {licence.url})"
        if licence.spdx
        else 'no standard licence (the project\'s admins chose "another licence, or none")'
    )
    via = (
        f" ({facts.quoted_via} of them quoted from a work that cites their source)"
        if facts.quoted_via
        else ""
    )
    authors = authors_text(facts.authors)
    files = "\n".join(
        f"- `{name}`: {contents}.\n  Produced by {how}." for name, contents, how in _files(slug)
    )
    return f"""# {project.name}: replication package

Coded evidence on security communities (Deutsch 1957; Adler & Barnett 1998), exported from
sccoder, project `{slug}`. Codebook: {codebook.name}, version {codebook.version}. Classification
rule: {project.rule.name}. Data set version {facts.data_version} (the start of the SHA-256 of
`data/bundle.json`: it changes exactly when the data do). Licence: {licence_line}; see `LICENSE`.
The package records no export date, so two packages of unchanged data made by the same sccoder
are identical byte for byte; `SHA256SUMS` lets anyone check that nothing was changed
(`sha256sum -c SHA256SUMS` in this folder).

{facts.items} evidence items citing {facts.cited} source(s){via}, {facts.dyads} dyad(s) over
{facts.periods} period(s), coded by {len(facts.coders)} coder(s) ({coders}). The bibliography
lists the project's {facts.sources} source record(s).
{facts.rows.get("data/codings.csv", 0)} codings, {facts.rows.get("data/consensus.csv", 0)}
consensus codes; {facts.pending_items} item(s) still await adjudication and are left out of the
consensus and the classification.

Classification:

{stages}

## How to cite

Cite the dataset and, beside it, the sources of its evidence (`bibliography/references.md`):

> {authors} (<year>). *{project.name}* [Data set, version {facts.data_version}, codebook
> "{codebook.name}" version {codebook.version}, classification rule {project.rule.name}].
> <Repository>. <DOI>

Replace the parts in angle brackets with the deposit's year, repository and DOI. `CITATION.cff`
says the same for software that reads it; it names as authors the project's admins who have a
name on their sccoder account{"" if facts.authors else " (none has, so fill in `authors`)"}.
Add the deposit's DOI (`doi:`) and date (`date-released:`) there once you have them.

## Protocol

{facts.protocol}
## Software

Produced by sccoder {software.version()}, commit {software.commit()}. The classification rule's
code and its SHA-256 are named in `classification/rule.json`.

## Files and how each was produced

{files}

All CSV files: UTF-8, a header row, ISO 8601 dates, an empty cell for a missing value,
`true`/`false` for yes/no. "Not coded" (no row, or an empty cell) differs from a coded 0
(evidence that the condition is missing). {_FORMULAS_RAW if raw else _FORMULAS_DEFUSED}

## Reproducing the figures

Agreement of one criterion from its reliability file (values 0–3, ordinal):

```sh
python manage.py agreement reliability/{example}.csv --level ordinal --categories 0,1,2,3 \\
    --bootstrap {DRAWS} --seed {SEED} --json
```

In R, with the `irr` package, or in Python with `krippendorff`:

```r
d <- read.csv("reliability/{example}.csv", check.names = FALSE)
irr::kripp.alpha(t(as.matrix(d[, -1])), method = "ordinal")
```

```python
import pandas as pd, krippendorff
d = pd.read_csv("reliability/{example}.csv", index_col="unit")
krippendorff.alpha(d.T.to_numpy(float), level_of_measurement="ordinal")
```

The value α of `agreement/agreement.csv` reads the same units (items where at least two coders
applied the criterion; with more than two coders, only items every coder submitted). Its
application measure asks whether each coder applied the criterion at all.

The classification is re-derived from `data/consensus.csv` by rule {project.rule.name}
(`classification/rule.md`; CODEBOOK.md §4 in the sccoder source): per period the highest
consensus value of each criterion, carried forward as the rule says unless a period's item codes
it 0, then the stage tests.
`data/periods.csv` shows every step: `own_value`, `carried_from`, `overridden` (with the
reviewer's rationale) and the resulting `value`.
"""
