"""The replication package's texts besides its README: LICENSE, CITATION.cff and the
classification rule in words (``classification/rule.md``) and as data (``rule.json``).

None of them records a date or anything else about the export itself, so two packages of
unchanged data made by unchanged code stay identical.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from cases.classification.rule import Condition, Rule, carried_codes, rule_table
from cases.lib import software
from cases.projects.licences import Licence

RULE_MODULE = "cases/classification/rule.py"  # the rule's code, in sccoder's source


@dataclass(frozen=True)
class Author:
    given: str
    family: str

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.given, self.family) if part)


AUTHORS_PLACEHOLDER = "AUTHORS: replace with the data set's authors"


def authors_text(authors: list[Author]) -> str:
    return ", ".join(a.name for a in authors) if authors else f"<{AUTHORS_PLACEHOLDER}>"


# --- LICENSE ------------------------------------------------------------------------------------


def licence_text(*, title: str, authors: list[Author], version: str, licence: Licence) -> str:
    """The licence's name and address, the attribution line to copy, and what the licence does
    not cover (the quoted works)."""
    who = authors_text(authors)
    if licence.spdx is None:
        head = [
            "The data in this package are not offered under a standard licence: the project's "
            'admins chose "another licence, or none" in sccoder.',
            "The authors state the terms of reuse with their deposit; until then, ask them "
            "before reusing the data.",
        ]
        attribution = f'{who}. "{title}" (data set, version {version}).'
    else:
        head = [
            f"The data in this package are offered under the {licence.name} licence "
            f"({licence.spdx}):",
            licence.url,
        ]
        credit = f'{who}. "{title}" (data set, version {version}). {licence.spdx}, {licence.url}'
        attribution = (
            credit
            if licence.attribution
            else (
                f"{licence.spdx} asks for no attribution; please cite the data set all the same "
                f"(CITATION.cff): {credit}"
            )
        )
    quotes = (
        "The `quote` column of `data/evidence.csv` (and the quotes inside `data/bundle.json` "
        "and the REFI-QDA files) holds short verbatim passages of the cited works, quoted for "
        "scholarship. Their copyright stays with those works' authors and publishers: the "
        "licence above covers the coding, the consensus, the figures and the rest of the data, "
        "not the quoted works. `bibliography/` lists them."
    )
    made_by = (
        f"The package was produced by sccoder {software.version()} (commit "
        f"{software.commit()}); the software's own licence is separate from the data's."
    )
    paragraphs = [f"# Licence: {title}", "\n".join(head), f"Attribution:\n\n    {attribution}"]
    return "\n\n".join([*paragraphs, quotes, made_by]) + "\n"


# --- CITATION.cff -------------------------------------------------------------------------------


def citation_cff(
    *,
    title: str,
    description: str,
    authors: list[Author],
    version: str,
    licence: Licence,
    keywords: list[str],
) -> str:
    """Citation File Format 1.2.0 for the data set. No ``date-released``: the package records
    no date of its own. Strings are written as JSON strings, which YAML reads as they are."""
    lines = [
        "cff-version: 1.2.0",
        f"message: {_q('If you use this data set, please cite it as below.')}",
        "type: dataset",
        f"title: {_q(title)}",
        f"version: {_q(version)}",
    ]
    if description.strip():
        lines.append(f"abstract: {_q(' '.join(description.split()))}")
    lines.append("authors:")
    if authors:
        for author in authors:
            parts = [("family-names", author.family), ("given-names", author.given)]
            present = [(k, v) for k, v in parts if v]
            lines.append(f"  - {present[0][0]}: {_q(present[0][1])}")
            lines += [f"    {k}: {_q(v)}" for k, v in present[1:]]
    else:
        lines.append(f"  - name: {_q(AUTHORS_PLACEHOLDER)}")
    if licence.spdx:
        lines.append(f"license: {_q(licence.spdx)}")
    if keywords:
        lines.append("keywords:")
        lines += [f"  - {_q(k)}" for k in keywords]
    lines += [
        "references:",
        "  - type: software",
        f"    title: {_q(software.NAME)}",
        "    authors:",
        f"      - name: {_q('sccoder contributors')}",
        f"    version: {_q(software.version())}",
    ]
    if software.commit() != software.UNKNOWN:
        lines.append(f"    commit: {_q(software.commit())}")
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


# --- the classification rule --------------------------------------------------------------------


def rule_json(rule: Rule) -> str:
    """The rule's table as data, with the code that runs it."""
    document = {
        "rule": rule.name,
        "rule_version": rule.short_name,
        "scale": {str(value): label for value, label in rule.scale.items()},
        "table": rule_table(rule),
        "code": {
            "software": software.NAME,
            "version": software.version(),
            "commit": software.commit(),
            "module": RULE_MODULE,
            "module_sha256": software.file_sha256(RULE_MODULE),
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def rule_markdown(rule: Rule, *, carry_forward: list[str]) -> str:
    """The rule in words, step by step, read off its table (``carry_forward``: the codebook's
    carry-forward flags, which the rule honours beside its own)."""
    carried = carried_codes(carry_forward, rule)
    scale = ", ".join(f"{value} {label}" for value, label in rule.scale.items())
    silence = (
        "A code that no item of a period documents is **missing**, not 0. When a period's "
        "stage is lower than the previous period's only because such codes are missing, the "
        "period is reported as *indeterminate*, with the undocumented codes named "
        "(`indeterminate`, `undocumented`)."
        if rule.silence_is_missing
        else "A code that no item of a period documents (and nothing carries) counts as 0."
    )
    lines = [
        f"# Classification rule {rule.name}",
        "",
        "The rule that turns each period's consensus codes into its stage "
        f"({', '.join(rule.stage_names)}) and, at the top stage, its coupling. `rule.json` "
        "holds the same table as data. The code that runs it is "
        f"`{RULE_MODULE}` of sccoder {software.version()} (commit {software.commit()}; the "
        "file's SHA-256 is in `rule.json`).",
        "",
        f'Values are on the codebook\'s scale: {scale}. "≥ 2" means moderate or stronger.',
        "",
        "## Step 0: the period's values",
        "",
        "Each code's value in a period is the highest consensus value among the period's "
        "evidence items; items awaiting adjudication are left out.",
        "",
        f"- Carried forward from the last period that documented them, unless an item of the "
        f"period codes them 0: {_codes(carried)}.",
        f"- Never carried (they must be shown in the period itself): {_codes(rule.never_carried)}.",
        "- A reviewer's period override replaces the value after carrying, with its rationale; "
        "the next period carries the overridden value.",
        f"- {silence}",
    ]
    for number, step in enumerate(rule.stages, start=1):
        before = rule.stage_names[number - 1]  # each step needs the ones before it
        lines += ["", f"## Step {number}: {step.name}", ""]
        lines.append(
            f"A period that reaches {before} is {step.name} when all of these hold:"
            if number > 1
            else f"A period is {step.name} (rather than {before}) when all of these hold:"
        )
        lines += [""] + [f"- {_condition(c, rule)}" for c in step.conditions]
    top = rule.stage_names[-1]
    lines += ["", f"## Step {len(rule.stages) + 1}: coupling", ""]
    lines.append(
        f"A {top} period is {rule.coupling.name} coupled when all of these hold, and "
        f"{rule.base_coupling} coupled otherwise:"
    )
    lines += [""] + [f"- {_condition(c, rule)}" for c in rule.coupling.conditions]
    lines += [
        "",
        "A period's `blocked_by` (in `classification.json` and `data/periods.csv`) lists the "
        "conditions of the next step up that it does not meet.",
    ]
    return "\n".join(lines) + "\n"


def _codes(codes) -> str:
    return ", ".join(f"`{code}`" for code in codes) or "none"


def _condition(condition: Condition, rule: Rule) -> str:
    level = f"≥ {condition.minimum} ({rule.scale.get(condition.minimum, condition.minimum)})"
    if condition.is_single:
        test = f"`{condition.codes[0]}` {level}"
    elif condition.is_count:
        test = f"at least {condition.count} of {_codes(condition.codes)} {level}"
    else:
        test = f"the highest of {_codes(condition.codes)} {level}"
    return f"{condition.label}: {test}"


__all__ = [
    "Author",
    "authors_text",
    "citation_cff",
    "licence_text",
    "rule_json",
    "rule_markdown",
]
