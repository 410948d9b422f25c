"""The cases: dyads and communities observed over periods, and the evidence drawn from their
sources."""

import re
from itertools import combinations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Greatest, Least, Length, Upper
from django.db.models.lookups import Exact
from django.utils.translation import gettext, gettext_lazy, ngettext
from simple_history.models import HistoricalRecords

from cases.classification.rule import has_coupling
from cases.lib import limits
from cases.lib.dates import EvidenceDate, EvidenceDateError, parse_evidence_date
from cases.lib.locators import is_valid_locator
from cases.lib.validators import MaxCharacters, validate_identifier, validate_key, validate_line
from cases.models.project import Project
from cases.models.source import Source

_ISO3 = re.compile(r"^[A-Z]{3}$")
_STATE_SEPARATORS = re.compile(r"[\s,;]+")


def split_states(text: str) -> list[str]:
    """A list of alpha-3 codes as written ("DNK, nor SWE") -> ["DNK", "NOR", "SWE"]."""
    return [code.upper() for code in _STATE_SEPARATORS.split(text or "") if code]


def state_list_problem(codes: list[str]) -> str:
    """What is wrong with a list of alpha-3 codes, or ""."""
    for code in codes:
        if not _ISO3.match(code):
            return gettext(
                '"%(code)s" is not an ISO 3166-1 alpha-3 code: three capital letters, e.g. SWE'
            ) % {"code": code}
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        return ngettext(
            "%(codes)s is listed twice", "%(codes)s are listed twice", len(repeated)
        ) % {"codes": ", ".join(repeated)}
    return ""


