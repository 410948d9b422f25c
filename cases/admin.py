"""Every model in the admin, with the searches and filters a reviewer reaches for.

Superusers see everything. Other staff see only the projects where they are an admin or a
reviewer: the same rule as the rest of the app (coders are never staff and never see the admin).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .assigning import assign_items
from .exports import ExportRefused, write_replication_package
from .models import (
    Assignment,
    Codebook,
    Coding,
    Consensus,
    Criterion,
    Dyad,
    Evidence,
    Membership,
    Period,
    PeriodOverride,
    Project,
    Role,
    ScaleValue,
    Source,
    StageJudgment,
)
from .views.exports import file_response

STAFF_ROLES = [Role.ADMIN, Role.REVIEWER]


class ProjectScoped:
    """Limit non-superuser staff to the projects they administer or review."""

    project_path = "project"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        prefix = f"{self.project_path}__" if self.project_path else ""
        return queryset.filter(
            **{
                f"{prefix}memberships__user": request.user,
                f"{prefix}memberships__role__in": STAFF_ROLES,
            }
        ).distinct()


class ScaleValueInline(admin.TabularInline):
    model = ScaleValue
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "code", "name", "framework", "group", "carry_forward", "verification"]
    show_change_link = True


@admin.register(Codebook)
class CodebookAdmin(admin.ModelAdmin):
    list_display = ["name", "version"]
    search_fields = ["name"]
    inlines = [ScaleValueInline, CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "framework",
        "group",
        "carry_forward",
        "verification",
        "codebook",
    ]
    list_filter = ["codebook", "framework", "group", "carry_forward", "verification"]
    search_fields = ["code", "name", "definition"]
    ordering = ["codebook", "order"]

    def get_readonly_fields(self, request, obj=None):
        # Codes are stable identifiers: once coded with, a criterion keeps its code.
        if obj is not None and obj.in_use():
            return ["code", "codebook"]
        return []


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.action(description="Download replication package")
def download_replication_package(modeladmin, request, queryset):
    """One project's replication package (cases.exports.replication), for its admins and
    reviewers; the queryset is already limited to them (ProjectScoped)."""
    if queryset.count() != 1:
        modeladmin.message_user(
            request, "Choose exactly one project to download its package.", messages.ERROR
        )
        return None
    project = queryset.select_related("codebook").get()
    viewer = None  # a superuser is the operator: full access, as at the command line
    if not request.user.is_superuser:
        viewer = Membership.objects.filter(project=project, user=request.user).first()
        if viewer is None:
            raise PermissionDenied
    try:
        return file_response(
            lambda out: write_replication_package(out, project, viewer=viewer),
            None,
            f"{project.slug}-replication.zip",
        )
    except ExportRefused as refused:
        modeladmin.message_user(request, str(refused), messages.ERROR)
        return None


@admin.register(Project)
class ProjectAdmin(ProjectScoped, admin.ModelAdmin):
    project_path = ""
    actions = [download_replication_package]
    list_display = ["name", "slug", "codebook", "citation_style", "created_at"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ProjectScoped, admin.ModelAdmin):
    list_display = ["user", "project", "role"]
    list_filter = ["project", "role"]
    search_fields = ["user__username", "project__name"]
    autocomplete_fields = ["user"]


class PeriodInline(admin.TabularInline):
    model = Period
    extra = 0


@admin.register(Dyad)
class DyadAdmin(ProjectScoped, admin.ModelAdmin):
    list_display = ["code", "name", "state_a", "state_b", "project"]
    list_filter = ["project"]
    search_fields = ["code", "name", "state_a", "state_b"]
    inlines = [PeriodInline]


@admin.register(Period)
class PeriodAdmin(ProjectScoped, admin.ModelAdmin):
    project_path = "dyad__project"
    list_display = ["dyad", "code", "label", "start_year", "end_year"]
    list_filter = ["dyad__project", "dyad"]
    search_fields = ["code", "label", "dyad__code"]


@admin.register(Source)
class SourceAdmin(ProjectScoped, admin.ModelAdmin):
    list_display = ["key", "authors", "year", "title", "project"]
    list_filter = ["project", "year"]
    search_fields = ["key", "title", "authors"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["coder"]


@admin.register(Evidence)
class EvidenceAdmin(ProjectScoped, SimpleHistoryAdmin):
    list_display = [
        "key",
        "dyad",
        "period",
        "date",
        "evidence_type",
        "source",
        "locator",
        "summary",
    ]
    list_filter = ["project", "dyad", "period", "evidence_type", "source"]
    search_fields = ["key", "quote", "summary", "footnote"]
    list_select_related = ["dyad", "period", "source"]
    readonly_fields = ["date_start", "date_end", "version"]
    actions = ["assign_to_every_coder"]

    @admin.action(description="Assign the selected items to every coder of their project")
    def assign_to_every_coder(self, request, queryset):
        created = 0
        for project in Project.objects.filter(evidence__in=queryset).distinct():
            created += assign_items(
                project=project,
                items=queryset,
                coders=[
                    m.user
                    for m in Membership.objects.filter(
                        project=project, role=Role.CODER
                    ).select_related("user")
                ],
            )
        self.message_user(request, f"{created} assignment(s) created.")

    raw_id_fields = ["source", "period", "dyad"]
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(ProjectScoped, admin.ModelAdmin):
    project_path = "evidence__project"
    list_display = ["evidence", "coder", "status", "assigned_at", "submitted_at"]
    list_filter = ["evidence__project", "status", "coder", "evidence__dyad", "evidence__period"]
    search_fields = ["evidence__key", "coder__username"]
    list_select_related = ["evidence", "coder"]
    autocomplete_fields = ["coder"]
    raw_id_fields = ["evidence"]


@admin.register(Coding)
class CodingAdmin(ProjectScoped, SimpleHistoryAdmin):
    project_path = "evidence__project"
    list_display = ["evidence", "criterion", "coder", "value", "note", "updated_at"]
    list_filter = [
        "evidence__project",
        "evidence__dyad",
        "evidence__period",
        "criterion__code",
        "coder",
        "value",
        "evidence__evidence_type",
        "evidence__source",
    ]
    search_fields = ["evidence__key", "criterion__code", "note", "coder__username"]
    list_select_related = ["evidence", "criterion", "coder"]
    raw_id_fields = ["evidence", "criterion", "coder"]
    readonly_fields = ["version"]


@admin.register(Consensus)
class ConsensusAdmin(ProjectScoped, SimpleHistoryAdmin):
    project_path = "evidence__project"
    list_display = ["evidence", "criterion", "value", "method", "decided_by", "decided_at"]
    list_filter = [
        "evidence__project",
        "method",
        "evidence__dyad",
        "evidence__period",
        "criterion__code",
    ]
    search_fields = ["evidence__key", "criterion__code", "rationale"]
    list_select_related = ["evidence", "criterion", "decided_by"]
    raw_id_fields = ["evidence", "criterion", "decided_by"]
    readonly_fields = ["version"]


@admin.register(PeriodOverride)
class PeriodOverrideAdmin(ProjectScoped, SimpleHistoryAdmin):
    project_path = "period__dyad__project"
    list_display = ["period", "criterion", "value", "decided_by", "rationale"]
    list_filter = ["period__dyad__project", "period__dyad", "criterion__code"]
    search_fields = ["criterion__code", "rationale"]
    list_select_related = ["period", "period__dyad", "criterion", "decided_by"]
    readonly_fields = ["version"]


@admin.register(StageJudgment)
class StageJudgmentAdmin(ProjectScoped, admin.ModelAdmin):
    project_path = "period__dyad__project"
    list_display = ["period", "coder", "stage", "coupling", "updated_at"]
    list_filter = ["period__dyad__project", "period__dyad", "stage", "coupling", "coder"]
    search_fields = ["rationale", "coder__username"]
    list_select_related = ["period", "period__dyad", "coder"]
