"""The names a bundle defines (codebook, members, dyads and periods, sources), checked."""

import re
from dataclasses import dataclass, field
from typing import Any

from cases.bundles.fields import characters, checked_key, entries, text_of
from cases.bundles.problems import Path, Problems
from cases.lib import limits

# Django's usernames: \w is a letter or digit of any script, which a JSON Schema pattern
# (ECMA-262) reads as ASCII only, so the rule is stated here.
_USERNAME = re.compile(r"^[\w.@+-]+$")


@dataclass
class Checked:
    """What later checks need to know about the document's names, gathered while checking."""

    scale: set[int] = field(default_factory=set)
    criteria: list[str] = field(default_factory=list)
    members: dict[str, str] = field(default_factory=dict)
    periods: dict[str, dict[str, tuple[int, int | None]]] = field(default_factory=dict)
    # dyad or community code -> its member states, for the states an item names
    states: dict[str, list[str]] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)
    evidence_dyad: dict[str, str | None] = field(default_factory=dict)
    # evidence key -> period code, for items whose period the date decides
    derived_periods: dict[str, str] = field(default_factory=dict)


def check_definitions(problems: Problems, doc: dict) -> Checked:
    """Check what the records refer to, and gather its names."""
    checked = Checked()
    _check_project(problems, doc.get("project"))
    _check_codebook(problems, checked, doc.get("codebook"))
    _check_members(problems, checked, doc.get("members"))
    _check_dyads(problems, checked, doc.get("dyads"))
    _check_communities(problems, checked, doc.get("communities"))
    _check_sources(problems, checked, doc.get("sources"))
    return checked


def _check_project(problems: Problems, project: Any) -> None:
    if isinstance(project, dict):
        names = ("slug", "name", "description", "citation_style")
        characters(problems, ("project",), project, *names)


def _check_codebook(problems: Problems, checked: Checked, codebook: Any) -> None:
    if not isinstance(codebook, dict):
        return
    characters(problems, ("codebook",), codebook, "name", "version")
    scale = codebook.get("scale")
    labels = set()
    # A scale of fewer than two values is no scale: every coded value is then off it.
    points = scale if isinstance(scale, list) and len(scale) >= 2 else []
    for path, point in entries(points, "codebook", "scale"):
        if not problems.accepted(path, "value"):
            continue
        characters(problems, path, point, "label")
        label = text_of(point, "label")
        if point["value"] in checked.scale:
            problems.add(path, f"duplicate value {point['value']}")
        if label in labels:
            problems.add(path, f'duplicate label "{label}"')
        checked.scale.add(point["value"])
        labels.add(label)
    for path, criterion in entries(codebook.get("criteria"), "codebook", "criteria"):
        names = ("code", "name", "framework", "group", "definition", "notes")
        characters(problems, path, criterion, *names)
        indicators = criterion.get("indicators", [])
        if (
            isinstance(indicators, list)
            and all(isinstance(x, str) for x in indicators)
            and len(indicators) <= limits.INDICATORS
        ):
            for number, text in enumerate(indicators):
                problem = limits.unstorable(text)
                if problem:
                    problems.add(path, f'"indicators[{number}]" {problem}')
        code = text_of(criterion, "code")
        if code in checked.criteria:
            problems.add(path, f'duplicate criterion code "{code}"')
        elif code:
            checked.criteria.append(code)


def _check_members(problems: Problems, checked: Checked, members: Any) -> None:
    for path, member in entries(members, "members"):
        characters(problems, path, member, "username")
        username = text_of(member, "username")
        if (
            username
            and not limits.identifier_problem(username)
            and not _USERNAME.fullmatch(username)
        ):
            problems.add(path, f'"{username}" is not a valid username')
        if username in checked.members:
            problems.add(path, f'duplicate member "{username}"')
        elif username:
            checked.members[username] = member.get("role")


def _check_dyads(problems: Problems, checked: Checked, dyads: Any) -> None:
    pairs: dict[tuple[str, str], str] = {}
    for path, dyad in entries(dyads, "dyads"):
        characters(problems, path, dyad, "code", "name")
        code = text_of(dyad, "code")
        if problems.accepted(path, "state_a") and problems.accepted(path, "state_b"):
            states = (dyad["state_a"], dyad["state_b"])
            pair = (min(states), max(states))
            if states[0] == states[1]:
                problems.add(path, "a dyad needs two different states")
            elif pair in pairs:
                problems.add(path, f"the pair {pair[0]}–{pair[1]} is already dyad {pairs[pair]}")
            else:
                pairs[pair] = code
            checked.states.setdefault(code, list(states))
        if code in checked.periods:
            problems.add(path, f'duplicate dyad code "{code}"')
            continue
        checked.periods[code] = _check_periods(problems, path, dyad.get("periods", []))


def _check_communities(problems: Problems, checked: Checked, communities: Any) -> None:
    """The extension's communities: three or more states each, named like dyads (one code space
    for both, since evidence, overrides and judgments name either by its code)."""
    seen: dict[frozenset[str], str] = {}
    for path, community in entries(communities, "communities"):
        characters(problems, path, community, "code", "name")
        code = text_of(community, "code")
        if problems.accepted(path, "states"):
            states = community["states"]
            repeated = sorted({s for s in states if states.count(s) > 1})
            members = frozenset(states)
            if repeated:
                problems.add(path, f"{', '.join(repeated)} is listed twice in its states")
            elif members in seen:
                problems.add(path, f"the same states are already community {seen[members]}")
            else:
                seen[members] = code
                checked.states.setdefault(code, list(states))
        if code in checked.periods:
            problems.add(path, f'duplicate dyad or community code "{code}"')
            continue
        checked.periods[code] = _check_periods(problems, path, community.get("periods", []))


def _check_periods(problems: Problems, dyad_path: Path, periods: Any) -> dict:
    spans: dict[str, tuple[int, int | None]] = {}
    for path, period in entries(periods, *dyad_path, "periods"):
        characters(problems, path, period, "code", "label")
        code = text_of(period, "code")
        if not (problems.accepted(path, "start_year") and problems.accepted(path, "end_year")):
            continue
        start, end = period["start_year"], period.get("end_year")
        if end is not None and end < start:
            problems.add(path, f"ends ({end}) before it starts ({start})")
            continue
        for other, (o_start, o_end) in spans.items():
            if (
                start <= (o_end if o_end is not None else 10**4)
                and (end if end is not None else 10**4) >= o_start
            ):
                problems.add(path, f"overlaps period {other} ({o_start}–{o_end or ''})")
        if code in spans:
            problems.add(path, f'duplicate period code "{code}"')
        elif code:
            spans[code] = (start, end)
    return spans


def _check_sources(problems: Problems, checked: Checked, sources: Any) -> None:
    for path, source in entries(sources, "sources"):
        key = checked_key(problems, path, source)
        if isinstance(source.get("csl"), dict):
            for _variable, message in limits.csl_problems(source["csl"])[:10]:
                problems.add(path, f"csl: {message}")
        if key in checked.sources:
            problems.add(path, f'duplicate source key "{key}"')
        elif key:
            checked.sources.add(key)
