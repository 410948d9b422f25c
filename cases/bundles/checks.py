"""Validation of a bundle document (format v1) before anything is written.

Pure: no database access. Every problem is collected (not just the first) and named by its
place in the document, e.g. ``evidence[12] (KAR-P03): unknown criterion "AB-T9-X"``; list
indexes count from 0, as in a JSON path.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from cases.bundles.format import FORMAT, VERSION, BundleError
from cases.lib import limits
from cases.lib.dates import EvidenceDateError, parse_evidence_date
from cases.lib.locators import is_valid_locator
from cases.projects.licences import LICENCES
from cases.sources import check_key

ROLES = ("admin", "reviewer", "coder", "observer")
EVIDENCE_TYPES = (
    "event",
    "agreement",
    "policy",
    "statistic",
    "survey",
    "discourse",
    "research_finding",
    "context",
    "author_assessment",
)
STAGES = ("none", "nascent", "ascendant", "mature")
COUPLINGS = ("loosely", "tightly")
CONSENSUS_METHODS = ("unanimous", "adjudicated")
VERIFICATION_TAGS = ("V", "S", "U")

_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_USERNAME = re.compile(r"^[\w.@+-]+$")


@dataclass
class Checked:
    """What later checks need to know about the document's names, gathered while checking."""

    scale: set[int] = field(default_factory=set)
    criteria: list[str] = field(default_factory=list)
    members: dict[str, str] = field(default_factory=dict)
    periods: dict[str, dict[str, tuple[int, int | None]]] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)
    evidence_dyad: dict[str, str] = field(default_factory=dict)
    # evidence key -> period code, for items whose period the date decides
    derived_periods: dict[str, str] = field(default_factory=dict)


class Problems:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _label(section: str, index: int, entry: Any, *names: str) -> str:
    """``evidence[12] (KAR-P03)``: the index, and the entry's own key where it has one."""
    where = f"{section}[{index}]"
    if isinstance(entry, dict):
        parts = [
            limits.visible(str(entry[n])) for n in names if isinstance(entry.get(n), str | int)
        ]
        if parts:
            where += f" ({'/'.join(parts)})"
    return where


# The longest text of each field (cases.lib.limits): what the database columns take, and the limits
# on free text that every other way in applies too.
MAX_LENGTH = {
    "slug": limits.SLUG,
    "name": limits.NAME,
    "citation_style": limits.CITATION_STYLE,
    "code": limits.CODE,
    "framework": limits.FRAMEWORK,
    "group": limits.FRAMEWORK,
    "username": limits.USERNAME,
    "label": limits.LABEL,
    "key": limits.KEY,
    "locator": limits.LOCATOR,
    "via_locator": limits.LOCATOR,
    "locator_note": limits.LOCATOR_NOTE,
    "footnote": limits.FOOTNOTE,
    "quote": limits.QUOTE,
    "summary": limits.SUMMARY,
    "description": limits.DESCRIPTION,
    "definition": limits.DEFINITION,
    "notes": limits.CRITERION_NOTES,
    "rationale": limits.RATIONALE,
}
# Identifiers: nothing invisible (bidirectional controls, zero-width spaces, line breaks).
# (Keys are checked by check_key, which says the same.)
IDENTIFIERS = {"slug", "code", "username", "citation_style"}
# One-line text: no control characters and no bidirectional controls.
LINES = {"name", "framework", "group", "label", "locator_note", "footnote"}


def _text(
    problems: Problems,
    where: str,
    entry: dict,
    name: str,
    *,
    required: bool,
    limit: int | None = None,
) -> str:
    value = entry.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        problems.add(where, f'"{name}" must be a string')
        return ""
    if required and not value.strip():
        problems.add(where, f'"{name}" cannot be empty')
    limit = limit or MAX_LENGTH.get(name)
    if limit and len(value) > limit:
        problems.add(where, f'"{name}" is longer than {limit:,} characters (it has {len(value):,})')
    if name in IDENTIFIERS:
        problem = limits.identifier_problem(value)
    elif name in LINES:
        problem = limits.line_problem(value)
    else:
        problem = limits.unstorable(value)
    if problem:
        problems.add(where, f'"{name}" {problem}')
    return value


