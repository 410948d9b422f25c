"""Codebook versions: the draft an admin edits, the published versions, and the codings a new
version marks for re-coding."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from cases.lib import limits
from cases.lib.validators import MaxCharacters
from cases.models.case import Evidence
from cases.models.project import Codebook


class PublishedVersionImmutable(ValidationError):
    """A published codebook version is never changed nor deleted."""


class CodebookVersionQuerySet(models.QuerySet):
    """No bulk change either: ``update`` and ``delete`` on versions are refused (a codebook's
    deletion still takes its versions along: Django's cascade deletes below the queryset)."""

    def update(self, **kwargs):
        raise PublishedVersionImmutable("A published codebook version cannot be changed.")

    def delete(self):
        raise PublishedVersionImmutable("A published codebook version cannot be deleted.")


class CodebookVersion(models.Model):
    """One published version of a codebook: its criteria and scale as they were (``snapshot``),
    and the migration map from the version before (``operations``, see cases.codebooks.plan).

    Immutable: saving an existing row or deleting one is refused; the versions go only with
    their codebook, when its project is replaced or removed whole."""

    # Gone only with its codebook (a project replaced or removed whole), never on its own.
    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True, validators=[MaxCharacters(limits.RATIONALE)])
    snapshot = models.JSONField()
    operations = models.JSONField(default=list, blank=True)
    # What publishing did to the codings and consensus: the counts the preview showed.
    summary = models.JSONField(default=dict, blank=True)

    objects = CodebookVersionQuerySet.as_manager()

    class Meta:
        ordering = ["codebook", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["codebook", "number"], name="codebook_version_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="codebook_version_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.codebook.name} version {self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PublishedVersionImmutable("A published codebook version cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PublishedVersionImmutable("A published codebook version cannot be deleted.")


class CodebookDraft(models.Model):
    """The next version of a codebook while its admins edit it: the criteria as they will be
    (a snapshot's ``criteria``) and the migration map. Publishing turns it into a version."""

    codebook = models.OneToOneField(Codebook, on_delete=models.CASCADE, related_name="draft")
    criteria = models.JSONField(default=list)
    operations = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"draft of {self.codebook.name}"


class RecodingMark(models.Model):
    """An item a coder (or, with no coder, the item's consensus) must code again on ``targets``
    because a codebook version merged different values or split a criterion.

    A mark is open until the coder saves a code (or a reviewer decides a consensus) on one of
    its targets under that version or a later one: ``cases.codebooks.marks`` reads that, so no
    write elsewhere has to remember to close it."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="recoding_marks")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recoding_marks",
    )
    codebook_version = models.ForeignKey(
        CodebookVersion, on_delete=models.CASCADE, related_name="marks"
    )
    targets = models.JSONField(default=list)
    reason = models.TextField()

    class Meta:
        ordering = ["evidence", "coder"]

    def __str__(self) -> str:
        return f"{self.evidence} re-code {', '.join(self.targets)}"


def current_codebook_version(criterion_id: int) -> int:
    """The number of the newest published version of a criterion's codebook (1 before any)."""
    newest = CodebookVersion.objects.filter(codebook__criteria=criterion_id).aggregate(
        newest=models.Max("number")
    )["newest"]
    return newest or 1
