"""The files of the replication package: what each holds and how it was produced, as the README
lists them and datapackage.json describes its CSV files."""

from __future__ import annotations

DRAWS = 1000  # bootstrap draws for the agreement intervals
SEED = 1


def package_files(slug: str) -> list[tuple[str, str, str]]:
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
            "data/annotations.jsonld",
            "the evidence items taken from the sources' documents as W3C Web Annotations "
            "(JSON-LD): each document named by its SHA-256, each passage by its quote, "
            "position and page, with the item's consensus codes (empty when no item was taken "
            "from a document)",
            f"`python manage.py export_annotations {slug}`",
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