def _texts(problems: Problems, where: str, entry: dict, name: str, limit: int) -> None:
    """A map of criterion codes to text ("notes", "rationales"): each text within its limit."""
    texts = entry.get(name, {})
    if not isinstance(texts, dict) or not all(isinstance(t, str) for t in texts.values()):
        return  # the caller says what shape it must have
    for code, text in texts.items():
        problem = limits.text_problem(text, limit)
        if problem:
            problems.add(where, f'"{name}" of {code} {_predicate(problem)}')


def _predicate(problem: str) -> str:
    return f"is too long: {problem}" if problem.startswith("at most") else problem


def _list(problems: Problems, doc: dict, name: str) -> list:
    value = doc.get(name, [])
    if not isinstance(value, list):
        problems.add(name, "must be a list")
        return []
    return value


def check_bundle(doc: Any) -> Checked:
    """Raise BundleError listing every problem; return the gathered names when all is well."""
    problems = Problems()
    checked = Checked()
    if not isinstance(doc, dict):
        raise BundleError(["bundle: the document must be a JSON object"])
    if doc.get("format") != FORMAT:
        problems.add("format", f'must be "{FORMAT}", found {doc.get("format")!r}')
    if doc.get("version") != VERSION:
        problems.add(
            "version", f"this sccoder reads version {VERSION}, found {doc.get('version')!r}"
        )
    _check_project(problems, doc.get("project"))
    _check_codebook(problems, checked, doc.get("codebook"))
    _check_members(problems, checked, _list(problems, doc, "members"))
    _check_dyads(problems, checked, _list(problems, doc, "dyads"))
    _check_sources(problems, checked, _list(problems, doc, "sources"))
    _check_evidence(problems, checked, _list(problems, doc, "evidence"))
    _check_codings(problems, checked, _list(problems, doc, "codings"))
    _check_consensus(problems, checked, _list(problems, doc, "consensus"))
    _check_overrides(problems, checked, _list(problems, doc, "period_overrides"))
    _check_judgments(problems, checked, _list(problems, doc, "stage_judgments"))
    if problems.errors:
        raise BundleError(problems.errors)
    return checked


def _check_project(problems: Problems, project: Any) -> None:
    if not isinstance(project, dict):
        problems.add("project", "must be an object with slug and name")
        return
    slug = _text(problems, "project", project, "slug", required=True)
    if slug and not limits.identifier_problem(slug) and not _SLUG.fullmatch(slug):
        problems.add("project", f'slug "{slug}" may use only letters, digits, - and _')
    _text(problems, "project", project, "name", required=True)
    _text(problems, "project", project, "description", required=False)
    _text(problems, "project", project, "citation_style", required=False)
    rule = project.get("rule_version")
    if rule is not None and rule not in ("v1", "v2"):
        problems.add("project", f'rule_version "{rule}" is not a rule: use "v1" or "v2"')
    licence = project.get("data_licence")
    if licence is not None and (not isinstance(licence, str) or licence not in LICENCES):
        problems.add(
            "project",
            f'data_licence "{licence}" is not one sccoder offers: use one of {", ".join(LICENCES)}',
        )


