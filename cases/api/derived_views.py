"""Read-only figures derived from the data: the agreement table of the review module and the
dyad report. Both are computed by their own modules; these views only authorise and serve."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from cases.api.permissions import ProjectAccess
from cases.classification.inputs import UnknownDyad
from cases.codebooks.snapshots import versions_of
from cases.reports.build import cached_report
from cases.review.reliability import agreement_rows


class AgreementRowSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=["criterion", "group", "overall"])
    key = serializers.CharField(help_text="The criterion code, the group name, or all.")
    framework = serializers.CharField(allow_blank=True)
    group = serializers.CharField(allow_blank=True)
    measure = serializers.ChoiceField(
        choices=["application", "value"],
        help_text="application: did the coders apply the criterion at all; value: where two "
        "or more applied it, did they give the same value.",
    )
    n_units = serializers.IntegerField()
    alpha = serializers.FloatField(allow_null=True, help_text="Krippendorff's alpha.")
    level = serializers.CharField()
    percent_agreement = serializers.FloatField(allow_null=True)
    ac1 = serializers.FloatField(allow_null=True, help_text="Gwet's AC1 (application only).")
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    ci_method = serializers.CharField(allow_null=True)
    reading = serializers.CharField(
        help_text="Krippendorff's reading of alpha (reliable, tentative, not reliable), or not "
        "conclusive when fewer than 10 units, an interval wider than 0.5 or, for a reliable or "
        "tentative alpha, percent agreement below 70% cannot carry it; undefined without alpha."
    )
    undefined_reason = serializers.CharField(allow_null=True, allow_blank=True)
    reading_note = serializers.CharField(
        allow_blank=True,
        help_text="Why the reading is not conclusive, and why alpha is low or undefined beside "
        "high percent agreement when one value makes up almost every value; empty otherwise.",
    )


DYAD_PARAMETER = OpenApiParameter(
    "dyad",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description="Only this dyad's items (its code, either order of the states).",
)
CODEBOOK_VERSION_PARAMETER = OpenApiParameter(
    "codebook_version",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    required=False,
    description="Only this codebook version's criteria and the codings made under it "
    "(default: the current criteria, with the codings of every version).",
)


class AgreementView(generics.ListAPIView):
    """Inter-coder agreement per criterion, framework group and overall, on the items every
    coder submitted: Krippendorff's alpha with a bootstrap interval, percent agreement, AC1.
    Admins and reviewers only."""

    permission_classes = [ProjectAccess]
    serializer_class = AgreementRowSerializer
    filter_backends = []
    read_need = "review"
    schema_tag = "agreement"

    @extend_schema(parameters=[DYAD_PARAMETER, CODEBOOK_VERSION_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> list[dict]:
        dyad = self.request.query_params.get("dyad") or None
        version = self._codebook_version()
        try:
            return agreement_rows(self.project, dyad=dyad, codebook_version=version)
        except UnknownDyad as exc:
            raise serializers.ValidationError({"dyad": [str(exc)]}) from None

    def _codebook_version(self) -> int | None:
        raw = self.request.query_params.get("codebook_version", "").strip()
        if not raw:
            return None
        known = [v.number for v in versions_of(self.project.codebook)]
        if raw.isdigit() and int(raw) in known:
            return int(raw)
        versions = ", ".join(str(n) for n in known)
        raise serializers.ValidationError(
            {"codebook_version": [f"No codebook version {raw!r}; the versions are {versions}."]}
        )


class ReportView(generics.GenericAPIView):
    """The report of one dyad, as the report page shows it: the stage per period with the
    evidence and pages behind every value, robustness, citations; the coders' verdicts and
    agreement only for the roles that may see them. Every member reads it."""

    permission_classes = [ProjectAccess]
    read_need = "read"
    schema_tag = "reports"

    @extend_schema(
        responses=OpenApiResponse(
            OpenApiTypes.OBJECT,
            description='The report document ("format": "sccoder-report", "version": 1).',
        )
    )
    def get(self, request, slug: str, code: str):
        try:
            report = cached_report(self.project, code, self.membership)
        except UnknownDyad:
            # The API answers in its request's language; the domain's message is English.
            raise Http404(
                gettext('project "%(project)s" has no dyad "%(dyad)s"')
                % {"project": self.project.slug, "dyad": code}
            ) from None
        return Response(report)
