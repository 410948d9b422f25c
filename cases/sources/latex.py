"""LaTeX in bibliographic fields → plain Unicode, read by pylatexenc. Pure: no Django."""

from __future__ import annotations

import re

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from cases.lib import limits


def _decoder() -> LatexNodes2Text:
    """pylatexenc, as bibtexparser's LatexDecodingMiddleware uses it, knowing two more macros."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "sccoder",
        prepend=True,
        macros=[MacroTextSpec("url", simplify_repl="%s"), MacroTextSpec("S", simplify_repl="§")],
    )
    return LatexNodes2Text(latex_context=context, math_mode="verbatim")


_DECODER = _decoder()
_LATEX = re.compile(r"[\\{}$~%]|--|``|''")
# pylatexenc reads about 150,000 characters a second. A value over twice the longest text a
# record may hold is refused for its length anyway, so it is not read as LaTeX first.
_DECODE_AT_MOST = 2 * limits.CSL_LONG_TEXT


def latex_to_text(value: str) -> str:
    """BibTeX field text → plain Unicode: accents ({\\"u}, \\c{s}, \\u{g}), special letters (\\ss,
    \\o, \\i), escapes (\\&), formatting commands (\\emph{…}: kept as text), TeX dashes and
    quotes; protective braces go, and ties (~) and runs of spaces become one space."""
    if _LATEX.search(value) and len(value) <= _DECODE_AT_MOST:
        value = re.sub(r"\\href\s*\{[^{}]*\}", "", value)  # the link's text stays
        # A % in a BibTeX value is a percent sign; pylatexenc would read it as a comment.
        value = _DECODER.latex_to_text(re.sub(r"(?<!\\)%", r"\\%", value))
    return " ".join(value.split())
