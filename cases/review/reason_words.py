"""Why an agreement figure is undefined, in the interface's language, for the pages
(docs/i18n.md).

The agreement engine (``cases.review.agreement``) is pure and states its reasons in English,
which the agreement exports, the API and the command line keep. The pages pass each reason
through ``reason_in_language``: a reason of a known form is said again in the active language
with its values kept; any other text is shown as it is.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext

from cases.review.agreement.coefficient import NO_PAIRABLE_UNIT, NO_VALUES


def _forms() -> list[tuple[re.Pattern, str]]:
    # Called per reason, so that gettext answers in the language active at that moment.
    return [
        (
            re.compile(re.escape(NO_PAIRABLE_UNIT) + "$"),
            gettext("no pairable unit: every unit has fewer than two values"),
        ),
        (re.compile(re.escape(NO_VALUES) + "$"), gettext("no values: every cell is missing")),
        (
            re.compile(r"no variation: every value is (?P<value>.+)$"),
            gettext("no variation: every value is %(value)s"),
        ),
        (
            re.compile(r"no variation: every pairable value is (?P<value>.+)$"),
            gettext("no variation: every pairable value is %(value)s"),
        ),
        (
            re.compile(r"ratio level needs non-negative values, found (?P<value>.+)$"),
            gettext("ratio level needs non-negative values, found %(value)s"),
        ),
        (
            re.compile(r"fewer than two coders have submitted items$"),
            gettext("fewer than two coders have submitted items"),
        ),
        (
            re.compile(r"no item has been submitted by every listed coder \((?P<coders>.+)\)$"),
            gettext("no item has been submitted by every listed coder (%(coders)s)"),
        ),
        (
            re.compile(r"no item on which two coders applied it$"),
            gettext("no item on which two coders applied it"),
        ),
        (
            re.compile(r"no item on which two coders applied a criterion$"),
            gettext("no item on which two coders applied a criterion"),
        ),
        (
            re.compile(r"fewer than two coders have recorded stage judgments$"),
            gettext("fewer than two coders have recorded stage judgments"),
        ),
    ]


def reason_in_language(reason: str | None) -> str | None:
    """``reason`` in the active language where it has a known form, else as it is."""
    if not reason:
        return reason
    for pattern, words in _forms():
        found = pattern.match(reason)
        if found:
            return words % found.groupdict() if found.groupdict() else words
    return reason
