"""The explanation's words in the interface's language, for the pages (docs/i18n.md).

``cases.classification.explain`` is pure and writes English by default: the machine outputs
(the classify command, the period table, the bundle, the report's JSON) keep it. A page asks
``explain_words()`` for a ``Words`` in the language active when it is called. The stages and
couplings are the interface's own labels (``Stage``, ``Coupling``), so an explanation names a
stage as every other page does; codes stay codes.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy

from cases.classification.explain import Words
from cases.models import Coupling, Stage

# The rule table's words (cases.classification.rule): its conditions' labels and what a failed
# maximum-test names, the base stage's summary, and the scale's labels. "rule" tells the
# translator they are the decision rule's, read inside an explanation's sentence.
_RULE_WORDS = {
    "no security-community dynamic yet": pgettext_lazy("rule", "no security-community dynamic yet"),
    "a Tier-1 trigger": pgettext_lazy("rule", "a Tier-1 trigger"),
    "the strongest Tier-1 trigger": pgettext_lazy("rule", "the strongest Tier-1 trigger"),
    "transactions or institutions": pgettext_lazy("rule", "transactions or institutions"),
    "the stronger of transactions and institutions": pgettext_lazy(
        "rule", "the stronger of transactions and institutions"
    ),
    "transactions": pgettext_lazy("rule", "transactions"),
    "institutions": pgettext_lazy("rule", "institutions"),
    "social learning": pgettext_lazy("rule", "social learning"),
    "trust": pgettext_lazy("rule", "trust"),
    "identity": pgettext_lazy("rule", "identity"),
    "dependable expectations": pgettext_lazy("rule", "dependable expectations"),
    "loosely-coupled indicators": pgettext_lazy("rule", "loosely-coupled indicators"),
    "value compatibility": pgettext_lazy("rule", "value compatibility"),
    "responsiveness": pgettext_lazy("rule", "responsiveness"),
    "mutual aid": pgettext_lazy("rule", "mutual aid"),
    "shared rule above the state": pgettext_lazy("rule", "shared rule above the state"),
    "tightly-coupled indicators": pgettext_lazy("rule", "tightly-coupled indicators"),
    "military coordination or less fear of the partner": pgettext_lazy(
        "rule", "military coordination or less fear of the partner"
    ),
    "the stronger of military coordination and a border kept only against outsiders": (
        pgettext_lazy(
            "rule",
            "the stronger of military coordination and a border kept only against outsiders",
        )
    ),
    # The scale: the same words as the codebook's scale on the other pages.
    "absent": gettext_lazy("absent"),
    "weak": gettext_lazy("weak"),
    "moderate": gettext_lazy("moderate"),
    "strong": gettext_lazy("strong"),
}


def _term(word: str) -> str:
    """A stage by the interface's label for it, a word of the rule table by its translation;
    anything else (a code, a word a later rule adds before it is translated) as it is."""
    if word in Stage.values:
        return str(Stage(word).label)
    found = _RULE_WORDS.get(word)
    return str(found) if found is not None else word


def _coupled(coupling: str) -> str:
    if coupling in Coupling.values:
        return str(Coupling(coupling).label)
    return gettext("%(coupling)s coupled") % {"coupling": coupling}


def _pending(n: int) -> str:
    return ngettext(
        "%(n)d item awaits adjudication, left out.",
        "%(n)d items await adjudication, left out.",
        n,
    )


def explain_words() -> Words:
    """The explanation's words in the active language (English: the same as ``ENGLISH``)."""
    return Words(
        term=_term,
        coupled=_coupled,
        pending=_pending,
        last_of_list=gettext("%(rest)s and %(last)s"),
        verdict=gettext("%(stage)s, %(coupled)s"),
        at_least=gettext("at least %(level)s"),
        run_one=gettext("%(names)s %(level)s"),
        run_both=gettext("%(names)s both %(level)s"),
        run_all=gettext("%(names)s all %(level)s"),
        met_count=gettext("%(have)s of %(total)s %(label)s %(level)s"),
        met_group=gettext("%(label)s %(level)s (%(codes)s)"),
        unmet_count=gettext("only %(have)s of %(total)s %(label)s are %(level)s (needs %(count)s)"),
        unmet=gettext("%(name)s is %(have)s (needs %(minimum)s)"),
        why_not=gettext("not %(target)s because %(reasons)s"),
        # What follows the first year of a period that is still open: "2020 onward".
        open_end=gettext(" onward"),
        sentence=gettext("%(span)s: %(verdict)s — %(reached)s"),
        carried=gettext("Carried forward: %(carried)s."),
        carried_from=gettext("%(codes)s from %(origin)s"),
        override=gettext("Override: %(code)s set to %(value)s instead of %(derived)s (%(why)s)."),
        contested=gettext("Contested (a 0 beside a value of 2 or more): %(codes)s."),
        indeterminate=gettext(
            "Indeterminate: %(codes)s not documented in this period; "
            "the fall from the previous period rests on that silence, not on evidence."
        ),
    )
