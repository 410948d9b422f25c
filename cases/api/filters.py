"""FilterSets a researcher uses: evidence by dyad, period, date range, type, source and text;
codings by coder, criterion, value, item and submission; consensus by method and criterion.

Filters only ever narrow the queryset the view already limited to what the requester may see
(a coder filtering codings by another coder's name gets an empty list). Every list orders by a
unique column last, so pages never repeat or skip a row.
"""

from django import forms
from django.db.models import F, Q
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from cases.evidence.search import EvidenceSearchFilter, Fold, search_words
from cases.lib.dates import EvidenceDateError, parse_evidence_date
from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Criterion,
    Dyad,
    Evidence,
    EvidenceType,
    Membership,
    Period,
    PeriodOverride,
    Role,
    Source,
    Stage,
    StageJudgment,
)


class StableOrderingFilter(filters.OrderingFilter):
    """?ordering=... with the primary key as the last tie-breaker."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


class EvidenceDateField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_evidence_date(value)
        except EvidenceDateError as exc:
            # As a parameter: django-filter formats the message with %, and the value may hold
            # a % sign of its own.
            raise forms.ValidationError("%(problem)s", params={"problem": str(exc)}) from None


@extend_schema_field(OpenApiTypes.STR)
class EvidenceDateFilter(filters.Filter):
    """An ISO 8601 year, month or day; items whose date range touches it pass."""

    field_class = EvidenceDateField

    def __init__(self, *, bound: str, **kwargs):
        self.bound = bound
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        if self.bound == "from":
            return qs.filter(date_end__gte=value.start)
        return qs.filter(date_start__lte=value.end)


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -32768)
        kwargs.setdefault("max_value", 32767)
        super().__init__(**kwargs)


def dyad_either_order(qs, prefix: str, value: str):
    """TUR-AZE finds the dyad stored as AZE-TUR too: a pair is unordered."""
    match = Q(**{f"{prefix}code": value})
    states = value.upper().split("-")
    if len(states) == 2:
        a, b = states
        match |= Q(**{f"{prefix}state_a": a, f"{prefix}state_b": b})
        match |= Q(**{f"{prefix}state_a": b, f"{prefix}state_b": a})
    return qs.filter(match)


def dyad_filter(prefix: str) -> filters.CharFilter:
    return filters.CharFilter(
        method=lambda qs, name, value: dyad_either_order(qs, prefix, value),
        label="Dyad code, in either order of its states (TUR-AZE or AZE-TUR).",
    )


class MembershipFilterBackend(filters.DjangoFilterBackend):
    """Gives a FilterSet that asks for it (``EvidenceSearchFilter``) the requester's membership,
    which the permission class put on the view: what a search may match depends on the role."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and issubclass(filterset_class, EvidenceSearchFilter):
            kwargs["membership"] = getattr(view, "membership", None)
        return kwargs


class EvidenceFilter(EvidenceSearchFilter):
    """The evidence page's search (``q``, from ``EvidenceSearchFilter``) and the API's filters."""

    dyad = dyad_filter("dyad__")
    period = filters.CharFilter(field_name="period__code", label="Period code, e.g. P2.")
    date_from = EvidenceDateFilter(
        bound="from", label="Items dated on or after this (1993, 2008-10, 2010-08-16)."
    )
    date_to = EvidenceDateFilter(bound="to", label="Items dated on or before this.")
    evidence_type = filters.ChoiceFilter(choices=EvidenceType.choices)
    source = filters.CharFilter(field_name="source__key", label="Source key.")
    key = filters.CharFilter(label="The item's key, e.g. KAR-N01.")
    created_by = filters.CharFilter(
        field_name="created_by__username", label="Username of who added the item."
    )
    ordering = StableOrderingFilter(
        fields=[
            ("key", "key"),
            ("date_start", "date"),
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
        ]
    )

    class Meta:
        model = Evidence
        fields = []


