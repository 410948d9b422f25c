"""Coding rounds: calibration rounds that train coders against a reference, then production.

A round is a sample of the project's evidence given to chosen coders. A calibration round is
scored when it closes: each coder's codes against the reference, either the items' consensus or
a gold set a reviewer records per item and criterion (``GoldValue``). A production round is the
ordinary work, measured by the coders' agreement with one another only.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from cases.lib import limits
from cases.lib.validators import validate_line
from cases.models.case import Evidence
from cases.models.project import Criterion, Project


class Round(models.Model):
    class Kind(models.TextChoices):
        CALIBRATION = "calibration", gettext_lazy("calibration")
        PRODUCTION = "production", gettext_lazy("production")

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("open")
        CLOSED = "closed", gettext_lazy("closed")

    class Reference(models.TextChoices):
        CONSENSUS = "consensus", gettext_lazy("the items' consensus")
        GOLD = "gold", gettext_lazy("a gold set")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(max_length=limits.NAME, validators=[validate_line])
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CALIBRATION)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    reference = models.CharField(
        max_length=20, choices=Reference.choices, default=Reference.CONSENSUS
    )
    items = models.ManyToManyField(Evidence, related_name="rounds")
    coders = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="coding_rounds")
    # A random sample is drawn again from the seed, the size and the items it was drawn from,
    # so it is reproducible; a chosen sample leaves both empty.
    sample_seed = models.BigIntegerField(null=True, blank=True)
    sample_size = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="round_name_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["calibration", "production"]),
                name="round_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True)
                | models.Q(status="closed", closed_at__isnull=False),
                name="round_closed_when_closed_at",
            ),
            # Only a calibration round is scored against a gold set.
            models.CheckConstraint(
                condition=models.Q(reference="consensus")
                | models.Q(reference="gold", kind="calibration"),
                name="round_gold_only_for_calibration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind}, {self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_calibration(self) -> bool:
        return self.kind == self.Kind.CALIBRATION

    @property
    def uses_gold(self) -> bool:
        return self.reference == self.Reference.GOLD


class GoldValue(models.Model):
    """The right code of one item for one criterion in a calibration round; value None: the
    criterion does not apply (not coded). A reviewer records every criterion of an item at
    once, so an item has gold when it has rows."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="gold")
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "evidence", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "evidence", "criterion"], name="one_gold_value_per_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round.name}: {self.evidence} {self.criterion} = {self.value}"