def _check_codebook(problems: Problems, checked: Checked, codebook: Any) -> None:
    if not isinstance(codebook, dict):
        problems.add("codebook", "must be an object with name, scale and criteria")
        return
    _text(problems, "codebook", codebook, "name", required=True)
    if not isinstance(codebook.get("version", "1"), str | int):
        problems.add("codebook", '"version" must be a string')
    elif isinstance(codebook.get("version"), str):
        version = codebook["version"]
        problem = limits.identifier_problem(version) or limits.too_long(version, limits.VERSION)
        if problem:
            problems.add("codebook", f'"version" {_predicate(problem)}')
    scale = codebook.get("scale")
    if not isinstance(scale, list) or len(scale) < 2:
        problems.add("codebook.scale", "must list at least two values")
        scale = []
    labels = set()
    for i, point in enumerate(scale):
        where = f"codebook.scale[{i}]"
        if not isinstance(point, dict) or not _is_int(point.get("value")):
            problems.add(where, '"value" must be an integer')
            continue
        label = _text(problems, where, point, "label", required=True, limit=limits.SCALE_LABEL)
        if point["value"] in checked.scale:
            problems.add(where, f"duplicate value {point['value']}")
        if label in labels:
            problems.add(where, f'duplicate label "{label}"')
        checked.scale.add(point["value"])
        labels.add(label)
    criteria = codebook.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        problems.add("codebook.criteria", "must list at least one criterion")
        criteria = []
    for i, criterion in enumerate(criteria):
        where = _label("codebook.criteria", i, criterion, "code")
        if not isinstance(criterion, dict):
            problems.add(where, "must be an object")
            continue
        code = _text(problems, where, criterion, "code", required=True)
        for name in ("name", "framework", "group", "definition"):
            _text(problems, where, criterion, name, required=True)
        _text(problems, where, criterion, "notes", required=False)
        indicators = criterion.get("indicators", [])
        if not isinstance(indicators, list) or not all(isinstance(x, str) for x in indicators):
            problems.add(where, '"indicators" must be a list of strings')
        elif len(indicators) > limits.INDICATORS:
            problems.add(where, f'"indicators" lists more than {limits.INDICATORS}')
        else:
            for number, text in enumerate(indicators):
                problem = limits.text_problem(text, limits.INDICATOR)
                if problem:
                    problems.add(where, f'"indicators[{number}]" {_predicate(problem)}')
        if not isinstance(criterion.get("carry_forward", False), bool):
            problems.add(where, '"carry_forward" must be true or false')
        if criterion.get("verification", "U") not in VERIFICATION_TAGS:
            problems.add(where, f'"verification" must be one of {", ".join(VERIFICATION_TAGS)}')
        if code in checked.criteria:
            problems.add(where, f'duplicate criterion code "{code}"')
        elif code:
            checked.criteria.append(code)


def _check_members(problems: Problems, checked: Checked, members: list) -> None:
    for i, member in enumerate(members):
        where = _label("members", i, member, "username")
        if not isinstance(member, dict):
            problems.add(where, "must be an object with username and role")
            continue
        username = _text(problems, where, member, "username", required=True)
        if (
            username
            and not limits.identifier_problem(username)
            and not _USERNAME.fullmatch(username)
        ):
            problems.add(where, f'"{username}" is not a valid username')
        role = member.get("role")
        if role not in ROLES:
            problems.add(where, f"role must be one of {', '.join(ROLES)}, found {role!r}")
        if username in checked.members:
            problems.add(where, f'duplicate member "{username}"')
        elif username:
            checked.members[username] = role


def _check_dyads(problems: Problems, checked: Checked, dyads: list) -> None:
    pairs: dict[tuple[str, str], str] = {}
    for i, dyad in enumerate(dyads):
        where = _label("dyads", i, dyad, "code")
        if not isinstance(dyad, dict):
            problems.add(where, "must be an object")
            continue
        code = _text(problems, where, dyad, "code", required=True)
        _text(problems, where, dyad, "name", required=True)
        states = []
        for name in ("state_a", "state_b"):
            state = dyad.get(name)
            if not isinstance(state, str) or not _ISO3.match(state):
                problems.add(where, f'"{name}" must be an ISO 3166-1 alpha-3 code such as "TUR"')
            else:
                states.append(state)
        if len(states) == 2:
            pair = tuple(sorted(states))
            if states[0] == states[1]:
                problems.add(where, "a dyad needs two different states")
            elif pair in pairs:
                problems.add(where, f"the pair {pair[0]}–{pair[1]} is already dyad {pairs[pair]}")
            else:
                pairs[pair] = code
        if code in checked.periods:
            problems.add(where, f'duplicate dyad code "{code}"')
            continue
        checked.periods[code] = _check_periods(problems, where, dyad.get("periods", []))


