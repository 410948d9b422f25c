"""A bundle's records (evidence, codings, consensus, overrides, judgments) against its names."""

from typing import Any

from cases.bundles.definitions import Checked
from cases.bundles.fields import (
    characters,
    checked_key,
    code_texts,
    entries,
    hashable,
    is_int,
    known,
    text_of,
)
from cases.bundles.problems import ENTRY_KEYS, Path, Problems
from cases.bundles.shape import longer_than
from cases.classification.rule import has_coupling
from cases.lib import limits
from cases.lib.dates import EvidenceDate, EvidenceDateError, parse_evidence_date
from cases.lib.locators import is_valid_locator


def check_records(problems: Problems, checked: Checked, doc: dict) -> None:
    """Check every record against the names the definitions gathered."""
    _check_evidence(problems, checked, doc.get("evidence"))
    _check_codings(problems, checked, doc.get("codings"))
    _check_consensus(problems, checked, doc.get("consensus"))
    _check_overrides(problems, checked, doc.get("period_overrides"))
    _check_judgments(problems, checked, doc.get("stage_judgments"))
    _check_unique(problems, doc)


def _in_period(year: int, span: tuple[int, int | None]) -> bool:
    return span[0] <= year and (span[1] is None or year <= span[1])


def _reaches(parsed: EvidenceDate, span: tuple[int, int | None]) -> bool:
    """An interval date may be placed in a period its span overlaps (a coder's placement of a
    cumulative figure; the reason goes in the locator note)."""
    end = span[1] if span[1] is not None else 10**4
    return parsed.is_interval and parsed.start_year <= end and parsed.end.year >= span[0]


def _check_via(problems: Problems, checked: Checked, path: Path, item: dict) -> None:
    """The optional extension of an item quoted from one work that rests on another it cites."""
    via = item.get("via_source")
    characters(problems, path, item, "via_locator")
    via_locator = text_of(item, "via_locator")
    if via is None:
        if via_locator:
            problems.add(path, "via_locator needs a via_source")
        return
    if not known(via, checked.sources):
        problems.add(path, f'unknown via_source "{via}"')
    elif via == item.get("source"):
        problems.add(path, f'via_source "{via}" is the source itself')
    if not is_valid_locator(via_locator):
        problems.add(path, f'malformed page locator "{via_locator}" (via_locator)')


def _check_assessment(problems: Problems, path: Path, item: dict) -> None:
    """The optional author's stage assessment (CODEBOOK.md §4b)."""
    stage, coupling = item.get("assessed_stage"), item.get("assessed_coupling")
    if stage is None:
        if coupling is not None:
            problems.add(path, "assessed_coupling needs an assessed_stage")
        return
    accepted = problems.accepted(path, "assessed_stage")
    if accepted and item.get("evidence_type") != "author_assessment":
        problems.add(path, "assessed_stage is for author_assessment items only")
    coupled = coupling is not None and problems.accepted(path, "assessed_coupling")
    if coupled and not has_coupling(stage):
        problems.add(path, "assessed_coupling is only for an assessed mature stage")


def _check_footnote(problems: Problems, path: Path, item: dict) -> None:
    """A footnote may be written as a number; as text it must fit like any other."""
    footnote = item.get("footnote")
    if is_int(footnote) and len(str(footnote)) > limits.FOOTNOTE:
        problems.add(path, longer_than("footnote", limits.FOOTNOTE, len(str(footnote))))
    characters(problems, path, item, "footnote")


def _check_evidence(problems: Problems, checked: Checked, evidence: Any) -> None:
    for path, item in entries(evidence, "evidence"):
        key = checked_key(problems, path, item)
        if key in checked.evidence_dyad:
            problems.add(path, f'duplicate evidence key "{key}"')
            continue
        dyad = item.get("dyad")
        if not known(dyad, checked.periods):
            problems.add(path, f'unknown dyad "{dyad}"')
            dyad = None
        source = item.get("source")
        if not known(source, checked.sources):
            problems.add(path, f'unknown source "{source}"')
        characters(problems, path, item, "quote", "summary", "locator_note", "locator")
        locator = text_of(item, "locator")
        if not is_valid_locator(locator):
            problems.add(path, f'malformed page locator "{locator}"')
        _check_via(problems, checked, path, item)
        _check_assessment(problems, path, item)
        _check_footnote(problems, path, item)
        try:
            parsed = parse_evidence_date(text_of(item, "date"))
            year = parsed.start_year
        except EvidenceDateError as exc:
            problems.add(path, f"date: {exc}")
            year = None
        if key:
            checked.evidence_dyad[key] = dyad
        if dyad is not None and problems.accepted(path, "states"):
            _check_states(problems, checked, path, dyad, item.get("states") or [])
        if dyad is None or year is None:
            continue
        spans = checked.periods[dyad]
        period = item.get("period")
        if period is not None:
            if not known(period, spans):
                problems.add(path, f'unknown period "{period}" of dyad {dyad}')
            elif not (_in_period(year, spans[period]) or _reaches(parsed, spans[period])):
                problems.add(path, f"the date's start year {year} is not in period {period}")
            continue
        matching = [code for code, span in spans.items() if _in_period(year, span)]
        if len(matching) != 1:
            problems.add(path, f"{year} falls outside every period of dyad {dyad}")
        else:
            checked.derived_periods[key] = matching[0]


