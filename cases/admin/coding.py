"""The admin of evidence and of what is coded from it.

Codings and stage judgments are the coders' own: the admin shows them and never writes them.
Consensus rows are revised, never added or deleted here (decisions are taken on the review
page); assignments are added and removed by the same rules as the assignments page and the API;
every edit of a versioned row claims the version its form showed (cases.lib.versioning).
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.admin.scope import (
    OwnersFixed,
    ProjectScoped,
    ReadOnly,
    RecordForm,
    ScopedChoices,
    VersionedForm,
    related_only,
)
from cases.coding.assignments import AssignmentRefused, assign_items, check_unassign, unassign
from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Evidence,
    Membership,
    PeriodOverride,
    Project,
    Role,
    StageJudgment,
)
from cases.review.adjudication import revise_decision
from cases.review.overrides import set_period_override


class AssignmentForm(RecordForm):
    def clean(self):
        data = super().clean()
        evidence = data.get("evidence") or getattr(self.instance, "evidence", None)
        coder = data.get("coder")
        if evidence is not None and coder is not None:
            coders = Membership.objects.filter(project_id=evidence.project_id, role=Role.CODER)
            if not coders.filter(user=coder).exists():  # the API's words
                self.add_error("coder", f'No coder "{coder.username}" in this project.')
        return data


class AssignmentInline(ScopedChoices, admin.TabularInline):
    """Existing assignments are shown, added ones saved, and removals go through unassign()."""

    model = Assignment
    form = AssignmentForm
    extra = 0
    fields = ["coder", "status", "submitted_at"]
    readonly_fields = ["status", "submitted_at"]

    def has_change_permission(self, request, obj=None):
        return False


def save_assignments(formset) -> None:
    added = formset.save(commit=False)
    for assignment in formset.deleted_objects:
        unassign(assignment=assignment)
    for assignment in added:
        assignment.save()


@admin.register(Evidence)
class EvidenceAdmin(OwnersFixed, ProjectScoped, SimpleHistoryAdmin):
    form = VersionedForm
    fixed_once_created = ("project",)
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
    list_filter = [
        *related_only("project", "dyad", "period"),
        "evidence_type",
        *related_only("source"),
    ]
    search_fields = ["key", "quote", "summary", "footnote"]
    list_select_related = ["dyad", "period", "source"]
    readonly_fields = ["date_start", "date_end", "created_by", "version"]
    raw_id_fields = ["source", "via_source", "period", "dyad"]
    inlines = [AssignmentInline]
    actions = ["assign_to_every_coder"]

    @admin.action(
        description="Assign the selected items to every coder of their project",
        permissions=["assign"],
    )
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
                made_by=request.user,
            )
        self.message_user(request, f"{created} assignment(s) created.")

    def has_assign_permission(self, request):
        return request.user.has_perm("cases.add_assignment") and self.in_scope(request, None)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Assignment:
            save_assignments(formset)
        else:
            super().save_formset(request, form, formset, change)


@admin.register(Assignment)
class AssignmentAdmin(ProjectScoped, admin.ModelAdmin):
    """Added and removed, never changed: a new coder is a new assignment, and a coder's status
    changes only when they submit or reopen the item themselves."""

    project_path = "evidence__project"
    form = AssignmentForm
    list_display = ["evidence", "coder", "status", "assigned_at", "submitted_at"]
    list_filter = [
        *related_only("evidence__project"),
        "status",
        *related_only("coder", "evidence__dyad", "evidence__period"),
    ]
    search_fields = ["evidence__key", "coder__username"]
    list_select_related = ["evidence", "coder"]
    raw_id_fields = ["evidence"]
    readonly_fields = ["status", "assigned_at", "submitted_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def deletion_problem(self, obj):
        try:
            check_unassign(obj)
        except AssignmentRefused as refused:
            return str(refused)
        return None

    def delete_through_rules(self, request, obj):
        unassign(assignment=obj)


@admin.register(Coding)
class CodingAdmin(ReadOnly, ProjectScoped, SimpleHistoryAdmin):
    project_path = "evidence__project"
    list_display = ["evidence", "criterion", "coder", "value", "note", "updated_at"]
    list_filter = [
        *related_only("evidence__project", "evidence__dyad", "evidence__period", "criterion"),
        *related_only("coder"),
        "value",
        "evidence__evidence_type",
        *related_only("evidence__source"),
    ]
    search_fields = ["evidence__key", "criterion__code", "note", "coder__username"]
    list_select_related = ["evidence", "criterion", "coder"]


@admin.register(Consensus)
class ConsensusAdmin(ProjectScoped, SimpleHistoryAdmin):
    """A decision's value and rationale may be revised here (it becomes the editor's decision,
    as in the API); decisions are taken on the review page and are never deleted: decide
    "not coded" (an empty value) instead."""

    project_path = "evidence__project"
    form = VersionedForm
    list_display = ["evidence", "criterion", "value", "method", "decided_by", "decided_at"]
    list_filter = [
        *related_only("evidence__project"),
        "method",
        *related_only("evidence__dyad", "evidence__period", "criterion"),
    ]
    search_fields = ["evidence__key", "criterion__code", "rationale"]
    list_select_related = ["evidence", "criterion", "decided_by"]
    readonly_fields = ["evidence", "criterion", "method", "decided_by", "decided_at", "version"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        revise_decision(
            row=obj,
            reviewer=request.user,
            value=obj.value,
            rationale=obj.rationale,
            version=form.cleaned_data["seen_version"],
        )


@admin.register(PeriodOverride)
class PeriodOverrideAdmin(OwnersFixed, ProjectScoped, SimpleHistoryAdmin):
    """Saved through set_period_override, as on the overrides page and in the API."""

    project_path = "period__dyad__project"
    form = VersionedForm
    fixed_once_created = ("period", "criterion")
    list_display = ["period", "criterion", "value", "decided_by", "rationale"]
    list_filter = related_only("period__dyad__project", "period__dyad", "criterion")
    search_fields = ["criterion__code", "rationale"]
    list_select_related = ["period", "period__dyad", "criterion", "decided_by"]
    readonly_fields = ["decided_by", "decided_at", "version"]

    def save_model(self, request, obj, form, change):
        saved = set_period_override(
            period=obj.period,
            criterion=obj.criterion,
            reviewer=request.user,
            value=obj.value,
            rationale=obj.rationale,
            version=form.cleaned_data["seen_version"] if change else 0,
        )
        obj.pk, obj.version, obj.decided_by = saved.pk, saved.version, saved.decided_by


@admin.register(StageJudgment)
class StageJudgmentAdmin(ReadOnly, ProjectScoped, admin.ModelAdmin):
    project_path = "period__dyad__project"
    list_display = ["period", "coder", "stage", "coupling", "updated_at"]
    list_filter = [
        *related_only("period__dyad__project", "period__dyad"),
        "stage",
        "coupling",
        *related_only("coder"),
    ]
    search_fields = ["rationale", "coder__username"]
    list_select_related = ["period", "period__dyad", "coder"]
