from django.urls import path

from cases.web.views import (
    assignments,
    codebook,
    codebook_draft,
    codebook_versions,
    coding,
    discussion,
    documents,
    evidence,
    exports,
    figures,
    home,
    judgments,
    report,
    rounds,
    sources,
)
from cases.web.views.review import agreement, disagreements, item, overrides, returns

app_name = "cases"

project = "p/<slug:slug>/"

urlpatterns = [
    path("", home.home, name="home"),
    path(project, home.project_home, name="project"),
    path(project + "codebook/", codebook.codebook, name="codebook"),
    # Codebook versions: every member reads them; only admins edit the draft and publish.
    path(project + "codebook/versions/", codebook_versions.versions, name="codebook_versions"),
    path(
        project + "codebook/versions/<int:number>/codebook.qdc",
        codebook_versions.version_qdc,
        name="codebook_version_qdc",
    ),
    path(project + "codebook/diff/", codebook_versions.diff, name="codebook_diff"),
    path(project + "codebook/draft/", codebook_draft.draft, name="codebook_draft"),
    path(project + "codebook/draft/publish/", codebook_draft.publish, name="codebook_publish"),
    # Evidence and sources: everyone reads; admins, reviewers and coders add and edit.
    path(project + "evidence/", evidence.evidence_list, name="evidence_list"),
    path(project + "evidence/new/", evidence.evidence_new, name="evidence_new"),
    path(project + "evidence/<int:pk>/", evidence.evidence_detail, name="evidence_detail"),
    path(project + "evidence/<int:pk>/edit/", evidence.evidence_edit, name="evidence_edit"),
    path(project + "evidence/<int:pk>/memos/", discussion.item_memo, name="item_memo"),
    # Memos and notifications: the project's notes, each member's own notifications.
    path(project + "memos/", discussion.project_memo_page, name="memos"),
    path(project + "notifications/", discussion.notifications, name="notifications"),
    path(project + "notifications/read/", discussion.read_notifications, name="read_notifications"),
    path(project + "sources/", sources.bibliography, name="bibliography"),
    path(project + "sources/new/", sources.source_new, name="source_new"),
    path(project + "sources/import/", sources.source_import, name="source_import"),
    path(project + "sources/<int:pk>/edit/", sources.source_edit, name="source_edit"),
    path(project + "sources/<int:pk>/document/", documents.source_document, name="source_document"),
    path(
        project + "sources/<int:pk>/document/remove/",
        documents.document_remove,
        name="document_remove",
    ),
    path(
        project + "sources/<int:pk>/document/read/",
        documents.document_reader,
        name="document_reader",
    ),
    path(
        project + "sources/<int:pk>/document/read-again/",
        documents.document_read_again,
        name="document_read_again",
    ),
    path(
        project + "sources/<int:pk>/document/status/",
        documents.document_status,
        name="document_reading",
    ),
    path(
        project + "sources/<int:pk>/document/download/",
        documents.document_download,
        name="document_download",
    ),
    # Coding: coders only, and only ever their own codings (no coder id in any URL).
    path(project + "queue/", coding.queue, name="queue"),
    path(project + "code/<int:pk>/", coding.coding_page, name="code"),
    path(project + "code/<int:pk>/c/<str:code>/", coding.save_coding, name="save_coding"),
    path(project + "code/<int:pk>/submit/", coding.submit_item, name="submit_item"),
    path(project + "code/<int:pk>/reopen/", coding.reopen_item, name="reopen_item"),
    path(project + "judgments/", judgments.judgments, name="judgments"),
    path(project + "judgments/<int:period_pk>/", judgments.save_judgment, name="save_judgment"),
    # Review: agreement, disagreements and adjudication, period overrides (admins, reviewers).
    path(project + "review/agreement/", agreement.agreement, name="review_agreement"),
    path(project + "review/agreement.svg", agreement.chart, name="review_agreement_chart"),
    path(project + "review/disagreements/", disagreements.queue, name="review_disagreements"),
    path(project + "review/item/<int:pk>/", item.adjudicate_item, name="review_item"),
    path(project + "review/item/<int:pk>/return/", returns.return_item, name="return_item"),
    path(project + "review/overrides/", overrides.overrides, name="review_overrides"),
    # Reports: consensus only, for every member.
    path(project + "figures/status/", figures.status, name="figures_status"),
    path(project + "reports/", report.compare, name="compare"),
    path(project + "reports/<str:code>/", report.report, name="report"),
    path(project + "reports/<str:code>/stages.svg", report.report_chart, name="report_chart"),
    path(project + "reports/<str:code>/report.json", report.report_json, name="report_json"),
    # Exports: consensus for everyone, raw codings by the permission table.
    path(project + "exports/", exports.exports, name="exports"),
    path(project + "exports/jobs/<uuid:job>/", exports.export_job, name="export_job"),
    path(
        project + "exports/jobs/<uuid:job>/status.json",
        exports.export_job_status,
        name="export_job_status",
    ),
    path(
        project + "exports/jobs/<uuid:job>/download/",
        exports.export_job_download,
        name="export_job_download",
    ),
    path(project + "exports/<str:kind>/", exports.export_file, name="export_file"),
    # Administration of the project.
    path(project + "assignments/", assignments.assignments, name="assignments"),
    # Coding rounds: admins open and close them, reviewers record gold sets, coders see their
    # own scores once a round is closed.
    path(project + "rounds/", rounds.rounds, name="rounds"),
    path(project + "rounds/new/", rounds.round_new, name="round_new"),
    path(project + "rounds/trend.svg", rounds.trend_chart, name="rounds_trend_chart"),
    path(project + "rounds/<int:pk>/", rounds.round_detail, name="round"),
    path(project + "rounds/<int:pk>/close/", rounds.round_close, name="round_close"),
    path(project + "rounds/<int:pk>/gold/<int:item_pk>/", rounds.gold_item, name="round_gold"),
]
