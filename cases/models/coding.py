"""Coding: who codes what, their codes, the consensus, overrides and holistic stage judgments.

"Not coded" is the absence of a Coding row; "coded 0" is a row with value 0 (contrary evidence).
That a value lies on its codebook's scale is enforced by database triggers (migration 0002),
because a check constraint cannot look at another table.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from cases.lib import limits
from cases.lib.validators import MaxCharacters
from cases.models.case import Coupling, Evidence, Period, Stage
from cases.models.project import Criterion
from cases.models.versions import current_codebook_version


class Assignment(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", gettext_lazy("assigned")
        SUBMITTED = "submitted", gettext_lazy("submitted")

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="assignments")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ASSIGNED)
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The last time a reviewer returned the item to its coder, and why: shown to that coder and
    # to reviewers and admins only (the history keeps every earlier return).
    returned_comment = models.TextField(
        blank=True, validators=[MaxCharacters(limits.RETURN_COMMENT)]
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    # Where the item stands in its coder's queue of the project (1, 2, …), kept by
    # cases.coding.queue_order: the coding page's "n of m" and its neighbours are read from it
    # instead of numbering the whole queue on every request. Not part of the history.
    queue_position = models.PositiveIntegerField(null=True, blank=True, editable=False)

    # Who submitted or reopened what, when; and a cheap sign of change for cases.lib.cache.
    history = HistoricalRecords(excluded_fields=["queue_position"])

    class Meta:
        ordering = ["evidence", "coder__username"]
        indexes = [
            models.Index(fields=["coder", "queue_position"], name="assignment_queue_position"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "coder"], name="one_assignment_per_coder"),
            models.CheckConstraint(
                condition=models.Q(status__in=["assigned", "submitted"]),
                name="assignment_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence} → {self.coder} ({self.status})"


class CoderQueue(models.Model):
    """The state of one coder's queue in one project: whether the stored positions
    (Assignment.queue_position) are current. ``changes`` counts the changes of the queue (an
    assignment made or removed, an item's dyad, date or key changed); ``numbered`` is the count
    the positions were last computed at, so the positions are current while both are equal,
    and a change made while they were being computed leaves them stale, never wrongly
    current."""

    project = models.ForeignKey(
        "cases.Project", on_delete=models.CASCADE, related_name="coder_queues"
    )
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coder_queues"
    )
    changes = models.PositiveIntegerField(default=1)
    numbered = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "coder"], name="one_queue_per_coder"),
        ]

    def __str__(self) -> str:
        return f"{self.coder} in {self.project}: {self.size} items"


class CodingQuerySet(models.QuerySet):
    def for_project(self, project) -> "CodingQuerySet":
        return self.filter(evidence__project=project)

    def by(self, coder) -> "CodingQuerySet":
        return self.filter(coder=coder)

    def submitted(self) -> "CodingQuerySet":
        """Codings whose coder has submitted the item (drafts are the coder's own business)."""
        return self.filter(
            evidence__assignments__coder=models.F("coder"),
            evidence__assignments__status=Assignment.Status.SUBMITTED,
        )


class Coding(models.Model):
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="codings")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="codings")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="codings"
    )
    value = models.SmallIntegerField()
    note = models.TextField(blank=True, validators=[MaxCharacters(limits.NOTE)])
    version = models.PositiveIntegerField(default=1)
    # The codebook version the coding was made (or last moved) under; rows from before
    # codebook versions existed are version 1. Not ``version``, the row's own version.
    codebook_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = CodingQuerySet.as_manager()

    class Meta:
        ordering = ["evidence", "coder", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "criterion", "coder"],
                name="one_coding_per_item_criterion_coder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence} {self.criterion} = {self.value} ({self.coder})"

    def save(self, *args, **kwargs) -> None:
        # Stamped with the codebook version it is written under, whoever writes it.
        self.codebook_version = current_codebook_version(self.criterion_id)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = [*kwargs["update_fields"], "codebook_version"]
        super().save(*args, **kwargs)


class Consensus(models.Model):
    """The final code of one item for one criterion; value None records a decision not to code."""

    class Method(models.TextChoices):
        UNANIMOUS = "unanimous", gettext_lazy("unanimous")
        ADJUDICATED = "adjudicated", gettext_lazy("adjudicated")

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="consensus")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="consensus")
    value = models.SmallIntegerField(null=True, blank=True)
    method = models.CharField(max_length=20, choices=Method.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rationale = models.TextField(blank=True, validators=[MaxCharacters(limits.RATIONALE)])
    version = models.PositiveIntegerField(default=1)
    codebook_version = models.PositiveIntegerField(default=1)  # as Coding.codebook_version
    decided_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["evidence", "criterion"]
        verbose_name_plural = "consensus"
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "criterion"], name="one_consensus_per_item_criterion"
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=["unanimous", "adjudicated"]),
                name="consensus_method_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence} {self.criterion} = {self.value}"

    def save(self, *args, **kwargs) -> None:
        # Stamped with the codebook version it is written under, whoever writes it.
        self.codebook_version = current_codebook_version(self.criterion_id)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = [*kwargs["update_fields"], "codebook_version"]
        super().save(*args, **kwargs)


class PeriodOverride(models.Model):
    """A reviewer's replacement for one derived period value, always with its reason."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="overrides")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="overrides")
    value = models.SmallIntegerField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rationale = models.TextField(validators=[MaxCharacters(limits.RATIONALE)])
    version = models.PositiveIntegerField(default=1)
    decided_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "criterion"], name="one_override_per_period_criterion"
            ),
            models.CheckConstraint(
                condition=~models.Q(rationale=""), name="override_needs_rationale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.criterion} := {self.value}"


class StageJudgment(models.Model):
    """A coder's holistic verdict on one period, compared with the rule in the report."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="stage_judgments")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stage_judgments"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    # NULL, not "": "no coupling" is the null of the bundle format and the classify command.
    coupling = models.CharField(  # noqa: DJ001
        max_length=20, choices=Coupling.choices, null=True, blank=True
    )
    rationale = models.TextField(blank=True, validators=[MaxCharacters(limits.RATIONALE)])
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period", "coder__username"]
        constraints = [
            models.UniqueConstraint(fields=["period", "coder"], name="one_judgment_per_coder"),
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values), name="judgment_stage_valid"
            ),
            # Coupling is a property of mature communities only (Adler & Barnett).
            models.CheckConstraint(
                condition=models.Q(coupling__isnull=True)
                | models.Q(stage="mature", coupling__in=Coupling.values),
                name="judgment_coupling_only_when_mature",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.coder}: {self.stage}"
