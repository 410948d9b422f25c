"""The sources cited: one bibliographic record per work, its CSL-JSON item the source of truth."""

from django.db import models

from cases.lib import limits
from cases.lib.validators import validate_csl, validate_key
from cases.models.project import Project


class Source(models.Model):
    """A bibliographic record. ``csl`` holds the CSL-JSON item as given (the source of truth);
    title, year and authors are copied out of it for search and sorting."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sources")
    key = models.CharField(max_length=limits.KEY, validators=[validate_key])
    csl = models.JSONField(default=dict, validators=[validate_csl])
    title = models.TextField(blank=True, editable=False)
    authors = models.TextField(blank=True, editable=False)
    year = models.SmallIntegerField(null=True, blank=True, editable=False)
    # Cached reports and pages see an edited record by this (cases.lib.cache).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "key"]
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="source_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key

    def save(self, *args, **kwargs) -> None:
        self.copy_fields_from_csl()
        super().save(*args, **kwargs)

    def copy_fields_from_csl(self) -> None:
        csl = self.csl or {}
        self.title = str(csl.get("title", ""))
        names = []
        for person in csl.get("author") or csl.get("editor") or []:
            names.append(person.get("family") or person.get("literal") or "")
        self.authors = "; ".join(n for n in names if n)
        parts = (csl.get("issued") or {}).get("date-parts") or [[None]]
        try:
            self.year = int(parts[0][0]) if parts[0] and parts[0][0] is not None else None
        except (TypeError, ValueError, IndexError):
            self.year = None
