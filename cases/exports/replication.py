"""The replication package: one zip with everything a journal's data editor asks for.

Layout (inside one folder, ``<slug>-replication/``): README.md, codebook/ (Markdown, CSV,
REFI-QDA), data/ (codings, consensus, period values, the whole project as a bundle),
reliability/ (one agreement-command CSV per criterion), agreement/ (the agreement table),
classification/ (the classify command's JSON with the explanations), bibliography/ (formatted
references and CSL-JSON), SHA256SUMS. Nothing in it records when it was made, so two packages of
unchanged data are byte-identical. Admins and reviewers only: a package must be complete.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ..bundles import dump_bundle, export_bundle
from ..citations import format_bibliography
from ..classify_project import classify_project
from ..models import Assignment, Criterion, Evidence, Project, Source
from ..review.reliability import ROW_KEYS, agreement_rows
from .archive import Archive
from .csv_exports import csv_chunks, scope_of, write_codebook_markdown
from .refiqda import write_qdc
from .tables import (
    Table,
    codebook_table,
    codings_table,
    consensus_table,
    periods_table,
    reliability_table,
)

DRAWS = 1000  # bootstrap draws for the agreement intervals
SEED = 1


@dataclass
class _Counts:
    rows: dict[str, int] = field(default_factory=dict)


def _counted(table: Table, counts: _Counts, name: str) -> Table:
    def rows() -> Iterator:
        n = 0
        for n, row in enumerate(table.rows, start=1):  # noqa: B007
            yield row
        counts.rows[name] = n

    return Table(table.name, table.header, rows(), has_yes_no=table.has_yes_no)


def write_replication_package(
    out: BinaryIO | str, project: Project, *, viewer, raw: bool = False
) -> None:
    """``raw``: CSV text exactly as stored; by default a text cell that a spreadsheet would run
    as a formula is defused (``csv_exports.defused``)."""
    scope = scope_of(viewer)
    scope.check_replication()
    root = f"{project.slug}-replication/"
    counts = _Counts()
    with Archive(out) as archive:

        def csv_file(name: str, table: Table) -> None:
            with archive.text_entry(root + name) as entry:
                for chunk in csv_chunks(_counted(table, counts, name), raw=raw):
                    entry.write(chunk)

        codebook = project.codebook
        with archive.text_entry(root + "codebook/codebook.md") as entry:
            write_codebook_markdown(entry, codebook)
        csv_file("codebook/codebook.csv", codebook_table(codebook))
        qdc = io.BytesIO()
        write_qdc(qdc, codebook)
        archive.write_bytes(root + "codebook/codebook.qdc", qdc.getvalue())

        csv_file("data/codings.csv", codings_table(project, scope))
        csv_file("data/consensus.csv", consensus_table(project, scope))
        csv_file("data/periods.csv", periods_table(project, scope))
        archive.write_text(root + "data/bundle.json", dump_bundle(export_bundle(project)))

        criteria = list(Criterion.objects.filter(codebook=codebook).order_by("order", "code"))
        for criterion in criteria:
            csv_file(
                f"reliability/{criterion.code}.csv",
                reliability_table(project, criterion, scope, variant="value"),
            )
        agreement = agreement_rows(project, draws=DRAWS, seed=SEED)
        csv_file("agreement/agreement.csv", Table("agreement", ROW_KEYS, _agreement(agreement)))

        classification = classify_project(project)
        archive.write_text(
            root + "classification/classification.json",
            json.dumps(classification, ensure_ascii=False, indent=2) + "\n",
        )
        sources = {s.key: s.csl for s in Source.objects.filter(project=project).order_by("key")}
        archive.write_text(
            root + "bibliography/references.md", _references(sources, project.citation_style)
        )
        archive.write_text(
            root + "bibliography/sources.csl.json",
            json.dumps(
                [{**csl, "id": key} for key, csl in sources.items()],
                ensure_ascii=False,
                indent=2,
                sort_keys=True,
            )
            + "\n",
        )
        facts = _facts(project, classification, counts, len(sources), criteria)
        archive.write_text(root + "README.md", readme(project, facts, raw=raw))
        sums = "".join(
            f"{digest}  {name.removeprefix(root)}\n" for name, digest in archive.digests.items()
        )
        archive.write_text(root + "SHA256SUMS", sums)


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
    sources: int
    criteria: list[str]
    rows: dict[str, int]
    pending_items: int
    stages: list[str]


def _facts(project, classification, counts: _Counts, n_sources: int, criteria) -> Facts:
    coders = sorted(
        set(
            Assignment.objects.filter(
                evidence__project=project, status=Assignment.Status.SUBMITTED
            ).values_list("coder__username", flat=True)
        )
    )
    dyads = classification["dyads"]
    return Facts(
        items=Evidence.objects.filter(project=project).count(),
        coders=coders,
        dyads=len(dyads),
        periods=sum(len(d["periods"]) for d in dyads),
        sources=n_sources,
        criteria=[c.code for c in criteria],
        rows=counts.rows,
        pending_items=sum(p["pending_items"] for d in dyads for p in d["periods"]),
        stages=[
            f"{d['code']} {p['code']} ({p['start_year']}–{p['end_year'] or ''}): {p['stage']}"
            + (f", {p['coupling']} coupled" if p["coupling"] else "")
            for d in dyads
            for p in d["periods"]
        ],
    )


def _files(slug: str) -> list[tuple[str, str, str]]:
    """(file, what it holds, how it was produced) for the README."""
    return [
        (
            "codebook/codebook.md",
            "the value scale and every criterion: definition, indicators, carry-forward flag "
            "and verification tag",
            f"`python manage.py export_codebook {slug} --format md`",
        ),
        (
            "codebook/codebook.csv",
            'the same, one row per criterion (indicators joined with " | ")',
            f"`python manage.py export_codebook {slug}`",
        ),
        (
            "codebook/codebook.qdc",
            "the codebook for QDA software (REFI-QDA), one code per criterion and value",
            f"`python manage.py export_codebook {slug} --format qdc`",
        ),
        (
            "data/codings.csv",
            "every coder's codings of submitted items, one row per item × criterion × coder, "
            "with the citation and page",
            f"`python manage.py export_codings {slug}`",
        ),
        (
            "data/consensus.csv",
            "the settled consensus per item and criterion: recorded decisions (`adjudicated`, "
            "`unanimous`) and exact agreement of the submitted coders (`agreed`)",
            f"`python manage.py export_consensus {slug}`",
        ),
        (
            "data/periods.csv",
            "per dyad × period × criterion the period value (own items, carried forward, "
            "overridden) and the period's stage, coupling and explanation",
            f"`python manage.py export_periods {slug}`",
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
            "classification/classification.json",
            "the stage and coupling of every period, the values the rule read, what blocked "
            "the next stage, and the explanation in words",
            f"`python manage.py classify {slug} --json`",
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
    files = "\n".join(
        f"- `{name}`: {contents}.\n  Produced by {how}." for name, contents, how in _files(slug)
    )
    return f"""# {project.name}: replication package