def _check_periods(problems: Problems, dyad_where: str, periods: Any) -> dict:
    spans: dict[str, tuple[int, int | None]] = {}
    if not isinstance(periods, list):
        problems.add(dyad_where, '"periods" must be a list')
        return spans
    for i, period in enumerate(periods):
        where = f"{dyad_where}.periods[{i}]"
        if not isinstance(period, dict):
            problems.add(where, "must be an object")
            continue
        code = _text(problems, where, period, "code", required=True)
        where = _label(f"{dyad_where}.periods", i, period, "code")
        _text(problems, where, period, "label", required=False)
        start, end = period.get("start_year"), period.get("end_year")
        if not _is_int(start):
            problems.add(where, '"start_year" must be an integer year')
            continue
        if end is not None and not _is_int(end):
            problems.add(where, '"end_year" must be an integer year or null (open)')
            continue
        if end is not None and end < start:
            problems.add(where, f"ends ({end}) before it starts ({start})")
            continue
        for other, (o_start, o_end) in spans.items():
            if (
                start <= (o_end if o_end is not None else 10**4)
                and (end if end is not None else 10**4) >= o_start
            ):
                problems.add(where, f"overlaps period {other} ({o_start}–{o_end or ''})")
        if code in spans:
            problems.add(where, f'duplicate period code "{code}"')
        elif code:
            spans[code] = (start, end)
    return spans


def _check_sources(problems: Problems, checked: Checked, sources: list) -> None:
    for i, source in enumerate(sources):
        where = _label("sources", i, source, "key")
        if not isinstance(source, dict):
            problems.add(where, "must be an object with key and csl")
            continue
        key = _text(problems, where, source, "key", required=True)
        if key and check_key(key):
            problems.add(where, check_key(key))
        if not isinstance(source.get("csl"), dict):
            problems.add(where, '"csl" must be a CSL-JSON object')
        else:
            for _variable, message in limits.csl_problems(source["csl"])[:10]:
                problems.add(where, f"csl: {message}")
        if key in checked.sources:
            problems.add(where, f'duplicate source key "{key}"')
        elif key:
            checked.sources.add(key)


def _in_period(year: int, span: tuple[int, int | None]) -> bool:
    return span[0] <= year and (span[1] is None or year <= span[1])


def _reaches(parsed, span: tuple[int, int | None]) -> bool:
    """An interval date may be placed in a period its span overlaps (a coder's placement of a
    cumulative figure; the reason goes in the locator note)."""
    end = span[1] if span[1] is not None else 10**4
    return parsed.is_interval and parsed.start_year <= end and parsed.end.year >= span[0]


def _check_via(problems: Problems, checked: Checked, where: str, item: dict) -> None:
    """The optional extension of an item quoted from one work that rests on another it cites."""
    via = item.get("via_source")
    via_locator = _text(problems, where, item, "via_locator", required=False)
    if via is None:
        if via_locator:
            problems.add(where, "via_locator needs a via_source")
        return
    if not isinstance(via, str) or via not in checked.sources:
        problems.add(where, f'unknown via_source "{via}"')
    elif via == item.get("source"):
        problems.add(where, f'via_source "{via}" is the source itself')
    if not is_valid_locator(via_locator):
        problems.add(where, f'malformed page locator "{via_locator}" (via_locator)')


def _check_assessment(problems: Problems, where: str, item: dict) -> None:
    """The optional author's stage assessment (CODEBOOK.md §4b)."""
    stage, coupling = item.get("assessed_stage"), item.get("assessed_coupling")
    if stage is None:
        if coupling is not None:
            problems.add(where, "assessed_coupling needs an assessed_stage")
        return
    if stage not in STAGES:
        problems.add(where, f'unknown assessed_stage "{stage}"')
    elif item.get("evidence_type") != "author_assessment":
        problems.add(where, "assessed_stage is for author_assessment items only")
    if coupling is not None:
        if coupling not in COUPLINGS:
            problems.add(where, f'unknown assessed_coupling "{coupling}"')
        elif stage != "mature":
            problems.add(where, "assessed_coupling is only for an assessed mature stage")


