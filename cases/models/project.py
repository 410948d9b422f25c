"""Projects, who belongs to them, and the codebook they code against."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from cases.classification.rule import Rule, rule_named
from cases.lib import limits
from cases.lib.validators import (
    MaxCharacters,
    validate_criterion_translations,
    validate_identifier,
    validate_indicators,
    validate_line,
)
from cases.projects.licences import CHOICES as LICENCE_CHOICES
from cases.projects.licences import DEFAULT_LICENCE, LICENCES, Licence, licence_named


class Codebook(models.Model):
    """A versioned set of criteria with one ordered value scale shared by all of them."""

    name = models.CharField(max_length=limits.NAME, validators=[validate_line])
    version = models.CharField(
        max_length=limits.VERSION, default="1", validators=[validate_identifier]
    )

    class Meta:
        ordering = ["name", "version"]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def scale_values(self) -> list[int]:
        return [point.value for point in self.scale.all()]


class ScaleValue(models.Model):
    """One point of a codebook's ordinal scale (0 absent … 3 strong by default)."""

    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="scale")
    value = models.SmallIntegerField()
    label = models.CharField(max_length=limits.SCALE_LABEL, validators=[validate_line])

    class Meta:
        ordering = ["codebook", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["codebook", "value"], name="scale_value_unique_per_codebook"
            ),
            models.UniqueConstraint(
                fields=["codebook", "label"], name="scale_label_unique_per_codebook"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"


def codebook_order(via: str = "") -> list[str]:
    """The order a codebook lists its criteria in (``order``, then the code), for an
    ``order_by`` on criteria or, with ``via="criterion__"``, on rows that point at one."""
    return [f"{via}order", f"{via}code"]


class CriterionQuerySet(models.QuerySet):
    def in_codebook_order(self) -> "CriterionQuerySet":
        """The criteria as the codebook lists them: every page, export and check uses this."""
        return self.order_by(*codebook_order())

    def current(self) -> "CriterionQuerySet":
        """The criteria new codings may use: not retired by a codebook version."""
        return self.filter(retired_in__isnull=True)


class Criterion(models.Model):
    """A code coders apply to evidence. Codes are stable identifiers: never renamed or reused."""

    class Verification(models.TextChoices):
        VERIFIED = "V", gettext_lazy("checked against a public source")
        SEED = "S", gettext_lazy("stated in the seed article")
        UNVERIFIED = "U", gettext_lazy("standard reading, not checked page by page")

    codebook = models.ForeignKey(Codebook, on_delete=models.PROTECT, related_name="criteria")
    code = models.CharField(max_length=limits.CODE, validators=[validate_identifier])
    name = models.CharField(max_length=limits.NAME, validators=[validate_line])
    framework = models.CharField(max_length=limits.FRAMEWORK, validators=[validate_line])
    group = models.CharField(
        max_length=limits.FRAMEWORK,
        validators=[validate_line],
        help_text="Tier or group within the framework.",
    )
    definition = models.TextField(validators=[MaxCharacters(limits.DEFINITION)])
    indicators = models.JSONField(default=list, blank=True, validators=[validate_indicators])
    carry_forward = models.BooleanField(
        default=False,
        help_text="Carried into later periods unless coded 0 there (rule v1, step 0).",
    )
    order = models.PositiveIntegerField(default=0)
    verification = models.CharField(
        max_length=1, choices=Verification.choices, default=Verification.UNVERIFIED
    )
    notes = models.TextField(blank=True, validators=[MaxCharacters(limits.CRITERION_NOTES)])
    # The name and definition in other languages, {"tr": {"name": ..., "definition": ...}}: a
    # reading aid for coders of another language. The codebook's own texts above stay what the
    # project wrote and what is coded against; the coding page keeps them one click away.
    translations = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_criterion_translations],
        help_text='{"tr": {"name": "…", "definition": "…"}}: the name and definition in '
        "another language, shown to coders reading the interface in it.",
    )
    # The codebook version that retired the criterion: kept in history with its codings,
    # excluded from new coding and from the current figures. None while it is current.
    retired_in = models.PositiveIntegerField(null=True, blank=True)

    history = HistoricalRecords()

    objects = CriterionQuerySet.as_manager()

    class Meta:
        ordering = ["codebook", *codebook_order()]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["codebook", "code"], name="criterion_code_unique"),
            models.CheckConstraint(condition=~models.Q(code=""), name="criterion_code_not_empty"),
        ]

    def __str__(self) -> str:
        return self.code

    def in_language(self, language: str | None) -> dict:
        """The name and definition to show a reader of ``language`` ("tr", "tr-tr"): the
        project's translation where it has one (a text it leaves out falls back to the
        original), else the original. ``translated`` says whether anything was replaced."""
        tag = (language or "").lower()
        texts = self.translations.get(tag) or self.translations.get(tag.split("-")[0]) or {}
        return {
            "name": texts.get("name") or self.name,
            "definition": texts.get("definition") or self.definition,
            "translated": bool(texts),
        }

    def clean(self) -> None:
        if not self.pk:
            return
        stored = Criterion.objects.filter(pk=self.pk).values_list("code", flat=True).first()
        if stored is not None and stored != self.code and self.in_use():
            raise ValidationError(
                {
                    "code": f"{stored} is already used in codings: codes are stable identifiers "
                    "and never change. Add a new criterion instead."
                }
            )

    def in_use(self) -> bool:
        """Coded, decided or overridden anywhere: from then on the code may never change."""
        return self.codings.exists() or self.consensus.exists() or self.overrides.exists()


