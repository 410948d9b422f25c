"""The pages whose figures are recomputed in the background (``cases.lib.fresh_figures``): for
each, how its spec (plain data: which dyad, which reader, which page) names the figures' cache
key and computes them. The pages and the background task both go through these.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils import timezone, translation

from cases.classification.explain_words import explain_words
from cases.classification.inputs import find_dyads
from cases.classification.rule import VERSIONS
from cases.coding.assignments import coverage_for, progress_for
from cases.documents.quote_check import quote_problems
from cases.lib.fresh_figures import figures_now, recipe
from cases.models import Dyad, Membership, Period, Project, Round
from cases.projects.progress import every_coders_progress
from cases.reports.build import build_report, cached_report, report_key
from cases.reports.page_words import beside_words, robustness_words
from cases.reports.pages import compare_rows, report_article
from cases.reports.stage_chart import dyad_stage_chart
from cases.review.charts import agreement_chart_svg, rounds_trend_svg
from cases.review.overrides import derived_values
from cases.review.queue import disagreement_ids
from cases.review.reading_words import reading_words
from cases.review.reliability import FIGURES_VERSION, agreement_figures
from cases.review.rounds.figures import trend_recipe
from cases.review.submitted_codes import coders_with_submissions
from cases.visibility import visibility_for

# The agreement page's bootstrap: fast, and the same figures on every visit.
AGREEMENT_DRAWS, AGREEMENT_SEED = 1000, 1
# Counted up when a chart is drawn differently, so a chart drawn by earlier code is not served.
CHART_VERSION = 1


def _member(project: Project, spec: dict) -> Membership | None:
    if spec.get("member") is None:
        return None
    return Membership.objects.select_related("user").get(pk=spec["member"], project=project)


@recipe("review-agreement")
def agreement(project: Project, spec: dict):
    """spec: dyad (code or None), pair (two usernames or None), codebook_version (or None)."""
    dyad = Dyad.objects.get(project=project, code=spec["dyad"]) if spec.get("dyad") else None
    pair = tuple(spec["pair"]) if spec.get("pair") else None
    version = spec.get("codebook_version")
    parts = [
        dyad.code if dyad else "-",
        ",".join(pair) if pair else "-",
        f"{AGREEMENT_DRAWS}-{AGREEMENT_SEED}",
        FIGURES_VERSION,
        f"codebook-{version or 'current'}",
    ]

    def compute():
        return agreement_figures(
            project,
            dyad=dyad,
            coders=pair,
            draws=AGREEMENT_DRAWS,
            seed=AGREEMENT_SEED,
            codebook_version=version,
            # The page's reading notes in the reader's language (kept per language).
            words=reading_words(),
        )

    return parts, compute


@recipe("dyad-report-article")
def report(project: Project, spec: dict):
    """spec: dyad (pk), member (the reader's membership pk, or None for a site administrator
    outside the project). Rendering a large dyad's report costs more than building it, so the
    rendered article is what is kept."""
    dyad = Dyad.objects.get(pk=spec["dyad"], project=project)
    membership = _member(project, spec)
    visibility = visibility_for(membership)
    # Quotes that are not in their source's document are marked; the project's fingerprint does
    # not see documents, so the marks are part of the rendered article's key.
    problems = quote_problems(project)
    parts = [*report_key(project, dyad, membership, visibility), sorted(problems.items())]

    def compute():
        if translation.get_language().startswith("en"):
            # The report's dict is kept under the data's fingerprint, so the report JSON's
            # figures, recomputed in the same run, build it once.
            data = cached_report(project, dyad, membership)
        else:
            # The page speaks the reader's language (the article is kept per language); the
            # report's dict and JSON keep the English words (build_report's default).
            data = build_report(
                project,
                dyad,
                membership,
                visibility=visibility,
                words=explain_words(),
                reading_words=reading_words(),
                robustness_words=robustness_words(),
                beside_words=beside_words(),
            )
        return report_article(project, data, problems)

    return parts, compute


@recipe("review-agreement-chart")
def agreement_chart(project: Project, spec: dict):
    """The agreement page's chart; spec as the page's. Drawn from the page's figures for the
    data as they are now (computed and kept for the page, if they were not yet)."""
    parts, _ = agreement(project, spec)
    return [*parts, CHART_VERSION], lambda: agreement_chart_svg(
        figures_now("review-agreement", project, spec)["rows"]
    )


@recipe("dyad-report")
def report_data(project: Project, spec: dict):
    """The report of one dyad as a dict (report.json); spec as the report page's."""
    dyad = Dyad.objects.get(pk=spec["dyad"], project=project)
    membership = _member(project, spec)
    parts = report_key(project, dyad, membership, visibility_for(membership))
    return parts, lambda: cached_report(project, dyad, membership)


