"""After each write to what a project's figures read, ask for their recomputation once the
write's transaction commits (``cases.lib.fresh_figures``).

The models are those ``project_fingerprint`` reads. A transaction that saves many rows of one
project asks once: the request waits in the connection's list of commit callbacks, where a
second write of the same project finds it. A write rolled back asks for nothing. Writes made
without signals (bulk creation, ``update()``) are caught by the first reader, who finds the
fingerprint moved and asks then.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from cases.lib.cache import forget_fingerprints
from cases.lib.fresh_figures import request_recomputation
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


class _Recompute:
    """A commit callback for one project, recognisable in the connection's list; it gathers
    the dyads the transaction wrote to, whose reports are recomputed first."""

    def __init__(self, project_pk: int) -> None:
        self.project_pk = project_pk
        self.dyads: set[int] = set()

    def __call__(self) -> None:
        request_recomputation(self.project_pk, dyads=self.dyads)


class _RecomputeCodebook:
    """A commit callback for the projects of one codebook, found when the transaction commits
    (a publication saves many criteria; one look-up for all of them)."""

    def __init__(self, codebook_pk: int) -> None:
        self.codebook_pk = codebook_pk

    def __call__(self) -> None:
        for pk in Project.objects.filter(codebook_id=self.codebook_pk).values_list("pk", flat=True):
            request_recomputation(pk)


def _ask_for_codebook(codebook_pk: int) -> None:
    connection = transaction.get_connection()
    if any(
        getattr(callback, "codebook_pk", None) == codebook_pk
        for _, callback, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_RecomputeCodebook(codebook_pk), robust=True)


def _ask(found: list[tuple[int, int | None]]) -> None:
    """Ask for the recomputation of each (project, dyad or None) once per transaction."""
    connection = transaction.get_connection()
    waiting = {
        callback.project_pk: callback
        for _, callback, _ in connection.run_on_commit
        if isinstance(callback, _Recompute)
    }
    for project_pk, dyad_pk in found:
        if project_pk is None:
            continue
        callback = waiting.get(project_pk)
        if callback is not None:
            if dyad_pk is not None:
                callback.dyads.add(dyad_pk)
            continue
        callback = waiting[project_pk] = _Recompute(project_pk)
        if dyad_pk is not None:
            callback.dyads.add(dyad_pk)
        # Outside a transaction this runs at once. robust: a cache or queue failure must not
        # undo, nor fail, the write.
        transaction.on_commit(callback, robust=True)


def _projects_of(instance) -> list[tuple[int, int | None]]:
    """The project (and the dyad, where there is one) a written row belongs to."""
    if isinstance(instance, Project):
        return [(instance.pk, None)]
    if isinstance(instance, Evidence):
        return [(instance.project_id, instance.dyad_id)]
    if isinstance(instance, Dyad):
        return [(instance.project_id, instance.pk)]
    if isinstance(instance, (Source, Membership, Round)):
        return [(instance.project_id, None)]
    if isinstance(instance, (Coding, Consensus, Assignment)):
        return list(
            Evidence.objects.filter(pk=instance.evidence_id).values_list("project_id", "dyad_id")
        )
    if isinstance(instance, Period):
        return list(Dyad.objects.filter(pk=instance.dyad_id).values_list("project_id", "pk"))
    if isinstance(instance, (PeriodOverride, StageJudgment)):
        return list(
            Period.objects.filter(pk=instance.period_id).values_list("dyad__project_id", "dyad_id")
        )
    if isinstance(instance, GoldValue):
        return [
            (pk, None)
            for pk in Round.objects.filter(pk=instance.round_id).values_list(
                "project_id", flat=True
            )
        ]
    return []


def _written(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # fixtures being loaded
    forget_fingerprints()
    if isinstance(instance, (Criterion, ScaleValue)):
        _ask_for_codebook(instance.codebook_id)
    else:
        _ask(_projects_of(instance))


def _round_members_changed(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Round):
        forget_fingerprints()
        _ask([(instance.project_id, None)])


WATCHED = (
    Project,
    Evidence,
    Source,
    Dyad,
    Period,
    Membership,
    Round,
    Coding,
    Consensus,
    Assignment,
    PeriodOverride,
    StageJudgment,
    GoldValue,
    Criterion,
    ScaleValue,
)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_written, sender=model, dispatch_uid=f"fresh-{model.__name__}-save")
        post_delete.connect(_written, sender=model, dispatch_uid=f"fresh-{model.__name__}-delete")
    for through in (Round.coders.through, Round.items.through):
        m2m_changed.connect(
            _round_members_changed, sender=through, dispatch_uid=f"fresh-{through.__name__}"
        )
