"""The writes of coding rounds: open a round on a sample, record its gold set, close it.

Admins open and close rounds (assignments are theirs, DESIGN.md); admins and reviewers record
the gold set. Each action refuses with ``RoundRefused`` and a message naming what is wrong,
and writes nothing when it refuses.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.coding.assignments import assign_items
from cases.lib.validators import validate_line
from cases.models import Criterion, Evidence, GoldValue, Membership, Role, Round
from cases.review.rounds.sample import draw_sample


class RoundRefused(Exception):
    """The round cannot be opened, changed or closed as asked; the message says why."""


def _check_name(project, name: str) -> str:
    name = name.strip()
    if not name:
        raise RoundRefused("Name: give the round a name.")
    try:
        validate_line(name)
    except ValidationError as problem:  # control characters and the like
        raise RoundRefused(f"Name: {' '.join(problem.messages)}") from None
    if Round.objects.filter(project=project, name=name).exists():
        raise RoundRefused(f"Name: the project already has a round called {name}.")
    return name


def _check_coders(project, coders: list) -> list:
    if not coders:
        raise RoundRefused("Coders: choose at least one coder.")
    allowed = set(
        Membership.objects.filter(project=project, role=Role.CODER).values_list(
            "user_id", flat=True
        )
    )
    strangers = sorted(c.username for c in coders if c.pk not in allowed)
    if strangers:
        raise RoundRefused(f"Coders: {', '.join(strangers)} is not a coder of the project.")
    return coders


def _sample(project, items, sample_size: int | None, seed: int | None):
    """The round's items as a list of ids, and the seed its random sample was drawn with."""
    if (items is None) == (sample_size is None):
        raise RoundRefused("Sample: choose items, or give the size of a random sample.")
    if items is not None:
        ids = sorted({item.pk for item in items if item.project_id == project.pk})
        if not ids or len(ids) != len({item.pk for item in items}):
            raise RoundRefused("Sample: choose at least one item of this project.")
        return ids, None
    keys = dict(Evidence.objects.filter(project=project).values_list("key", "pk"))
    if not 1 <= sample_size <= len(keys):
        raise RoundRefused(
            f"Sample size: the project has {len(keys)} items; ask for 1 to {len(keys)}."
        )
    if seed is None:
        seed = secrets.randbelow(2**31)
    return sorted(keys[key] for key in draw_sample(list(keys), sample_size, seed)), seed


def create_round(
    *,
    project,
    name: str,
    kind: str,
    reference: str,
    coders: list,
    created_by,
    items=None,
    sample_size: int | None = None,
    seed: int | None = None,
) -> Round:
    """Open a round on chosen ``items`` or on a random sample of ``sample_size`` items drawn
    with ``seed`` (a new seed when None; it is recorded), and assign every item to every coder
    (``assign_items``: an item a coder already has stays as it is)."""
    name = _check_name(project, name)
    if kind not in Round.Kind.values:
        raise RoundRefused(f"Kind: choose {' or '.join(Round.Kind.values)}.")
    if reference not in Round.Reference.values:
        raise RoundRefused(f"Reference: choose {' or '.join(Round.Reference.values)}.")
    if reference == Round.Reference.GOLD and kind != Round.Kind.CALIBRATION:
        raise RoundRefused("Reference: only a calibration round is scored against a gold set.")
    coders = _check_coders(project, coders)
    ids, seed = _sample(project, items, sample_size, seed)
    try:
        with transaction.atomic():
            round_ = Round.objects.create(
                project=project,
                name=name,
                kind=kind,
                reference=reference,
                sample_seed=seed,
                sample_size=sample_size,
                created_by=created_by,
            )
            round_.items.set(ids)
            round_.coders.set(coders)
            assign_items(project=project, coders=coders, items=Evidence.objects.filter(pk__in=ids))
    except IntegrityError:  # another admin opened a round of that name a moment ago
        raise RoundRefused(f"Name: the project already has a round called {name}.") from None
    return round_


def record_gold(*, round_: Round, evidence: Evidence, values: dict, recorded_by) -> None:
    """The gold value of every criterion of one item of the round: ``values`` maps each
    criterion code to a scale value or None (the criterion does not apply). Replaces the
    item's gold set."""
    if not (round_.is_calibration and round_.uses_gold):
        raise RoundRefused("This round is not scored against a gold set.")
    if not round_.items.filter(pk=evidence.pk).exists():
        raise RoundRefused(f"{evidence.key} is not in the round {round_.name}.")
    criteria = list(Criterion.objects.filter(codebook_id=round_.project.codebook_id))
    codes = {criterion.code for criterion in criteria}
    unknown = sorted(set(values) - codes)
    if unknown:
        raise RoundRefused(f"{', '.join(unknown)}: not a criterion of the codebook.")
    scale = round_.project.codebook.scale_values()
    for code in sorted(values):
        if values[code] is not None and values[code] not in scale:
            raise RoundRefused(
                f"{code}: {values[code]} is not on the scale ({', '.join(map(str, scale))})."
            )
    with transaction.atomic():
        # Locks the round: a close racing with this write either comes after it or refuses it.
        if not Round.objects.select_for_update().filter(pk=round_.pk, status="open").exists():
            raise RoundRefused("The round is closed: its gold set no longer changes.")
        GoldValue.objects.filter(round=round_, evidence=evidence).delete()
        GoldValue.objects.bulk_create(
            GoldValue(
                round=round_,
                evidence=evidence,
                criterion=criterion,
                value=values.get(criterion.code),
                recorded_by=recorded_by,
            )
            for criterion in criteria
        )


def items_without_gold(round_: Round):
    """The round's items no gold has been recorded for."""
    with_gold = GoldValue.objects.filter(round=round_).values("evidence_id")
    return round_.items.exclude(pk__in=with_gold)


def close_round(*, round_: Round) -> Round:
    """Close an open round: from now on its coders see their scores. A round scored against a
    gold set closes only once every item has its gold."""
    with transaction.atomic():
        locked = Round.objects.select_for_update().filter(pk=round_.pk).first()
        if locked is None or not locked.is_open:
            raise RoundRefused("The round is already closed.")
        if locked.uses_gold:
            missing = list(items_without_gold(locked).order_by("key").values_list("key", flat=True))
            if missing:
                raise RoundRefused(
                    f"Record the gold set first: {len(missing)} item"
                    f"{'s have' if len(missing) != 1 else ' has'} none "
                    f"({', '.join(missing[:5])}{', …' if len(missing) > 5 else ''})."
                )
        locked.status, locked.closed_at = Round.Status.CLOSED, timezone.now()
        locked.save(update_fields=["status", "closed_at"])
    round_.refresh_from_db()
    return round_
