"""Figures no reader waits for: computed by a background task after each write, shown at once.

The agreement page, the dyad report and the comparison take a second or more to compute on a
large project. ``figures_for`` answers a reader from the cache:

- the figures for the project's current fingerprint (``cases.lib.cache``) when they are there:
  current;
- otherwise the newest figures ever computed for the same page, stamped with the time they were
  computed and marked not current, while a task recomputes them (``request_recomputation``);
- only when nothing was ever computed for that page (its first view), computed in the request.

Every write that moves a project's fingerprint asks for a recomputation once its transaction
commits (``cases.lib.fresh_signals``); a reader who finds stale figures asks too, which also
covers writes made without signals (bulk imports). The requests are deduplicated per project
in the shared cache, so one task runs however many writes or readers asked. The task
recomputes each page readers have looked at (the project's "wanted" list, most recent first)
under the new fingerprint. With the immediate task backend the recomputation happens inside
the request that asks for it, so that reader is shown current figures.

Each page is a *recipe*: a spec (plain data, kept in the cache) from which both the reader and
the task derive the cache key's parts and the computation, so both compute the same thing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.utils import timezone, translation
from django_tasks import task

from cases.lib.cache import CACHE_SECONDS, project_fingerprint
from cases.models import Project

logger = logging.getLogger(__name__)

# How many pages per project the task keeps recomputing: those read most recently.
WANTED_PAGES = 200
# A request for a recomputation is forgotten after this long, so a lost task (no worker ran it)
# is asked for again by the next reader.
PENDING_SECONDS = 10 * 60


@dataclass(frozen=True)
class Figures:
    """What a reader is shown: the value, when it was computed, and whether it reflects the
    project's data as they are now (if not, a recomputation is under way)."""

    value: Any
    computed_at: datetime
    current: bool
    # Names the page for the status endpoint the page polls while not current.
    page: str


# kind -> recipe(project, spec) -> (parts of the cache key, computation)
Recipe = Callable[[Project, dict], tuple[list, Callable[[], Any]]]
RECIPES: dict[str, Recipe] = {}


# While a page's figures are computed: its project and the fingerprint they will be kept under.
# A recipe deriving its figures from another page's (``figures_now``) reads that page's for the
# same data, and the fingerprint is not read again.
_COMPUTING: ContextVar[tuple[int, str] | None] = ContextVar("figures_computing", default=None)


@contextmanager
def _computing(project_pk: int, fingerprint: str):
    token = _COMPUTING.set((project_pk, fingerprint))
    try:
        yield
    finally:
        _COMPUTING.reset(token)


def recipe(kind: str):
    """Register how to compute one kind of page from its spec."""

    def register(function: Recipe) -> Recipe:
        RECIPES[kind] = function
        return function

    return register


def _digest(value: Any) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()


def page_id(kind: str, parts: list) -> str:
    """One page of figures, whatever the data: its kind and what else it depends on."""
    return f"{kind}:{_digest(parts)[:32]}"


def _figures_key(project_pk: int, page: str, fingerprint: str) -> str:
    return f"figures:{project_pk}:{page}:{fingerprint}"


def _newest_key(project_pk: int, page: str) -> str:
    return f"figures-newest:{project_pk}:{page}"


def _wanted_key(project_pk: int) -> str:
    return f"figures-wanted:{project_pk}"


def _pending_key(project_pk: int) -> str:
    return f"figures-pending:{project_pk}"


def _store(project_pk: int, page: str, fingerprint: str, value: Any) -> datetime:
    at = timezone.now()
    cache.set(_figures_key(project_pk, page, fingerprint), (at, value), CACHE_SECONDS)
    cache.set(_newest_key(project_pk, page), fingerprint, CACHE_SECONDS)
    return at


def _want(project_pk: int, page: str, kind: str, spec: dict, wanted: dict | None = None) -> None:
    """Put the page on the project's list of pages to recompute after a write (it is read).
    ``wanted``: the list, when the caller has just read it."""
    if wanted is None:
        wanted = cache.get(_wanted_key(project_pk)) or {}
    if page in wanted:
        return
    wanted[page] = (kind, spec)
    while len(wanted) > WANTED_PAGES:
        wanted.pop(next(iter(wanted)))
    cache.set(_wanted_key(project_pk), wanted, CACHE_SECONDS)