class CodingFilter(filters.FilterSet):
    coder = filters.CharFilter(field_name="coder__username")
    criterion = filters.CharFilter(field_name="criterion__code")
    value = IntegerFilter()
    evidence = filters.CharFilter(field_name="evidence__key", label="Evidence key.")
    dyad = dyad_filter("evidence__dyad__")
    period = filters.CharFilter(field_name="evidence__period__code")
    submitted = filters.BooleanFilter(label="Only codings of submitted (true) or draft items.")
    ordering = StableOrderingFilter(
        fields=[
            ("evidence__key", "evidence"),
            ("criterion__code", "criterion"),
            ("coder__username", "coder"),
            ("value", "value"),
            ("updated_at", "updated_at"),
        ]
    )

    class Meta:
        model = Coding
        fields = []


class ConsensusFilter(filters.FilterSet):
    method = filters.ChoiceFilter(choices=Consensus.Method.choices)
    criterion = filters.CharFilter(field_name="criterion__code")
    value = IntegerFilter()
    not_coded = filters.BooleanFilter(
        field_name="value", lookup_expr="isnull", label="Only decisions not to code (true)."
    )
    evidence = filters.CharFilter(field_name="evidence__key")
    dyad = dyad_filter("evidence__dyad__")
    period = filters.CharFilter(field_name="evidence__period__code")
    decided_by = filters.CharFilter(field_name="decided_by__username")
    ordering = StableOrderingFilter(
        fields=[
            ("evidence__key", "evidence"),
            ("criterion__code", "criterion"),
            ("decided_at", "decided_at"),
        ]
    )

    class Meta:
        model = Consensus
        fields = []


class AssignmentFilter(filters.FilterSet):
    coder = filters.CharFilter(field_name="coder__username")
    status = filters.ChoiceFilter(choices=Assignment.Status.choices)
    evidence = filters.CharFilter(field_name="evidence__key")
    dyad = dyad_filter("evidence__dyad__")
    period = filters.CharFilter(field_name="evidence__period__code")
    ordering = StableOrderingFilter(
        fields=[("evidence__key", "evidence"), ("coder__username", "coder"), ("status", "status")]
    )

    class Meta:
        model = Assignment
        fields = []


class PeriodOverrideFilter(filters.FilterSet):
    dyad = dyad_filter("period__dyad__")
    period = filters.CharFilter(field_name="period__code")
    criterion = filters.CharFilter(field_name="criterion__code")

    class Meta:
        model = PeriodOverride
        fields = []


class StageJudgmentFilter(filters.FilterSet):
    dyad = dyad_filter("period__dyad__")
    period = filters.CharFilter(field_name="period__code")
    coder = filters.CharFilter(field_name="coder__username")
    stage = filters.ChoiceFilter(choices=Stage.choices)

    class Meta:
        model = StageJudgment
        fields = []


class CriterionFilter(filters.FilterSet):
    code = filters.CharFilter()
    framework = filters.CharFilter()
    group = filters.CharFilter()
    carry_forward = filters.BooleanFilter()
    verification = filters.ChoiceFilter(choices=Criterion.Verification.choices)

    class Meta:
        model = Criterion
        fields = []


class MemberFilter(filters.FilterSet):
    role = filters.ChoiceFilter(choices=Role.choices)
    username = filters.CharFilter(field_name="user__username")

    class Meta:
        model = Membership
        fields = []


class SourceFilter(filters.FilterSet):
    key = filters.CharFilter()
    year = IntegerFilter()
    q = filters.CharFilter(method="search", label="Words in the key, title or authors.")
    ordering = StableOrderingFilter(fields=[("key", "key"), ("year", "year")])

    class Meta:
        model = Source
        fields = []

    def search(self, qs, name, value):
        # Folded as evidence search folds (case, accents, the Turkish I/ı and İ/i), so that
        # "istanbul" finds "İstanbul" on SQLite too, whose LIKE folds ASCII letters only.
        words = search_words(value)
        if not words:
            return qs
        qs = qs.alias(
            folded_key=Fold(F("key")),
            folded_title=Fold(F("title")),
            folded_authors=Fold(F("authors")),
        )
        for word in words:
            qs = qs.filter(
                Q(folded_key__contains=word)
                | Q(folded_title__contains=word)
                | Q(folded_authors__contains=word)
            )
        return qs


class DyadFilter(filters.FilterSet):
    code = dyad_filter("")

    class Meta:
        model = Dyad
        fields = []


class PeriodFilter(filters.FilterSet):
    dyad = dyad_filter("dyad__")
    code = filters.CharFilter()

    class Meta:
        model = Period
        fields = []
