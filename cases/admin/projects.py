"""The admin of a project's structure: codebooks and criteria, projects and members, dyads,
periods and sources."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from cases.admin.scope import (
    OwnersFixed,
    ProjectScoped,
    ReadOnly,
    RecordForm,
    ScopedChoices,
    related_only,
)
from cases.exports import ExportRefused, write_replication_package
from cases.models import (
    Codebook,
    CodebookVersion,
    Criterion,
    Dyad,
    Membership,
    Period,
    Project,
    Role,
    ScaleValue,
    Source,
)
from cases.projects.members import MembershipRefused, change_role, check_removable, remove_member
from cases.sources.citations import style_exists
from cases.web.views.exports import file_response


class ScaleValueInline(ScopedChoices, admin.TabularInline):
    model = ScaleValue
    extra = 0


class CriterionInline(ScopedChoices, admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "code", "name", "framework", "group", "carry_forward", "verification"]
    show_change_link = True


@admin.register(Codebook)
class CodebookAdmin(ProjectScoped, admin.ModelAdmin):
    """A codebook is its projects' own: shown to an admin of any of them, changed only by
    someone who administers every project that codes with it. New codebooks come with new
    projects (import_bundle) or from an operator."""

    project_path = "projects"
    list_display = ["name", "version"]
    search_fields = ["name"]
    inlines = [ScaleValueInline, CriterionInline]

    def choices_for(self, request):
        return self.changeable_queryset(request)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Criterion)
class CriterionAdmin(OwnersFixed, ProjectScoped, SimpleHistoryAdmin):
    project_path = "codebook__projects"
    fixed_once_created = ("codebook",)
    list_display = [
        "code",
        "name",
        "framework",
        "group",
        "carry_forward",
        "verification",
        "codebook",
    ]
    list_filter = [*related_only("codebook"), "framework", "group", "carry_forward", "verification"]
    search_fields = ["code", "name", "definition"]
    ordering = ["codebook", "order"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # Codes are stable identifiers: once coded with, a criterion keeps its code.
        if obj is not None and obj.in_use():
            fields = ["code", *fields]
        return fields


class MemberForm(RecordForm):
    """A member is named by username, as in the API: the admin lists no accounts of the server."""

    user = forms.ModelChoiceField(
        queryset=get_user_model()._default_manager.all(),
        to_field_name="username",
        widget=forms.TextInput,
        label="Username",
        error_messages={"invalid_choice": "No user with this username on this server."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:  # a membership's user is fixed once created
            self.initial["user"] = self.instance.user.username
            self.fields["user"].disabled = True


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MemberForm
    extra = 0


def save_memberships(formset) -> None:
    """Removals and role changes through cases.projects.members (the API's rules); promotions first,
    so that an admin can hand the role over in one save."""
    members = formset.save(commit=False)
    for membership in formset.deleted_objects:
        remove_member(membership=membership)
    for membership in sorted(members, key=lambda m: m.role != Role.ADMIN):
        if membership.pk is None:
            membership.save()
        else:
            change_role(membership=membership, role=membership.role)


@admin.action(description="Download replication package")
def download_replication_package(modeladmin, request, queryset):
    """One project's replication package (cases.exports.replication), for its admins; the
    queryset is already limited to them (ProjectScoped)."""
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


class ProjectForm(RecordForm):
    def clean_citation_style(self):
        style = self.cleaned_data["citation_style"]
        if not style_exists(style):  # the API's words
            raise forms.ValidationError(
                f'"{style}" is not a CSL style sccoder knows (e.g. chicago-author-date, apa).'
            )
        return style


@admin.register(Project)
class ProjectAdmin(OwnersFixed, ProjectScoped, admin.ModelAdmin):
    """Projects are created and deleted by operators (or import_bundle); a project's admins
    edit its name, description, citation style, data licence and members."""

    project_path = ""
    form = ProjectForm
    fixed_once_created = ("slug", "codebook")
    actions = [download_replication_package]
    list_display = ["name", "slug", "codebook", "citation_style", "created_at"]
    search_fields = ["name", "slug", "description"]
    inlines = [MembershipInline]

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["name"]} if obj is None else {}

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            save_memberships(formset)
        else:
            super().save_formset(request, form, formset, change)


@admin.register(Membership)
class MembershipAdmin(OwnersFixed, ProjectScoped, admin.ModelAdmin):
    form = MemberForm
    fixed_once_created = ("project",)
    list_display = ["user", "project", "role"]
    list_filter = [*related_only("project"), "role"]
    search_fields = ["user__username", "project__name"]
    list_select_related = ["user", "project"]

    def save_model(self, request, obj, form, change):
        if change:
            change_role(membership=obj, role=obj.role)
        else:
            super().save_model(request, obj, form, change)

    def deletion_problem(self, obj):
        try:
            check_removable(obj)
        except MembershipRefused as refused:
            return str(refused)
        return None

    def delete_through_rules(self, request, obj):
        remove_member(membership=obj)


class PeriodInline(admin.TabularInline):
    model = Period
    extra = 0


@admin.register(Dyad)
class DyadAdmin(OwnersFixed, ProjectScoped, admin.ModelAdmin):
    # As in the API: the code and the member states are fixed once created.
    fixed_once_created = ("project", "code", "state_a", "state_b", "extra_states")
    list_display = ["code", "name", "state_a", "state_b", "extra_states", "project"]
    list_filter = related_only("project")
    search_fields = ["code", "name", "state_a", "state_b", "extra_states"]
    inlines = [PeriodInline]


@admin.register(Period)
class PeriodAdmin(OwnersFixed, ProjectScoped, admin.ModelAdmin):
    project_path = "dyad__project"
    fixed_once_created = ("dyad",)
    list_display = ["dyad", "code", "label", "start_year", "end_year"]
    list_filter = related_only("dyad__project", "dyad")
    search_fields = ["code", "label", "dyad__code"]
    list_select_related = ["dyad"]


@admin.register(Source)
class SourceAdmin(OwnersFixed, ProjectScoped, admin.ModelAdmin):
    fixed_once_created = ("project",)
    list_display = ["key", "authors", "year", "title", "project"]
    list_filter = [*related_only("project"), "year"]
    search_fields = ["key", "title", "authors"]


@admin.register(CodebookVersion)
class CodebookVersionAdmin(ReadOnly, ProjectScoped, admin.ModelAdmin):
    """Published codebook versions are read here, never written, not even by a superuser:
    a version is published from the project's codebook draft, and then it is fixed."""

    project_path = "codebook__projects"
    list_display = ["codebook", "number", "published_at", "published_by", "note"]
    list_filter = related_only("codebook")
    readonly_fields = [
        "codebook",
        "number",
        "published_at",
        "published_by",
        "note",
        "snapshot",
        "operations",
        "summary",
    ]
