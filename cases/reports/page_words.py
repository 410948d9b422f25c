"""The report's robustness paragraphs and its sentences beside the rule (the coders' verdicts,
the author's assessment) in the interface's language, for the report page (docs/i18n.md).
``cases.reports.robustness`` and ``cases.reports.beside`` are pure and write English by
default, which the report's JSON and the replication package keep."""

from __future__ import annotations

from django.utils.translation import gettext, ngettext

from cases.classification.explain_words import explain_words
from cases.reports.beside import BesideWords
from cases.reports.robustness import RobustnessWords


def _assessments(n: int) -> str:
    return ngettext(
        "the dyad's %(n)d author-assessment item (%(here)s in this period)",
        "the dyad's %(n)d author-assessment items (%(here)s in this period)",
        n,
    )


def _pending(n: int) -> str:
    return ngettext(
        "%(n)d item awaits adjudication and is left out; settling them may change the verdict.",
        "%(n)d items await adjudication and are left out; settling them may change the verdict.",
        n,
    )


def robustness_words() -> RobustnessWords:
    """The paragraph's words in the active language (English: the same as the default)."""
    return RobustnessWords(
        explain=explain_words(),
        assessments=_assessments,
        pending=_pending,
        hangs_on=gettext("The %(verdict)s verdict hangs on single items: %(without)s."),
        holds=gettext("No single item's removal changes the %(verdict)s verdict."),
        no_assessments=gettext("The dyad has no author-assessment items to leave out."),
        without_changed=gettext("Without %(which)s it would be %(verdict)s."),
        without_stays=gettext("Without %(which)s it stays %(verdict)s."),
        why_not=gettext("Not %(target)s because %(reasons)s."),
        would_be=gettext("without %(which)s it would be %(verdict)s"),
        any_one_of=gettext("any one of %(names)s"),
        last_of_or_list=gettext("%(rest)s or %(last)s"),
        item_of_period=gettext("%(key)s (%(period)s)"),
        gap_count=gettext(
            "only %(value)s of %(of)s %(label)s (%(code)s) are at least %(level)s (needs %(needs)s)"
        ),
        gap=gettext("%(label)s (%(code)s) is %(value)s (needs %(needs)s)"),
        never_carried_shown=gettext(
            ": no item dated %(span)s shows it at %(needs)s or more, and the rule never "
            "carries it from an earlier period"
        ),
        never_carried_none=gettext(
            ": no item dated %(span)s codes it, and the rule never carries it from an earlier "
            "period"
        ),
    )


def _everyone(n: int) -> str:
    if n == 1:
        return gettext("The one coder")
    if n == 2:
        return gettext("Both coders")
    return gettext("All %(n)s coders") % {"n": n}


def beside_words() -> BesideWords:
    """The sentences beside the rule (the coders' verdicts, the author's assessment) in the
    active language (English: the same as the default)."""
    return BesideWords(
        explain=explain_words(),
        everyone=_everyone,
        no_judgment=gettext("No coder has judged this period."),
        unanimous_as_rule=gettext("%(everyone)s judged it %(verdict)s, as the rule does."),
        unanimous_not_rule=gettext(
            "%(everyone)s judged it %(verdict)s; the rule gives %(rule)s: "
            "the holistic reading and the coded evidence differ."
        ),
        split=gettext("The %(n)s coders judged it %(parts)s; the rule gives %(rule)s."),
        count_part=gettext("%(count)s %(verdict)s"),
        condition_count=gettext(
            "%(have)s of %(total)s %(subject)s >= %(minimum)s (needs %(count)s)"
        ),
        condition=gettext("%(name)s = %(have)s (needs %(minimum)s)"),
        short_of=gettext("short of %(target)s on %(deciding)s"),
        every_condition=gettext("every condition of %(targets)s holds (%(deciding)s)"),
        undocumented=gettext("; %(codes)s not documented in this period"),
        author=gettext("The rule gives %(verdict)s where the author assesses %(author)s: %(why)s."),
    )
