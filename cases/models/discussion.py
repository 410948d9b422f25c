"""The conversation around the coding: memos (an item's thread or the project's notes), the
notifications that tell a member something happened to them, and the record of each round of
assignments (with the seed of a random sample, so it can be drawn again)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from cases.lib import limits
from cases.lib.validators import MaxCharacters
from cases.models.case import Evidence
from cases.models.project import Project


class Memo(models.Model):
    """A note in a discussion: on one evidence item, or (evidence empty) on the whole project.

    A memo on an item may speak of codes, so it is read like codes are (``cases.discussion``)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memos")
    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, null=True, blank=True, related_name="memos"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(validators=[MaxCharacters(limits.MEMO)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["project", "evidence", "created_at"])]
        constraints = [models.CheckConstraint(condition=~models.Q(body=""), name="memo_not_empty")]

    def __str__(self) -> str:
        return f"{self.author} on {self.evidence or self.project}"


class Notification(models.Model):
    """Something that happened to a member: an item returned to them, new items assigned, a
    decision on an item they coded. Read on the notifications page; no e-mail."""

    class Kind(models.TextChoices):
        RETURNED = "returned", gettext_lazy("item returned")
        ASSIGNED = "assigned", gettext_lazy("items assigned")
        DECIDED = "decided", gettext_lazy("item decided")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="notifications")
    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "project", "read_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["returned", "assigned", "decided"]),
                name="notification_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.text}"


class AssignmentBatch(models.Model):
    """One use of the assignments page or API: what was asked and, for a random sample, the
    seed, so that the same seed draws the same items again."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="assignment_batches"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(max_length=500)
    seed = models.BigIntegerField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return self.description