class Dyad(models.Model):
    """A case: an unordered pair of states (TUR-AZE and AZE-TUR are the same dyad) or a
    community of more states, the pair plus ``extra_states`` (DNK, NOR and SWE).

    The table keeps its name, so every dyad URL, key and export stays as it was; a community is a
    case with further member states. The code is kept as the user wrote it; a dyad's uniqueness
    is on the sorted pair, a community's on its set of members.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dyads")
    code = models.CharField(max_length=limits.CODE, validators=[validate_identifier])
    state_a = models.CharField(max_length=3, help_text="ISO 3166-1 alpha-3 code, e.g. TUR.")
    state_b = models.CharField(max_length=3, help_text="ISO 3166-1 alpha-3 code, e.g. AZE.")
    name = models.CharField(max_length=limits.NAME, validators=[validate_line])
    extra_states = models.CharField(
        max_length=limits.STATES,
        blank=True,
        help_text="A community of more than two states: its further members, alpha-3 codes "
        "separated by spaces, e.g. SWE. Empty for a dyad.",
    )

    class Meta:
        ordering = ["project", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="dyad_code_unique"),
            # A community may share its first two members with a dyad of the same project.
            models.UniqueConstraint(
                "project",
                Least("state_a", "state_b"),
                Greatest("state_a", "state_b"),
                condition=models.Q(extra_states=""),
                name="dyad_pair_unique_in_either_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(state_a=models.F("state_b")), name="dyad_two_states"
            ),
            models.CheckConstraint(
                condition=Exact(Length("state_a"), 3)
                & Exact(Upper("state_a"), models.F("state_a"))
                & Exact(Length("state_b"), 3)
                & Exact(Upper("state_b"), models.F("state_b")),
                name="dyad_states_are_alpha3",
            ),
            models.CheckConstraint(
                condition=Exact(Upper("extra_states"), models.F("extra_states")),
                name="dyad_extra_states_are_capitals",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def member_states(self) -> list[str]:
        """Every member state, the pair first: two for a dyad, more for a community."""
        return [self.state_a, self.state_b, *self.extra_states.split()]

    @property
    def is_community(self) -> bool:
        return bool(self.extra_states)

    @property
    def member_pairs(self) -> list[tuple[str, str]]:
        """The community's member dyads in member order (a dyad's one pair is itself)."""
        return list(combinations(self.member_states, 2))

    def clean(self) -> None:
        errors = {}
        for field in ("state_a", "state_b"):
            if not _ISO3.match(getattr(self, field) or ""):
                errors[field] = "use an ISO 3166-1 alpha-3 code: three capital letters, e.g. TUR"
        if not errors and self.state_a == self.state_b:
            errors["state_b"] = "a dyad needs two different states"
        extra = split_states(self.extra_states)
        self.extra_states = " ".join(extra)
        problem = state_list_problem(extra)
        if not problem and not errors and {self.state_a, self.state_b} & set(extra):
            problem = "a further member repeats state A or state B: list each state once"
        if not problem and len(extra) + 2 > limits.MEMBER_STATES:
            problem = f"a community has at most {limits.MEMBER_STATES} member states"
        if problem:
            errors["extra_states"] = problem
        if errors:
            raise ValidationError(errors)
        if extra:
            self._check_unique_community()
            return
        pair = sorted([self.state_a, self.state_b])
        same_pair = (
            Dyad.objects.filter(project_id=self.project_id, extra_states="")
            .filter(
                models.Q(state_a=pair[0], state_b=pair[1])
                | models.Q(state_a=pair[1], state_b=pair[0])
            )
            .exclude(pk=self.pk)
            .first()
        )
        if same_pair:
            raise ValidationError(
                f"{self.state_a}–{self.state_b} is already in this project as {same_pair.code}"
            )

    def _check_unique_community(self) -> None:
        members = set(self.member_states)
        others = Dyad.objects.filter(project_id=self.project_id).exclude(extra_states="")
        for other in others.exclude(pk=self.pk):
            if set(other.member_states) == members:
                raise ValidationError(
                    f"the community of {', '.join(self.member_states)} is already in this "
                    f"project as {other.code}"
                )


class PeriodQuerySet(models.QuerySet):
    def containing_year(self, year: int) -> "PeriodQuerySet":
        return self.filter(start_year__lte=year).filter(
            models.Q(end_year__isnull=True) | models.Q(end_year__gte=year)
        )


class Period(models.Model):
    """A span of years of one dyad. The periods of a dyad never overlap (a database trigger)."""

    dyad = models.ForeignKey(Dyad, on_delete=models.CASCADE, related_name="periods")
    code = models.CharField(max_length=limits.CODE, validators=[validate_identifier])
    label = models.CharField(max_length=limits.LABEL, blank=True, validators=[validate_line])
    start_year = models.SmallIntegerField()
    end_year = models.SmallIntegerField(null=True, blank=True, help_text="Empty: still open.")

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["dyad", "start_year"]
        constraints = [
            models.UniqueConstraint(fields=["dyad", "code"], name="period_code_unique_per_dyad"),
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="period_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dyad.code} {self.code} ({self.span})"

    @property
    def span(self) -> str:
        return f"{self.start_year}–{self.end_year if self.end_year is not None else ''}"

    def contains_year(self, year: int) -> bool:
        return self.start_year <= year and (self.end_year is None or year <= self.end_year)

    def clean(self) -> None:
        if self.end_year is not None and self.end_year < self.start_year:
            raise ValidationError({"end_year": "a period cannot end before it starts"})
        if not self.dyad_id:
            return
        overlapping = Period.objects.filter(dyad_id=self.dyad_id).exclude(pk=self.pk)
        end = self.end_year if self.end_year is not None else 10**4
        overlapping = overlapping.filter(start_year__lte=end).filter(
            models.Q(end_year__isnull=True) | models.Q(end_year__gte=self.start_year)
        )
        other = overlapping.first()
        if other:
            raise ValidationError(
                f"{self.code} ({self.span}) overlaps {other.code} ({other.span}) of the same dyad"
            )


def period_reaches(parsed: EvidenceDate, period: "Period") -> bool:
    """Whether an interval date overlaps the period: a coder may place an item dated by a span
    (a cumulative figure, 2000/2021) in a period its span reaches, not only the one holding its
    start year (CODEBOOK.md §0: by the start year unless the coder overrides)."""
    end = period.end_year if period.end_year is not None else 10**4
    return parsed.is_interval and parsed.start_year <= end and parsed.end.year >= period.start_year


class EvidenceType(models.TextChoices):
    EVENT = "event", gettext_lazy("event")
    AGREEMENT = "agreement", gettext_lazy("agreement")
    POLICY = "policy", gettext_lazy("policy")
    STATISTIC = "statistic", gettext_lazy("statistic")
    SURVEY = "survey", gettext_lazy("survey")
    DISCOURSE = "discourse", gettext_lazy("discourse")
    RESEARCH_FINDING = "research_finding", gettext_lazy("research finding")
    CONTEXT = "context", gettext_lazy("context")
    AUTHOR_ASSESSMENT = "author_assessment", gettext_lazy("author assessment")


class Stage(models.TextChoices):
    NONE = "none", gettext_lazy("none")
    NASCENT = "nascent", gettext_lazy("nascent")
    ASCENDANT = "ascendant", gettext_lazy("ascendant")
    MATURE = "mature", gettext_lazy("mature")


class Coupling(models.TextChoices):
    LOOSELY = "loosely", gettext_lazy("loosely coupled")
    TIGHTLY = "tightly", gettext_lazy("tightly coupled")


class EvidenceQuerySet(models.QuerySet):
    def for_project(self, project: Project) -> "EvidenceQuerySet":
        return self.filter(project=project)


class Evidence(models.Model):
    """One dated fact, statistic, survey, discourse act or assessment, quoted from a source page."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evidence")
    key = models.CharField(max_length=limits.KEY, validators=[validate_key])
    dyad = models.ForeignKey(Dyad, on_delete=models.PROTECT, related_name="evidence")
    # Which members of a community the item concerns; empty: all of them (always so for a dyad's
    # items, whose one pair is the dyad). A member dyad is classified from the items naming both.
    states = models.CharField(
        max_length=limits.STATES,
        blank=True,
        help_text="The member states the item concerns, alpha-3 codes separated by spaces, e.g. "
        "DNK NOR. Empty: the whole dyad or community.",
    )
    # blank: forms may leave the period out; clean() then derives it from the date.
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="evidence", blank=True
    )
    date = models.CharField(
        max_length=limits.DATE,
        help_text="ISO 8601: 1993, 2008-10, 2010-08-16 or an interval 1994/1999.",
    )
    date_start = models.DateField(editable=False)
    date_end = models.DateField(editable=False)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    locator = models.CharField(
        max_length=limits.LOCATOR, blank=True, help_text="Page or pages, e.g. 391."
    )
    locator_note = models.CharField(
        max_length=limits.LOCATOR_NOTE, blank=True, validators=[validate_line]
    )
    footnote = models.CharField(max_length=limits.FOOTNOTE, blank=True, validators=[validate_line])
    # A passage quoted from one work that rests on another it cites (a footnoted source):
    # ``source`` is the work it rests on, ``via_source`` the work quoted and ``via_locator`` the
    # quote's page there, so the citation reads "(Work 2016, 242, cited in Quoted 2024, 386)".
    via_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cited_via",
        help_text="The work the quote is taken from, when the passage rests on a work it cites.",
    )
    via_locator = models.CharField(
        max_length=limits.LOCATOR,
        blank=True,
        help_text="The quote's page in the work it is taken from, e.g. 386.",
    )
    evidence_type = models.CharField(max_length=20, choices=EvidenceType.choices)
    # CODEBOOK.md §4b: an author assessment that states only a stage verdict is the author's
    # stage assessment of its period, shown beside the rule's verdict, not coded on criteria.
    assessed_stage = models.CharField(
        max_length=20,
        choices=Stage.choices,
        blank=True,
        help_text="Author assessments only: the stage the source assigns to the period.",
    )
    assessed_coupling = models.CharField(
        max_length=20,
        choices=Coupling.choices,
        blank=True,
        help_text="Only with an assessed mature stage.",
    )
    quote = models.TextField(
        validators=[MaxCharacters(limits.QUOTE)], help_text="Verbatim, as printed."
    )
    summary = models.TextField(blank=True, validators=[MaxCharacters(limits.SUMMARY)])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["project", "key"]
        verbose_name_plural = "evidence"
        indexes = [
            # The evidence list's order: a page is read from the index, not sorted from a scan.
            models.Index(fields=["project", "date_start", "key"], name="evidence_list_order"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="evidence_key_unique"),
            models.CheckConstraint(
                condition=models.Q(evidence_type__in=EvidenceType.values),
                name="evidence_type_valid",
            ),
            models.CheckConstraint(condition=~models.Q(quote=""), name="evidence_quote_not_empty"),
            models.CheckConstraint(
                condition=models.Q(date_end__gte=models.F("date_start")),
                name="evidence_date_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(via_locator="") | models.Q(via_source__isnull=False),
                name="evidence_via_locator_needs_via_source",
            ),
            models.CheckConstraint(
                condition=models.Q(via_source__isnull=True)
                | ~models.Q(via_source=models.F("source")),
                name="evidence_via_source_is_another_work",
            ),
            models.CheckConstraint(
                condition=models.Q(assessed_stage="")
                | models.Q(
                    assessed_stage__in=Stage.values,
                    evidence_type=EvidenceType.AUTHOR_ASSESSMENT,
                ),
                name="evidence_assessed_stage_only_for_author_assessments",
            ),
            # As for a coder's stage judgment: coupling is a property of mature communities only.
            models.CheckConstraint(
                condition=models.Q(assessed_coupling="")
                | models.Q(assessed_stage=Stage.MATURE, assessed_coupling__in=Coupling.values),
                name="evidence_assessed_coupling_only_when_mature",
            ),
            models.CheckConstraint(
                condition=Exact(Upper("states"), models.F("states")),
                name="evidence_states_are_capitals",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    def save(self, *args, **kwargs) -> None:
        parsed = parse_evidence_date(self.date)
        self.date_start, self.date_end = parsed.start, parsed.end
        super().save(*args, **kwargs)

    @property
    def concerned_states(self) -> list[str]:
        """The member states the item concerns: those named, or every member of its case."""
        return self.states.split() or self.dyad.member_states

    def concerns(self, pair: tuple[str, str]) -> bool:
        """Whether the item speaks of both states of a member dyad."""
        return not self.states or set(pair) <= set(self.states.split())

    @property
    def cite(self) -> tuple[str, str, str, str]:
        """What its in-text citation needs: (source key, page, via-source key, page there)."""
        via = self.via_source.key if self.via_source_id else ""
        return (self.source.key, self.locator, via, self.via_locator)

    def cited_sources(self) -> dict[str, dict]:
        """The CSL records its citation names, by key."""
        works = [self.source, self.via_source] if self.via_source_id else [self.source]
        return {work.key: work.csl for work in works}

    def clean(self) -> None:
        """Check the fields and place the item in its period (by the date's start year)."""
        errors: dict[str, str] = {}
        if not (self.quote or "").strip():
            errors["quote"] = "the verbatim quote cannot be empty"
        if not is_valid_locator(self.locator or ""):
            errors["locator"] = (
                f'"{self.locator}" is not a page locator: use a page (391), '
                "a range (380–381) or a list (386, 389)"
            )
        if (
            self.source_id
            and self.project_id
            and not Source.objects.filter(pk=self.source_id, project_id=self.project_id).exists()
        ):
            errors["source"] = "the source belongs to another project"
        errors.update(self._via_problems())
        errors.update(self._assessment_problems())
        try:
            parsed = parse_evidence_date(self.date)
        except EvidenceDateError as exc:
            errors["date"] = str(exc)
            parsed = None
        if parsed and self.dyad_id:
            period_error = self._place_in_period(parsed)
            if period_error:
                errors.update(period_error)
        if self.dyad_id:
            errors.update(self._states_problems())
        if errors:
            raise ValidationError(errors)

    def _via_problems(self) -> dict[str, str]:
        if not self.via_source_id:
            if self.via_locator:
                return {"via_locator": "a page of the quoted work needs the work: choose it"}
            return {}
        if self.via_source_id == self.source_id:
            return {"via_source": "the work quoted is the source itself: leave this empty"}
        if not is_valid_locator(self.via_locator or ""):
            return {
                "via_locator": f'"{self.via_locator}" is not a page locator: use a page (386), '
                "a range (380–381) or a list (386, 389)"
            }
        if (
            self.project_id
            and not Source.objects.filter(
                pk=self.via_source_id, project_id=self.project_id
            ).exists()
        ):
            return {"via_source": "the work belongs to another project"}
        return {}

    def _states_problems(self) -> dict[str, str]:
        named = split_states(self.states)
        problem = state_list_problem(named)
        if problem:
            return {"states": problem}
        members = Dyad.objects.get(pk=self.dyad_id).member_states
        outside = [code for code in named if code not in members]
        if outside:
            return {
                "states": ngettext(
                    "%(outside)s is not a member of this case: choose among %(members)s",
                    "%(outside)s are not members of this case: choose among %(members)s",
                    len(outside),
                )
                % {"outside": ", ".join(outside), "members": ", ".join(members)}
            }
        # Kept in member order, so the same states always read the same.
        self.states = " ".join(code for code in members if code in named)
        return {}

    def _assessment_problems(self) -> dict[str, str]:
        if self.assessed_stage and self.evidence_type != EvidenceType.AUTHOR_ASSESSMENT:
            return {"assessed_stage": "only an author assessment assesses a stage"}
        if self.assessed_coupling and not has_coupling(self.assessed_stage):
            return {"assessed_coupling": "coupling applies to a mature stage only"}
        return {}

    def _place_in_period(self, parsed) -> dict[str, str]:
        year = parsed.start_year
        periods = list(Period.objects.filter(dyad_id=self.dyad_id))
        if self.period_id:
            period = next((p for p in periods if p.pk == self.period_id), None)
            if period is None:
                return {"period": "the period belongs to another dyad"}
            if not period.contains_year(year) and not period_reaches(parsed, period):
                return {
                    "period": f"the date's start year {year} is not in {period.code} "
                    f"({period.span})"
                }
            return {}
        matching = [p for p in periods if p.contains_year(year)]
        if not matching:
            spans = ", ".join(f"{p.code} {p.span}" for p in periods) or "none defined"
            return {"date": f"{year} falls outside every period of this dyad ({spans})"}
        self.period = matching[0]
        return {}
