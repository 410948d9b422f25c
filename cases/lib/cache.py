"""One fingerprint of everything a project's derived figures read, and a cache keyed by it.

The agreement page, the dyad report and the comparison page compute for a second or more on a
large project (agreement with bootstrap intervals, classification with leave-one-out). They keep
what they computed under a key that includes ``project_fingerprint``, which changes whenever
anything those figures read changes, so a cached figure is never shown after its data changed:
there is nothing to invalidate, and every application process reads the one shared cache
(settings.CACHES: the database, or Redis).

The fingerprint reads only the project's own rows, so an edit in one project never recomputes
another's figures. It costs a bounded number of queries, and little time, whatever the
project's size: the newest id of the project's rows in each audited table is kept in the cache
with the table's newest id, and brought up to date from the rows added since (a range of the
primary key); the rest are aggregates over the project's few hundred dyads, periods, sources,
members, stage judgments and rounds.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.utils.translation import get_language

from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Criterion,
    Dyad,
    Evidence,
    GoldValue,
    Membership,
    Period,
    PeriodOverride,
    Project,
    Round,
    ScaleValue,
    Source,
    StageJudgment,
)

# The key changes with the data, so the timeout only frees memory.
CACHE_SECONDS = 24 * 60 * 60


def _newest(queryset) -> Any:
    return queryset.order_by().aggregate(m=Max("pk"))["m"]


# Ids below the newest one seen that are looked at again: a transaction that took its ids
# before another's but committed after it is still seen, if it is not this far behind.
RESCAN = 1000


def _newest_of_project(project: Project, tables) -> list[Any]:
    """The newest id of ``project``'s rows in each of ``tables`` ((name, manager, filter of
    the project's rows)), read incrementally: the newest id of the whole table is one step
    down its primary key; the project's newest among the rows added since the last look (kept
    in the cache, one entry per project) is a short range of it. Only a first look, or one
    after the cache forgot, reads all the project's rows (a large project's 300,000 codings:
    tens of milliseconds)."""
    key = f"fingerprint-newest:{project.pk}"
    known = cache.get(key) or {}
    found, now = [], {}
    for name, manager, own in tables:
        newest = _newest(manager.all())
        seen_newest, mine = known.get(name, (None, None))
        if seen_newest is None or newest is None or newest < seen_newest:
            # A first look, or the table lost rows: read all the project's rows.
            mine = _newest(manager.filter(**own))
        elif newest > seen_newest:
            later = _newest(manager.filter(pk__gt=seen_newest - RESCAN, **own))
            mine = max((v for v in (mine, later) if v is not None), default=None)
        found.append(mine)
        now[name] = (newest, mine)
    if now != known:
        cache.set(key, now, CACHE_SECONDS)
    return found


# The fingerprints read while a page is read (``fingerprint_once``): project pk -> digest.
_READ: ContextVar[dict[int, str] | None] = ContextVar("fingerprints_read", default=None)


def fingerprint_once(view: Callable) -> Callable:
    """A page that reads, and writes nothing its figures read: within it, each project's
    fingerprint is read once (the figures and the filter bar's choices each key on it; a read
    is some twenty queries). A write to what a fingerprint reads forgets what was kept
    (``forget_fingerprints``, from ``cases.lib.fresh_signals``), so a fingerprint read after it
    is the new one; only GET and HEAD requests keep anything."""

    @functools.wraps(view)
    def reading(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        token = _READ.set({})
        try:
            return view(request, *args, **kwargs)
        finally:
            _READ.reset(token)

    return reading


def forget_fingerprints() -> None:
    """After a write: the fingerprints kept by a page being read are read again."""
    kept = _READ.get()
    if kept:
        kept.clear()


def project_fingerprint(project: Project) -> str:
    """A short hex digest that changes whenever the coding, consensus, evidence, sources,
    periods, codebook, assignments and submissions, members, stage judgments or rounds of
    ``project`` change, and only then: another project's edits leave it as it was."""
    kept = _READ.get()
    if kept is not None and project.pk in kept:
        return kept[project.pk]
    found = _fingerprint(project)
    if kept is not None:
        kept[project.pk] = found
    return found


def _fingerprint(project: Project) -> str:
    items = Evidence.objects.filter(project=project).values("pk")
    periods = Period.objects.filter(dyad__project=project).values("pk")
    rounds = Round.objects.filter(project=project)
    parts: list[Any] = [
        project.pk,
        project.name,
        project.citation_style,
        project.rule_version,  # which classification rule derives the stages
        project.codebook_id,
        # Every save and delete of the audited tables writes a history row with a new, larger
        # id (the application's compare-and-set writes end in a full save for this reason);
        # the newest of the project's rows moves with each of its writes. A history row keeps
        # the item it was about after the item is gone. Assignments are also created in bulk,
        # without history rows: their largest id moves.
        *_newest_of_project(
            project,
            [
                ("evidence", Evidence.history, {"project_id": project.pk}),
                ("coding", Coding.history, {"evidence_id__in": items}),
                ("consensus", Consensus.history, {"evidence_id__in": items}),
                ("assignment", Assignment.history, {"evidence_id__in": items}),
                ("override", PeriodOverride.history, {"period_id__in": periods}),
                ("criterion", Criterion.history, {"codebook_id": project.codebook_id}),
                ("assigned", Assignment.objects, {"evidence_id__in": items}),
            ],
        ),
        *StageJudgment.objects.filter(period_id__in=periods)
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
        # Coding rounds: a project's few rounds themselves, who and what each samples, and its
        # gold values (edited in place: their time moves; deleted or added: their count).
        list(rounds.order_by("pk").values_list("pk", "name", "kind", "status", "reference")),
        *Round.coders.through.objects.filter(round__project=project)
        .order_by()
        .aggregate(n=Count("pk"), ids=Sum("user_id"), last=Max("pk"))
        .values(),
        *Round.items.through.objects.filter(round__project=project)
        .order_by()
        .aggregate(n=Count("pk"), ids=Sum("evidence_id"), last=Max("pk"))
        .values(),
        *GoldValue.objects.filter(round__project=project)
        .order_by()
        .aggregate(n=Count("pk"), ids=Sum("pk"), last=Max("recorded_at"))
        .values(),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def cached_for_project(
    kind: str, project: Project, parts: Iterable[Any], compute: Callable[[], Any]
) -> Any:
    """``compute()``, kept until the project's data change. ``parts`` name what else the
    result depends on (a dyad, a reader's audience, a page). The interface's language is part
    of every key: a rendered report or a figure's labels are kept once per language."""
    named = repr([*parts, get_language(), project_fingerprint(project)]).encode()
    key = f"{kind}:{project.pk}:{hashlib.sha256(named).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found