class Project(models.Model):
    slug = models.SlugField(max_length=limits.SLUG, unique=True)
    name = models.CharField(max_length=limits.NAME, validators=[validate_line])
    description = models.TextField(blank=True, validators=[MaxCharacters(limits.DESCRIPTION)])
    codebook = models.ForeignKey(Codebook, on_delete=models.PROTECT, related_name="projects")
    citation_style = models.CharField(
        max_length=limits.CITATION_STYLE,
        validators=[validate_identifier],
        default="chicago-author-date",
        help_text="CSL style used to format citations in this project.",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="projects"
    )
    # The classification rule the project's reports and exports use (CODEBOOK.md §4, §4b).
    # Projects made before rule v2 keep v1, so their figures stay what they were.
    rule_version = models.CharField(
        max_length=2,
        choices=[("v1", "rule v1"), ("v2", "rule v2: missing is not absent")],
        default="v2",
        help_text="The classification rule of the reports and exports; the other one stays "
        "available for comparison.",
    )
    # The licence of the data in the replication package (its LICENSE, CITATION.cff and
    # datapackage.json); the project's admins choose it.
    data_licence = models.CharField(
        max_length=20,
        choices=LICENCE_CHOICES,
        default=DEFAULT_LICENCE,
        help_text="The licence under which the replication package offers the project's data.",
    )
    # How many coders each item should have: the assignments page warns about items with fewer.
    coders_per_item = models.PositiveSmallIntegerField(
        default=2, help_text="How many coders should code each item (at least 1)."
    )
    # 0: off. Otherwise every new item (page, API, bundle import) goes to this many coders,
    # those with the fewest open items first.
    auto_assign_coders = models.PositiveSmallIntegerField(
        default=0,
        help_text="Give every new evidence item to this many coders, those with the fewest "
        "open items first; 0 turns it off.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rule_version__in=["v1", "v2"]), name="project_rule_known"
            ),
            models.CheckConstraint(
                condition=models.Q(data_licence__in=list(LICENCES)),
                name="project_data_licence_known",
            ),
            models.CheckConstraint(
                condition=models.Q(coders_per_item__gte=1), name="project_coders_per_item_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rule(self) -> Rule:
        """The project's classification rule (a pure ``classification.Rule``)."""
        return rule_named(self.rule_version)

    @property
    def licence(self) -> Licence:
        """The licence of the project's data (``cases.projects.licences``)."""
        return licence_named(self.data_licence)


class Role(models.TextChoices):
    ADMIN = "admin", gettext_lazy("admin")
    REVIEWER = "reviewer", gettext_lazy("reviewer")
    CODER = "coder", gettext_lazy("coder")
    OBSERVER = "observer", gettext_lazy("observer")


class Membership(models.Model):
    """A user's role in one project; the same user may hold other roles elsewhere."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["project", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_membership_per_user"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.project}"

    # The rules of DESIGN.md's permission table, one property each.
    @property
    def can_edit_evidence(self) -> bool:
        return self.role in (Role.ADMIN, Role.REVIEWER, Role.CODER)

    @property
    def can_code(self) -> bool:
        return self.role == Role.CODER

    @property
    def can_review(self) -> bool:
        """Agreement figures, the disagreement queue, adjudication, period overrides."""
        return self.role in (Role.ADMIN, Role.REVIEWER)

    @property
    def can_read_all_codings(self) -> bool:
        return self.role in (Role.ADMIN, Role.REVIEWER)

    @property
    def can_manage(self) -> bool:
        """Edit the codebook, members and assignments."""
        return self.role == Role.ADMIN

    @property
    def can_export_raw(self) -> bool:
        """Raw codings export: everyone's for admins and reviewers, own only for coders."""
        return self.role in (Role.ADMIN, Role.REVIEWER, Role.CODER)