def _check_evidence(problems: Problems, checked: Checked, evidence: list) -> None:
    for i, item in enumerate(evidence):
        where = _label("evidence", i, item, "key")
        if not isinstance(item, dict):
            problems.add(where, "must be an object")
            continue
        key = _text(problems, where, item, "key", required=True)
        if key and check_key(key):
            problems.add(where, check_key(key))
        if key in checked.evidence_dyad:
            problems.add(where, f'duplicate evidence key "{key}"')
            continue
        dyad = item.get("dyad")
        if dyad not in checked.periods:
            problems.add(where, f'unknown dyad "{dyad}"')
            dyad = None
        source = item.get("source")
        if source not in checked.sources:
            problems.add(where, f'unknown source "{source}"')
        if item.get("evidence_type") not in EVIDENCE_TYPES:
            problems.add(where, f'unknown evidence_type "{item.get("evidence_type")}"')
        _text(problems, where, item, "quote", required=True)
        _text(problems, where, item, "summary", required=False)
        _text(problems, where, item, "locator_note", required=False)
        locator = _text(problems, where, item, "locator", required=False)
        if not is_valid_locator(locator):
            problems.add(where, f'malformed page locator "{locator}"')
        _check_via(problems, checked, where, item)
        _check_assessment(problems, where, item)
        if _is_int(item.get("footnote")):
            item = {**item, "footnote": str(item["footnote"])}
        _text(problems, where, item, "footnote", required=False)
        try:
            parsed = parse_evidence_date(
                item.get("date") if isinstance(item.get("date"), str) else ""
            )
            year = parsed.start_year
        except EvidenceDateError as exc:
            problems.add(where, f"date: {exc}")
            year = None
        if key:
            checked.evidence_dyad[key] = dyad
        if dyad is None or year is None:
            continue
        spans = checked.periods[dyad]
        period = item.get("period")
        if period is not None:
            if period not in spans:
                problems.add(where, f'unknown period "{period}" of dyad {dyad}')
            elif not (_in_period(year, spans[period]) or _reaches(parsed, spans[period])):
                problems.add(where, f"the date's start year {year} is not in period {period}")
            continue
        matching = [code for code, span in spans.items() if _in_period(year, span)]
        if len(matching) != 1:
            problems.add(where, f"{year} falls outside every period of dyad {dyad}")
        else:
            checked.derived_periods[key] = matching[0]


def _check_values(
    problems: Problems, checked: Checked, where: str, values: Any, *, allow_null: bool = False
) -> dict:
    if not isinstance(values, dict):
        problems.add(where, '"values" must be an object mapping criterion codes to values')
        return {}
    for code, value in values.items():
        if code not in checked.criteria:
            problems.add(where, f'unknown criterion "{code}"')
        elif value is None and allow_null:
            continue
        elif not _is_int(value) or value not in checked.scale:
            allowed = ", ".join(str(v) for v in sorted(checked.scale))
            problems.add(where, f"{code} = {value!r} is not on the scale ({allowed})")
    return values


def _check_member(
    problems: Problems, checked: Checked, where: str, entry: dict, name: str, *, required: bool
) -> None:
    username = entry.get(name)
    if username is None and not required:
        return
    if username not in checked.members:
        problems.add(where, f'{name} "{username}" is not among the members')


def _check_codings(problems: Problems, checked: Checked, codings: list) -> None:
    seen = set()
    for i, entry in enumerate(codings):
        where = _label("codings", i, entry, "evidence", "coder")
        if not isinstance(entry, dict):
            problems.add(where, "must be an object")
            continue
        if entry.get("evidence") not in checked.evidence_dyad:
            problems.add(where, f'unknown evidence "{entry.get("evidence")}"')
        _check_member(problems, checked, where, entry, "coder", required=True)
        if not isinstance(entry.get("submitted", False), bool):
            problems.add(where, '"submitted" must be true or false')
        values = _check_values(problems, checked, where, entry.get("values", {}))
        notes = entry.get("notes", {})
        _texts(problems, where, entry, "notes", limits.NOTE)
        if not isinstance(notes, dict) or not all(isinstance(n, str) for n in notes.values()):
            problems.add(where, '"notes" must map criterion codes to text')
        else:
            for code in notes:
                if code not in values:
                    problems.add(where, f'note for "{code}", which this coder did not code')
        pair = (entry.get("evidence"), entry.get("coder"))
        if pair in seen:
            problems.add(where, "duplicate codings entry for this item and coder")
        seen.add(pair)


