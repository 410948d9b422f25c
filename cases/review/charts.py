"""The review's charts, drawn from figures already computed, in the reader's language: the
agreement page's (alpha and its interval per criterion, ``cases.lib.charts``) and the rounds'
trend (``cases.lib.trend_chart``).

Drawing one takes matplotlib a quarter of a second on a large codebook, so the drawings are
kept as figures of their own (``cases.lib.figure_recipes``), derived from their page's figures.
"""

from __future__ import annotations

from typing import Any

from cases.lib.chart_words import alpha_chart_words, trend_chart_words
from cases.lib.charts import alpha_chart_svg
from cases.lib.trend_chart import trend_chart_svg
from cases.review.reliability import RELIABLE, TENTATIVE


def agreement_chart_svg(rows: list[dict]) -> bytes:
    """The chart of the agreement figures' ``rows``: one line per criterion, in their order."""
    criteria: dict[str, dict] = {}
    for row in rows:
        if row["scope"] == "criterion":
            criteria.setdefault(row["key"], {"key": row["key"]})[row["measure"]] = row
    return alpha_chart_svg(
        list(criteria.values()),
        tentative=TENTATIVE,
        reliable=RELIABLE,
        words=alpha_chart_words(TENTATIVE, RELIABLE),
    )


def rounds_trend_svg(trend: list[dict[str, Any]]) -> bytes:
    """The chart of the rounds' trend (``cases.review.rounds.figures.rounds_trend``)."""
    return trend_chart_svg(
        trend, tentative=TENTATIVE, reliable=RELIABLE, words=trend_chart_words(TENTATIVE, RELIABLE)
    )
