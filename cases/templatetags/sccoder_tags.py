from django import template
from django.utils.translation import gettext_lazy

from cases.models import Consensus, Coupling, Round, Stage
from cases.review.reason_words import reason_in_language

register = template.Library()

# The method's stored words that pages print as they are (a report's stages, a round's kind):
# each in the reader's language. Couplings read "loosely coupled", so their adverb stands alone.
_ADVERBS = {Coupling.LOOSELY: gettext_lazy("loosely"), Coupling.TIGHTLY: gettext_lazy("tightly")}
_CHOICES = (Stage, Round.Kind, Round.Status, Round.Reference, Consensus.Method)
# The readings of an agreement figure (cases.review.agreement.reading's labels).
_READINGS = {
    "reliable": gettext_lazy("reliable"),
    "tentative": gettext_lazy("tentative"),
    "not reliable": gettext_lazy("not reliable"),
    "not conclusive": gettext_lazy("not conclusive"),
    "undefined": gettext_lazy("undefined"),
}


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``: look a key up in a dict from the view."""
    return mapping.get(key) if mapping else None


@register.filter
def term(value):
    """``{{ period.stage|term }}``: a stored value of the method (a stage, a coupling, a round's
    kind or status, a consensus method, an agreement figure's reading) as its label in the
    interface's language; anything else unchanged."""
    if value in _ADVERBS:
        return _ADVERBS[value]
    if value in _READINGS:
        return _READINGS[value]
    for choices in _CHOICES:
        if value in choices.values:
            return choices(value).label
    return value


@register.filter
def reason(text):
    """``{{ cell.reason|reason }}``: why an agreement figure is undefined, in the interface's
    language (``cases.review.reason_words``)."""
    return reason_in_language(text)


@register.filter
def in_language(criterion, language):
    """``{{ criterion|in_language:LANGUAGE_CODE }}``: its name and definition for a reader of
    that language (``Criterion.in_language``)."""
    return criterion.in_language(language)
