"""The words the agreement charts draw, in the reader's language: the charts are drawn by pure
modules (``cases.lib.charts``, ``cases.lib.trend_chart``), which take their words from here."""

from django.utils.translation import gettext

from cases.lib.charts import threshold_label
from cases.models import Round


def measure_words() -> dict[str, str]:
    """The legend's entry of each measure."""
    return {
        "application": gettext("application (nominal α)"),
        "value": gettext("value (ordinal α)"),
    }


def alpha_chart_words(tentative: float, reliable: float) -> dict[str, str]:
    return {
        **measure_words(),
        "axis": gettext(
            "Krippendorff's α with 95%% bootstrap interval; lines at %(tentative)s and %(reliable)s"
        )
        % {"tentative": threshold_label(tentative), "reliable": threshold_label(reliable)},
    }


def trend_chart_words(tentative: float, reliable: float) -> dict[str, str]:
    return {
        **measure_words(),
        **{kind.value: str(kind.label) for kind in Round.Kind},
        "axis": gettext("overall α, 95%% interval; lines at %(tentative)s, %(reliable)s")
        % {"tentative": threshold_label(tentative), "reliable": threshold_label(reliable)},
    }
