"""Why an agreement figure is undefined, in the interface's language, for the pages
(docs/i18n.md).

The agreement engine (``cases.review.agreement``) is pure and states its reasons in English,
which the agreement exports, the API and the command line keep. The pages pass each reason
through ``reason_in_language``: a reason of a known form is said again in the active language
with its values kept; any other text is shown as it is.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy

from cases.review.agreement.coefficient import NO_PAIRABLE_UNIT, NO_VALUES

# Each known form and its words; the words are lazy, so they are said in the language active
# when a reason is shown.
FORMS = [
    (
        re.compile(re.escape(NO_PAIRABLE_UNIT) + "$"),
        gettext_lazy("no pairable unit: every unit has fewer than two values"),
    ),
    (re.compile(re.escape(NO_VALUES) + "$"), gettext_lazy("no values: every cell is missing")),
    (
        re.compile(r"no variation: every value is (?P<value>.+)$"),
        gettext_lazy("no variation: every value is %(value)s"),
    ),
    (
        re.compile(r"no variation: every pairable value is (?P<value>.+)$"),
        gettext_lazy("no variation: every pairable value is %(value)s"),
    ),
    (
        re.compile(r"ratio level needs non-negative values, found (?P<value>.+)$"),
        gettext_lazy("ratio level needs non-negative values, found %(value)s"),
    ),
    (
        re.compile(r"fewer than two coders have submitted items$"),
        gettext_lazy("fewer than two coders have submitted items"),
    ),
    (
        re.compile(r"no item has been submitted by every listed coder \((?P<coders>.+)\)$"),
        gettext_lazy("no item has been submitted by every listed coder (%(coders)s)"),
    ),
    (
        re.compile(r"no item on which two coders applied it$"),
        gettext_lazy("no item on which two coders applied it"),
    ),
    (
        re.compile(r"no item on which two coders applied a criterion$"),
        gettext_lazy("no item on which two coders applied a criterion"),
    ),
    (
        re.compile(r"fewer than two coders have recorded stage judgments$"),
        gettext_lazy("fewer than two coders have recorded stage judgments"),
    ),
]


def reason_in_language(reason: str | None) -> str | None:
    """``reason`` in the active language where it has a known form, else as it is."""
    if not reason:
        return reason
    for pattern, words in FORMS:
        found = pattern.match(reason)
        if found:
            return str(words) % found.groupdict() if found.groupdict() else str(words)
    return reason