Coded evidence on security communities (Deutsch 1957; Adler & Barnett 1998), exported from
sccoder, project `{slug}`. Codebook: {codebook.name}, version {codebook.version}. Classification
rule: {project.rule.name}. The package records no export date, so two packages of unchanged data are
identical byte for byte; `SHA256SUMS` lets anyone check that nothing was changed
(`sha256sum -c SHA256SUMS` in this folder).

{facts.items} evidence items from {facts.sources} sources, {facts.dyads} dyad(s) over
{facts.periods} period(s), coded by {len(facts.coders)} coder(s) ({coders}).
{facts.rows.get("data/codings.csv", 0)} codings, {facts.rows.get("data/consensus.csv", 0)}
consensus codes; {facts.pending_items} item(s) still await adjudication and are left out of the
consensus and the classification.

Classification:

{stages}

## How to cite

Cite the dataset and, beside it, the sources of its evidence (`bibliography/references.md`):

> <Authors> (<year>). *{project.name}* [Data set, codebook "{codebook.name}" version
> {codebook.version}, classification rule {project.rule.name}]. <Repository>. <DOI>

Replace the parts in angle brackets with the deposit's authors, year, repository and DOI.

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

The classification is re-derived from `data/consensus.csv` by rule {project.rule.name} (CODEBOOK.md
§4 in the sccoder source): per period the highest consensus value of each criterion, carried
forward for the carry-forward criteria unless a period's item codes it 0, then the stage tests.
`data/periods.csv` shows every step: `own_value`, `carried_from`, `overridden` (with the
reviewer's rationale) and the resulting `value`.
"""
