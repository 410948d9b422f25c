"""The replication package's README: what the data are, how to cite them, the coding protocol,
every file and how it was produced, and how to reproduce the figures."""

from __future__ import annotations

from dataclasses import dataclass

from cases.exports.package_texts import Author, authors_text
from cases.exports.replication_files import DRAWS, SEED, package_files
from cases.lib import software
from cases.models import Project


@dataclass(frozen=True)
class Facts:
    """What the README says of the data, gathered as the package is written."""

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
        f"- `{name}`: {contents}.\n  Produced by {how}."
        for name, contents, how in package_files(slug)
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