@recipe("dyad-stage-chart")
def stage_chart(project: Project, spec: dict):
    """A dyad's stage chart (SVG); spec as the report page's. What the reader may see of the
    verdicts is their visibility's, as in the report's key."""
    dyad = Dyad.objects.get(pk=spec["dyad"], project=project)
    visibility = visibility_for(_member(project, spec))
    parts = [dyad.pk, visibility.cache_part, project.rule_version, CHART_VERSION]
    return parts, lambda: dyad_stage_chart(project, dyad, visibility)


def _every_round(project: Project) -> list[Round]:
    return list(Round.objects.filter(project=project).order_by("opened_at", "pk"))


@recipe("rounds-trend")
def rounds_trend(project: Project, spec: dict):
    """The agreement of each round of the project, first opened first; spec: nothing."""
    return trend_recipe(project, _every_round(project))


@recipe("rounds-trend-chart")
def rounds_trend_chart(project: Project, spec: dict):
    """The rounds' trend as SVG, drawn from the trend's figures for the data as they are now."""
    parts, _ = trend_recipe(project, _every_round(project))
    return [*parts, CHART_VERSION], lambda: rounds_trend_svg(
        figures_now("rounds-trend", project, {})
    )


@recipe("compare-rows")
def comparison(project: Project, spec: dict):
    """spec: per_page, page (number), member (pk or None), rule (a rule version)."""
    membership = _member(project, spec)
    visibility = visibility_for(membership)
    rule = VERSIONS.get(spec.get("rule") or "", project.rule)
    page = Paginator(find_dyads(project), spec["per_page"]).get_page(spec["page"])
    shown = list(page.object_list)
    parts = [spec["per_page"], page.number, visibility.cache_part, rule.name]
    return parts, lambda: compare_rows(project, shown, visibility, rule)


@recipe("disagreement-ids")
def disagreements(project: Project, spec: dict):
    """spec: dyad and period (pks or None), criterion (a code or None), pair (two usernames or
    None). The queue's ids only: its pages read their own 25 items as they are now. The queue
    is for admins and reviewers, who read every coder's codes: one audience, no reader in the
    key."""
    narrowing = [spec.get("dyad"), spec.get("period"), spec.get("criterion"), spec.get("pair")]

    def compute():
        dyad = Dyad.objects.get(pk=spec["dyad"], project=project) if spec.get("dyad") else None
        period = (
            Period.objects.get(pk=spec["period"], dyad__project=project)
            if spec.get("period")
            else None
        )
        pair = tuple(spec["pair"]) if spec.get("pair") else None
        return disagreement_ids(
            project, dyad=dyad, period=period, criterion=spec.get("criterion"), pair=pair
        )

    return narrowing, compute


@recipe("project-progress")
def progress(project: Project, spec: dict):
    """spec: nothing. Every coder's work and the consensus counts of the project home, which
    admins and reviewers read alike (coders read their own numbers, computed as they are)."""
    return ["every-coder"], lambda: every_coders_progress(project)


@recipe("override-derived")
def override_derived(project: Project, spec: dict):
    """spec: nothing. The values the rule derives under the project's period overrides, for
    the overrides page (admins and reviewers: the consensus as everyone may see it)."""
    return ["every-override"], lambda: derived_values(project)


@recipe("assignment-progress")
def assignment_progress(project: Project, spec: dict):
    """spec: nothing. The assignments page's coverage warnings and each coder's progress, for
    admins. The project's coders per item is not in its fingerprint, and the last days'
    throughput counts from today: both name the figures."""
    parts = [project.coders_per_item, str(timezone.localdate())]
    return parts, lambda: {"progress": progress_for(project), "coverage": coverage_for(project)}


@recipe("submitted-coders")
def submitted_coders(project: Project, spec: dict):
    """The coders with submitted items, the agreement page's coder pairs: tens of milliseconds
    to find on a large project, more than the rest of the page once its figures are kept.
    spec: nothing."""
    return [], lambda: coders_with_submissions(project)
