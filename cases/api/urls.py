"""Routes of the API, all nested under the project: /api/projects/{slug}/<resource>/."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.routers import SimpleRouter

from cases.api import (
    assignments,
    codebook_versions,
    codings,
    consensus,
    derived_views,
    documents,
    evidence,
    memos,
    notifications,
    period_overrides,
    stage_judgments,
    views,
)

app_name = "api"

project = "projects/<slug:slug>/"

router = SimpleRouter(use_regex_path=False)
router.register("projects", views.ProjectViewSet, basename="project")
router.register(project + "members", views.MemberViewSet, basename="member")
router.register(project + "criteria", views.CriterionViewSet, basename="criterion")
router.register(project + "dyads", views.DyadViewSet, basename="dyad")
router.register(project + "periods", views.PeriodViewSet, basename="period")
router.register(project + "sources", views.SourceViewSet, basename="source")
router.register(project + "evidence", evidence.EvidenceViewSet, basename="evidence")
router.register(project + "assignments", assignments.AssignmentViewSet, basename="assignment")
router.register(project + "codings", codings.CodingViewSet, basename="coding")
router.register(project + "consensus", consensus.ConsensusViewSet, basename="consensus")
router.register(project + "memos", memos.MemoViewSet, basename="memo")
router.register(
    project + "notifications", notifications.NotificationViewSet, basename="notification"
)
router.register(
    project + "period-overrides", period_overrides.PeriodOverrideViewSet, basename="period-override"
)
router.register(
    project + "stage-judgments", stage_judgments.StageJudgmentViewSet, basename="stage-judgment"
)


@csrf_exempt  # it writes nothing; a CSRF refusal would answer a bad URL with an HTML 403
def not_found(request, *args, **kwargs) -> JsonResponse:
    """The API answers in JSON even where no route matches (e.g. /evidence/-1/)."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("", views.ApiRoot.as_view(), name="root"),
    path("token/", views.TokenView.as_view(), name="token"),
    path(project + "codebook/", views.CodebookView.as_view(), name="codebook"),
    path(
        project + "codebook/versions/",
        codebook_versions.CodebookVersionsView.as_view(),
        name="codebook-versions",
    ),
    path(project + "agreement/", derived_views.AgreementView.as_view(), name="agreement"),
    path(project + "reports/<str:code>/", derived_views.ReportView.as_view(), name="report"),
    path(
        project + "sources/<int:pk>/document/",
        documents.DocumentView.as_view(),
        name="source-document",
    ),
    path(
        project + "sources/<int:pk>/document/download/",
        documents.DocumentDownloadView.as_view(),
        name="source-document-download",
    ),
    path("", include(router.urls)),
    re_path(r"", not_found),
]