def _check_consensus(problems: Problems, checked: Checked, consensus: list) -> None:
    seen = set()
    for i, entry in enumerate(consensus):
        where = _label("consensus", i, entry, "evidence")
        if not isinstance(entry, dict):
            problems.add(where, "must be an object")
            continue
        if entry.get("evidence") not in checked.evidence_dyad:
            problems.add(where, f'unknown evidence "{entry.get("evidence")}"')
        _check_values(problems, checked, where, entry.get("values", {}))
        _check_member(problems, checked, where, entry, "decided_by", required=False)
        _text(problems, where, entry, "rationale", required=False)
        rationales = entry.get("rationales", {})
        _texts(problems, where, entry, "rationales", limits.RATIONALE)
        if not isinstance(rationales, dict) or not all(
            isinstance(r, str) for r in rationales.values()
        ):
            problems.add(where, '"rationales" must map criterion codes to text')
        if entry.get("method", "adjudicated") not in CONSENSUS_METHODS:
            problems.add(where, f'"method" must be one of {", ".join(CONSENSUS_METHODS)}')
        if entry.get("evidence") in seen:
            problems.add(where, "duplicate consensus entry for this item")
        seen.add(entry.get("evidence"))


def _check_dyad_period(problems: Problems, checked: Checked, where: str, entry: dict) -> bool:
    dyad, period = entry.get("dyad"), entry.get("period")
    if dyad not in checked.periods:
        problems.add(where, f'unknown dyad "{dyad}"')
        return False
    if period not in checked.periods[dyad]:
        problems.add(where, f'unknown period "{period}" of dyad {dyad}')
        return False
    return True


def _check_overrides(problems: Problems, checked: Checked, overrides: list) -> None:
    seen = set()
    for i, entry in enumerate(overrides):
        where = _label("period_overrides", i, entry, "dyad", "period", "criterion")
        if not isinstance(entry, dict):
            problems.add(where, "must be an object")
            continue
        _check_dyad_period(problems, checked, where, entry)
        code = entry.get("criterion")
        _check_values(problems, checked, where, {code: entry.get("value")})
        _check_member(problems, checked, where, entry, "decided_by", required=False)
        _text(problems, where, entry, "rationale", required=True)
        triple = (entry.get("dyad"), entry.get("period"), code)
        if triple in seen:
            problems.add(where, "duplicate override for this period and criterion")
        seen.add(triple)


def _check_judgments(problems: Problems, checked: Checked, judgments: list) -> None:
    seen = set()
    for i, entry in enumerate(judgments):
        where = _label("stage_judgments", i, entry, "dyad", "period", "coder")
        if not isinstance(entry, dict):
            problems.add(where, "must be an object")
            continue
        _check_dyad_period(problems, checked, where, entry)
        _check_member(problems, checked, where, entry, "coder", required=True)
        stage, coupling = entry.get("stage"), entry.get("coupling")
        if stage not in STAGES:
            problems.add(where, f"stage must be one of {', '.join(STAGES)}, found {stage!r}")
        if coupling is not None and coupling not in COUPLINGS:
            problems.add(
                where, f'coupling must be null, "loosely" or "tightly", found {coupling!r}'
            )
        if coupling is not None and stage != "mature":
            problems.add(where, "only a mature community is loosely or tightly coupled")
        _text(problems, where, entry, "rationale", required=False)
        triple = (entry.get("dyad"), entry.get("period"), entry.get("coder"))
        if triple in seen:
            problems.add(where, "duplicate stage judgment for this period and coder")
        seen.add(triple)
