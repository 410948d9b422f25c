"""The notes of an agreement figure's reading in the interface's language, for the pages
(docs/i18n.md).

``cases.review.agreement.reading`` is pure and writes its notes in English by default: the
agreement exports, the API and the command line keep them. The agreement page and the report
ask ``reading_words()`` for the words of the language active when it is called.
"""

from __future__ import annotations

from django.utils.translation import gettext, pgettext

from cases.review.agreement.reading import ReadingWords


def reading_words() -> ReadingWords:
    """The reading notes' words in the active language (English: the same as the default)."""
    return ReadingWords(
        too_few=gettext("too few units (n = %(n)s)"),
        too_wide=gettext("interval too wide (%(low)s–%(high)s)"),
        low_agreement=gettext("percent agreement below 70%% (%(shown)s)"),
        all_same=gettext(
            "every value is the same (%(name)s: %(count)s of %(total)s values): "
            "α cannot tell agreement from chance here"
        ),
        almost_same=gettext(
            "almost every value is the same (%(name)s: %(count)s of %(total)s values, "
            "%(share)s): α cannot tell agreement from chance here"
        ),
        # A share written as a percent: the figure keeps its decimal point (docs/i18n.md).
        percent=gettext("%(number)s%%"),
        applied=pgettext("whether a coder applied a criterion", "applied"),
        not_applied=pgettext("whether a coder applied a criterion", "not applied"),
        value=gettext("value %(value)s"),
    )
