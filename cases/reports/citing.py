"""The report's citations: each evidence item's formatted citation with its page, and the
bibliography of the works cited, in the project's CSL style (``cases.sources.citations``).
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from typing import Any

from django.utils.html import strip_tags

from cases.lib.collation import collation_of_list, sort_key_for
from cases.models import Project
from cases.sources.citations import format_bibliography, format_item_citations


def _cited(evidence) -> dict[str, dict]:
    """Every work the items cite, by key: their sources and the works they are quoted from."""
    works = {}
    for e in evidence:
        works.update(e.cited_sources())
    return dict(sorted(works.items()))


def cite_entries(project: Project, evidence, entries: list[dict]) -> None:
    """Fill in each entry's formatted citation with its page, in the project's CSL style; an
    item quoted from one work that rests on another names both ("…, cited in …")."""
    cites = tuple(sorted({_cite_of(entry) for entry in entries}))
    texts = _formatted(project.citation_style, json.dumps(_cited(evidence), sort_keys=True), cites)
    for entry in entries:
        entry["citation"] = texts[_cite_of(entry)]


def _cite_of(entry: dict) -> tuple[str, str, str, str]:
    return (entry["source"], entry["locator"], entry["via_source"] or "", entry["via_locator"])


@lru_cache(maxsize=64)
def _formatted(style: str, sources_json: str, cites: tuple[tuple[str, ...], ...]) -> dict:
    """citeproc-py takes about 60 ms a citation, so each distinct (source, page) is formatted
    once, and a report whose sources have not changed reuses the texts."""
    texts = format_item_citations(json.loads(sources_json), list(cites), style)
    return dict(zip(cites, texts, strict=True))


def bibliography(project: Project, evidence) -> list[dict[str, Any]]:
    """The works cited in the report (sources and the works items are quoted from) as escaped
    HTML, sorted by their text (author first, as the author-date styles order them) in the
    collation of its works' languages (``cases.lib.collation.collation_of_list``: Turkish when
    every work is Turkish, else the root collation), and numbered."""
    sources = _cited(evidence)
    # format_bibliography keeps the order the sources are given in.
    formatted = zip(sources, format_bibliography(sources, project.citation_style), strict=True)
    collate = sort_key_for(collation_of_list(csl.get("language") for csl in sources.values()))
    ordered = sorted(formatted, key=lambda pair: (collate(_plain(pair[1])), pair[0]))
    return [
        {"number": n, "key": key, "html": text, "text": _plain(text)}
        for n, (key, text) in enumerate(ordered, start=1)
    ]


def _plain(markup: str) -> str:
    """The text of formatted HTML: Django's ``strip_tags`` drops the tags but keeps entities
    ("&amp;"), so they are unescaped too."""
    return html.unescape(strip_tags(markup)).strip()


__all__ = ["bibliography", "cite_entries"]
