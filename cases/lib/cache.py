"""One fingerprint of everything a project's derived figures read, and a cache keyed by it.

The agreement page, the dyad report and the comparison page compute for a second or more on a
large project (agreement with bootstrap intervals, classification with leave-one-out). They keep
what they computed under a key that includes ``project_fingerprint``, which changes whenever
anything those figures read changes, so a cached figure is never shown after its data changed:
there is nothing to invalidate, and several application processes stay correct with a cache
each.

Every query is cheap whatever the project's size: the newest history row of each audited table
(and the newest assignment) is one step down a primary key, and the rest read a project's few
hundred dyads, periods, sources, members and stage judgments.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Sum

from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Criterion,
    Dyad,
    Evidence,
    Membership,
    Period,
    PeriodOverride,
    Project,
    ScaleValue,
    Source,
    StageJudgment,
)

# The key changes with the data, so the timeout only frees memory.
CACHE_SECONDS = 24 * 60 * 60

# Every save and delete of these writes a history row with a new, larger id (the application's
# compare-and-set writes end in a full save for exactly this reason). The newest id across all
# projects is read, not the project's own: one index step instead of a join over the history,
# at the price of recomputing after another project's edit.
AUDITED = (Assignment, Coding, Consensus, PeriodOverride, Evidence, Criterion)


def project_fingerprint(project: Project) -> str:
    """A short hex digest that changes whenever the coding, consensus, evidence, sources,
    periods, codebook, assignments and submissions, members or stage judgments of ``project``
    change."""
    parts: list[Any] = [
        project.pk,
        project.name,
        project.citation_style,
        project.codebook_id,
        *(model.history.aggregate(m=Max("history_id"))["m"] for model in AUDITED),
        # Assignments are also created in bulk, without history rows: their largest id moves.
        Assignment.objects.aggregate(m=Max("pk"))["m"],
        *StageJudgment.objects.filter(period__dyad__project=project)
        .order_by()
        .aggregate(n=Count("pk"), versions=Sum("version"), last=Max("updated_at"))
        .values(),
        # Sources are also created in bulk without history: count them, and see edits by time.
        *Source.objects.filter(project=project)
        .order_by()
        .aggregate(n=Count("pk"), ids=Sum("pk"), last=Max("updated_at"))
        .values(),
        # Small tables without a history: their rows themselves.
        list(
            Dyad.objects.filter(project=project)
            .order_by("pk")
            .values_list("pk", "code", "name", "state_a", "state_b")
        ),
        list(
            Period.objects.filter(dyad__project=project)
            .order_by("pk")
            .values_list("pk", "dyad_id", "code", "label", "start_year", "end_year")
        ),
        # Reports name the coders who judged and what their role lets a reader see.
        list(
            Membership.objects.filter(project=project)
            .order_by("pk")
            .values_list(
                "pk",
                "role",
                "user__username",
                "user__first_name",
                "user__last_name",
            )
        ),
        list(
            ScaleValue.objects.filter(codebook_id=project.codebook_id)
            .order_by("value")
            .values_list("value", "label")
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def cached_for_project(
    kind: str, project: Project, parts: Iterable[Any], compute: Callable[[], Any]
) -> Any:
    """``compute()``, kept until the project's data change. ``parts`` name what else the
    result depends on (a dyad, a reader's audience, a page)."""
    named = repr([*parts, project_fingerprint(project)]).encode()
    key = f"{kind}:{project.pk}:{hashlib.sha256(named).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found