def figures_for(kind: str, project: Project, spec: dict) -> Figures:
    """The page's figures: current if computed for the data as they are, else the newest ever
    computed (not current, a recomputation requested), else computed now (a first view)."""
    _load_recipes()
    # Figures are words too (a report's sentences, a chart's labels): a page is kept once per
    # language, and the task recomputes it in the language it was read in.
    language = translation.get_language()
    spec = {**spec, "language": language}
    parts, compute = RECIPES[kind](project, spec)
    page = page_id(kind, [*parts, language])
    fingerprint = project_fingerprint(project)
    # A read of the cache is a query with the database cache: the keys are read together.
    current_key, newest_key = (
        _figures_key(project.pk, page, fingerprint),
        _newest_key(project.pk, page),
    )
    kept = cache.get_many([current_key, newest_key])
    found = kept.get(current_key)
    if found is not None:
        return Figures(found[1], found[0], True, page)
    newest = kept.get(newest_key)
    stale_key, wanted_key = _figures_key(project.pk, page, newest), _wanted_key(project.pk)
    pending_key = _pending_key(project.pk)
    kept = cache.get_many([stale_key, wanted_key, pending_key]) if newest else {}
    stale = kept.get(stale_key)
    if stale is not None:
        _want(project.pk, page, kind, spec, kept.get(wanted_key) or {})
        # Most readers of stale figures find their recomputation asked for already (by the
        # write, or an earlier reader): no attempt to add it again.
        if pending_key not in kept:
            request_recomputation(project.pk)
            # The immediate backend has recomputed in the call above; a queue has not yet.
            found = cache.get(_figures_key(project.pk, page, fingerprint))
            if found is not None:
                return Figures(found[1], found[0], True, page)
        return Figures(stale[1], stale[0], False, page)
    with _computing(project.pk, fingerprint):
        value = compute()
    at = _store(project.pk, page, fingerprint, value)
    _want(project.pk, page, kind, spec)
    return Figures(value, at, True, page)


def figures_now(kind: str, project: Project, spec: dict) -> Any:
    """Another page's figures for the data as they are now, for a recipe that derives its own
    from them (a chart from its page's figures): those kept if computed, else computed and kept,
    so the page itself is current too. Never the figures of older data."""
    _load_recipes()
    language = translation.get_language()
    parts, compute = RECIPES[kind](project, {**spec, "language": language})
    page = page_id(kind, [*parts, language])
    computing = _COMPUTING.get()
    if computing is not None and computing[0] == project.pk:
        fingerprint = computing[1]
    else:
        fingerprint = project_fingerprint(project)
    found = cache.get(_figures_key(project.pk, page, fingerprint))
    if found is not None:
        return found[1]
    with _computing(project.pk, fingerprint):
        value = compute()
    _store(project.pk, page, fingerprint, value)
    return value


def is_current(project: Project, page: str) -> bool:
    """Whether the page's figures for the project's data as they are now are computed."""
    fingerprint = project_fingerprint(project)
    return cache.get(_figures_key(project.pk, page, fingerprint)) is not None


def _affected_key(project_pk: int) -> str:
    return f"figures-affected:{project_pk}"


def request_recomputation(project_pk: int, dyads=()) -> None:
    """Enqueue the project's recomputation unless one is already queued; ``dyads`` (pks) were
    written to, and their reports are recomputed before the others'."""
    if dyads:
        affected = cache.get(_affected_key(project_pk)) or set()
        cache.set(_affected_key(project_pk), affected | set(dyads), CACHE_SECONDS)
    if cache.add(_pending_key(project_pk), True, PENDING_SECONDS):
        recompute_figures.enqueue(project_pk)


def recomputation_pending(project_pk: int) -> bool:
    return cache.get(_pending_key(project_pk)) is not None


def recompute(project_pk: int) -> int:
    """Compute every wanted page of the project for its data as they are now; the number of
    pages computed (those already current are skipped)."""
    _load_recipes()
    # A write from now on asks for another run, which sees it.
    cache.delete(_pending_key(project_pk))
    project = Project.objects.filter(pk=project_pk).first()
    if project is None:
        return 0
    fingerprint = project_fingerprint(project)
    wanted = cache.get(_wanted_key(project_pk)) or {}
    affected = cache.get(_affected_key(project_pk)) or set()
    cache.delete(_affected_key(project_pk))
    computed = 0
    for page, (kind, spec) in _in_order(wanted, affected):
        if cache.get(_figures_key(project_pk, page, fingerprint)) is not None:
            continue
        try:
            language = spec.get("language")
            with translation.override(language):
                parts, compute = RECIPES[kind](project, spec)
                if page_id(kind, [*parts, language]) != page:
                    # What the page depends on changed (a reader's role, a rule): its reader
                    # will ask for it again under its new name.
                    continue
                with _computing(project_pk, fingerprint):
                    value = compute()
                _store(project_pk, page, fingerprint, value)
            computed += 1
        except Exception:
            # A page that cannot be computed any more (its dyad or reader is gone) must not stop
            # the others; it leaves the list.
            logger.warning(
                "Dropping figures page %s of project %s", page, project_pk, exc_info=True
            )
            current = cache.get(_wanted_key(project_pk)) or {}
            current.pop(page, None)
            cache.set(_wanted_key(project_pk), current, CACHE_SECONDS)
    return computed


# The figures of one dyad (spec: its pk as "dyad"): its report, the report's JSON, its chart.
DYAD_PAGES = ("dyad-report-article", "dyad-report", "dyad-stage-chart")


def _in_order(wanted: dict, affected: set) -> list:
    """The project-wide pages first (agreement, comparison), then the reports of the dyads
    written to, then the other reports; the most recently read first within each."""

    def rank(entry) -> int:
        kind, spec = entry[1]
        if kind not in DYAD_PAGES:
            return 0
        return 1 if spec.get("dyad") in affected else 2

    return sorted(reversed(list(wanted.items())), key=rank)


@task()
def recompute_figures(project_pk: int) -> int:
    """The background task: ``recompute`` for one project."""
    return recompute(project_pk)


def _load_recipes() -> None:
    # The recipes import the figures' modules, which import much of the application.
    from cases.lib import figure_recipes  # noqa: F401