def _check_states(problems: Problems, checked: Checked, path: Path, dyad: str, states) -> None:
    members = checked.states.get(dyad, [])
    repeated = sorted({s for s in states if states.count(s) > 1})
    outside = [s for s in states if s not in members]
    if repeated:
        problems.add(path, f"{', '.join(repeated)} is listed twice in its states")
    elif outside and members:
        problems.add(path, f"states: {', '.join(outside)} is not a member of {dyad}")


def _check_value(problems: Problems, checked: Checked, path: Path, code: Any, value: Any) -> None:
    if code not in checked.criteria:
        problems.add(path, f'unknown criterion "{code}"')
    elif not is_int(value) or value not in checked.scale:
        allowed = ", ".join(str(v) for v in sorted(checked.scale))
        problems.add(path, f"{code} = {value!r} is not on the scale ({allowed})")


def _check_values(problems: Problems, checked: Checked, path: Path, entry: dict) -> dict:
    values = entry.get("values", {})
    if not isinstance(values, dict):
        return {}  # the schema says what it must be
    for code, value in values.items():
        _check_value(problems, checked, path, code, value)
    return values


def _check_member(
    problems: Problems, checked: Checked, path: Path, entry: dict, name: str, *, required: bool
) -> None:
    username = entry.get(name)
    if username is None and not required:
        return
    if not known(username, checked.members):
        problems.add(path, f'{name} "{username}" is not among the members')


def _check_item(problems: Problems, checked: Checked, path: Path, entry: dict) -> None:
    if not known(entry.get("evidence"), checked.evidence_dyad):
        problems.add(path, f'unknown evidence "{entry.get("evidence")}"')


def _check_codings(problems: Problems, checked: Checked, codings: Any) -> None:
    for path, entry in entries(codings, "codings"):
        _check_item(problems, checked, path, entry)
        _check_member(problems, checked, path, entry, "coder", required=True)
        values = _check_values(problems, checked, path, entry)
        for code in code_texts(problems, path, entry, "notes"):
            if code not in values:
                problems.add(path, f'note for "{code}", which this coder did not code')


def _check_consensus(problems: Problems, checked: Checked, consensus: Any) -> None:
    for path, entry in entries(consensus, "consensus"):
        _check_item(problems, checked, path, entry)
        values = _check_values(problems, checked, path, entry)
        _check_member(problems, checked, path, entry, "decided_by", required=False)
        characters(problems, path, entry, "rationale")
        code_texts(problems, path, entry, "rationales")
        methods = entry.get("methods", {})
        for code in methods if isinstance(methods, dict) else ():
            if code not in values:
                problems.add(path, f'method for "{code}", which "values" does not list')


def _check_dyad_period(problems: Problems, checked: Checked, path: Path, entry: dict) -> None:
    dyad, period = entry.get("dyad"), entry.get("period")
    if not known(dyad, checked.periods):
        problems.add(path, f'unknown dyad "{dyad}"')
    elif not known(period, checked.periods[dyad]):
        problems.add(path, f'unknown period "{period}" of dyad {dyad}')


def _check_overrides(problems: Problems, checked: Checked, overrides: Any) -> None:
    for path, entry in entries(overrides, "period_overrides"):
        _check_dyad_period(problems, checked, path, entry)
        code = entry.get("criterion")
        _check_value(problems, checked, path, code, entry.get("value"))
        _check_member(problems, checked, path, entry, "decided_by", required=False)
        characters(problems, path, entry, "rationale")


def _check_judgments(problems: Problems, checked: Checked, judgments: Any) -> None:
    for path, entry in entries(judgments, "stage_judgments"):
        _check_dyad_period(problems, checked, path, entry)
        _check_member(problems, checked, path, entry, "coder", required=True)
        if entry.get("coupling") is not None and not has_coupling(entry.get("stage")):
            problems.add(path, "only a mature community is loosely or tightly coupled")
        characters(problems, path, entry, "rationale")


# A record may stand once for what its entry keys name: one coder's codings of an item, one
# consensus per item, one override per period and criterion, one judgment per period and coder.
DUPLICATE = {
    "codings": "duplicate codings entry for this item and coder",
    "consensus": "duplicate consensus entry for this item",
    "period_overrides": "duplicate override for this period and criterion",
    "stage_judgments": "duplicate stage judgment for this period and coder",
}


def _check_unique(problems: Problems, doc: dict) -> None:
    for section, message in DUPLICATE.items():
        seen = set()
        for path, entry in entries(doc.get(section), section):
            names = tuple(hashable(entry.get(name)) for name in ENTRY_KEYS[section])
            if names in seen:
                problems.add(path, message)
            seen.add(names)
