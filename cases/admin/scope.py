"""What every project admin page shares: the projects a staff user may reach, and writes that go
through the same actions (and the same version check) as the pages and the API.

Superusers are the operators: they see every project. Any other staff user sees only the
projects where they are a project **admin** (a membership with the role admin): lists, change,
add and delete pages, history and revert pages, actions, autocomplete, list filters and the
choices of every related field. A staff user who administers no project sees nothing of any
project; their admin index is empty.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse

from cases.coding.actions import CodingRefused
from cases.coding.assignments import AssignmentRefused
from cases.lib.versioning import STALE, StaleWrite, claim_version
from cases.models import Membership, Project, Role
from cases.projects.members import MembershipRefused
from cases.review.adjudication import AdjudicationRefused

# What the shared actions refuse with: the admin shows the message and writes nothing.
REFUSALS = (StaleWrite, CodingRefused, AdjudicationRefused, AssignmentRefused, MembershipRefused)


def administered_projects(request) -> frozenset[int] | None:
    """Ids of the projects the user administers; None for a superuser (every project)."""
    user = request.user
    if user.is_superuser:
        return None
    if not hasattr(request, "_administered_projects"):
        request._administered_projects = frozenset(
            Membership.objects.filter(user_id=user.pk, role=Role.ADMIN).values_list(
                "project_id", flat=True
            )
            if user.is_active and user.is_staff
            else ()
        )
    return request._administered_projects


def project_ids_of(obj, path: str) -> set[int]:
    """The projects ``obj`` belongs to, following ``path`` ("" for a project itself). Works on
    a row read from its history too (its foreign keys are kept there)."""
    if not path:
        return {obj.pk}
    *hops, last = path.split("__")
    try:
        for hop in hops:
            obj = getattr(obj, hop)
    except ObjectDoesNotExist:
        return set()
    field = obj._meta.get_field(last)
    if field.many_to_one:
        value = getattr(obj, field.attname)
        return set() if value is None else {value}
    return set(getattr(obj, field.get_accessor_name()).values_list("pk", flat=True))


def scoped_admin_for(model):
    try:
        model_admin = admin.site.get_model_admin(model)
    except NotRegistered:
        return None
    return model_admin if isinstance(model_admin, ProjectScoped) else None


def users_of(request):
    """The accounts a staff user may pick in a form: members of the projects they administer."""
    users = get_user_model()._default_manager.order_by("username")
    projects = administered_projects(request)
    if projects is None:
        return users
    return users.filter(pk__in=Membership.objects.filter(project_id__in=projects).values("user_id"))


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """The raw id box names the chosen record only when it is one the user may choose: typing
    the id of another project's record must not print its name back."""

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            if not self.queryset.filter(**{key: value}).exists():
                return "", ""
        except (ValueError, TypeError):
            return "", ""
        return super().label_and_url_for_value(value)


class ScopedChoices:
    """Every related field offers only records of the user's projects (or their members)."""

    def get_field_queryset(self, db, db_field, request):
        related = db_field.remote_field.model
        related_admin = scoped_admin_for(related)
        if related_admin is not None:
            return related_admin.choices_for(request)
        if related is get_user_model():
            return users_of(request)
        return super().get_field_queryset(db, db_field, request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and type(field.widget) is ForeignKeyRawIdWidget:
            field.widget = ScopedRawIdWidget(
                db_field.remote_field,
                self.admin_site,
                using=kwargs.get("using"),
                queryset=field.queryset,
            )
        return field


class RecordForm(forms.ModelForm):
    """The records a form links must all belong to one project: a staff admin of two projects
    cannot hang one project's evidence on the other's dyad or source."""

    def clean(self):
        data = super().clean()
        common, first = None, ""
        for field in self._meta.model._meta.concrete_fields:
            related_admin = field.many_to_one and scoped_admin_for(field.related_model)
            if not related_admin:
                continue
            if field.name in self.fields:  # as posted (None when it did not validate)
                value = data.get(field.name)
            else:  # fixed on the row
                value = getattr(self.instance, field.name, None)
            if value is None:
                continue
            owners = related_admin.projects_of(value)
            if common is None:
                common, first = owners, f"{field.verbose_name} {value}"
            elif owners & common:
                common &= owners
            else:
                self.add_error(
                    field.name if field.name in self.fields else None,
                    f"{value} belongs to another project than the {first}.",
                )
        return data


class VersionedForm(RecordForm):
    """Carries the version the page showed: a save over a newer version is refused, as on the
    app's pages (409 in the API), instead of overwriting someone's change."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # The stored row's version: a revert page shows an old state of the current row.
            self.current_version = (
                type(self.instance)
                ._default_manager.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            self.fields["seen_version"].initial = self.current_version

    def clean(self):
        data = super().clean()
        if self.instance.pk is not None and data.get("seen_version") != self.current_version:
            raise forms.ValidationError(STALE)
        return data


class ProjectScoped(ScopedChoices):
    """Limit a model's admin to the projects the staff user administers.

    ``project_path`` leads from a row to its project ("" for a project itself); a path through
    a codebook may lead to several projects (a shared codebook): such a row is shown when one
    of them is the user's, and changed or deleted only when all of them are.
    """

    project_path = "project"
    form = RecordForm

    # -- which rows ---------------------------------------------------------------------------

    def projects_of(self, obj) -> set[int]:
        return project_ids_of(obj, self.project_path)

    def _lookup(self) -> str:
        return f"{self.project_path}__in" if self.project_path else "pk__in"

    def _many_projects(self) -> bool:
        fields = get_fields_from_path(self.model, self.project_path) if self.project_path else []
        return any(f.one_to_many or f.many_to_many for f in fields)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        projects = administered_projects(request)
        if projects is None:
            return queryset
        if self._many_projects():  # no duplicate rows from the join
            rows = self.model._default_manager.filter(**{self._lookup(): projects})
            return queryset.filter(pk__in=rows.values("pk"))
        return queryset.filter(**{self._lookup(): projects})

    def changeable_queryset(self, request):
        """The rows the user may change: all of whose projects are theirs."""
        queryset = self.get_queryset(request)
        projects = administered_projects(request)
        if projects is None or not self._many_projects():
            return queryset
        others = Project.objects.exclude(pk__in=projects)
        elsewhere = self.model._default_manager.filter(**{self._lookup(): others})
        return queryset.exclude(pk__in=elsewhere.values("pk"))

    def choices_for(self, request):
        """What a related field pointing here offers."""
        return self.get_queryset(request)

    def in_scope(self, request, obj, *, wholly: bool = False) -> bool:
        projects = administered_projects(request)
        if projects is None:
            return True
        if obj is None:
            return bool(projects)
        owners = self.projects_of(obj)
        if not owners:
            return False
        return owners <= projects if wholly else bool(owners & projects)

    # -- permissions: Django's model permissions, and the project on top ---------------------

    def has_module_permission(self, request):
        return super().has_module_permission(request) and self.in_scope(request, None)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.in_scope(request, obj)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self.in_scope(request, None)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.in_scope(
            request, obj, wholly=True
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.in_scope(
            request, obj, wholly=True
        )

    # django-simple-history may be told to check its own permissions: the project still rules.
    def has_view_history_permission(self, request, obj=None):
        return super().has_view_history_permission(request, obj) and self.in_scope(request, obj)

    def has_change_history_permission(self, request, obj=None):
        return super().has_change_history_permission(request, obj) and self.in_scope(
            request, obj, wholly=True
        )

    # -- writes through the rules ---------------------------------------------------------

    def save_model(self, request, obj, form, change):
        """A versioned row's edit claims the version the form showed (cases.lib.versioning)."""
        if change and "seen_version" in form.fields:
            obj.version = claim_version(self.model, obj.pk, form.cleaned_data["seen_version"])
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        self.delete_through_rules(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_through_rules(request, obj)

    def delete_through_rules(self, request, obj) -> None:
        """Overridden where deleting goes through an action (unassigning, removing a member)."""
        obj.delete()

    def deletion_problem(self, obj) -> str | None:
        """Why the row may not be deleted, said before the confirmation page."""
        return None

    def _refused(self, request, refused: Exception, url: str) -> HttpResponseRedirect:
        self.message_user(request, str(refused), messages.ERROR)
        return HttpResponseRedirect(url)

    def _change_url(self, obj) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Django runs a POST in a transaction: a refusal raised by an action rolls it back.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except REFUSALS as refused:
            return self._refused(request, refused, request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_delete_permission(request, obj):
            problem = self.deletion_problem(obj)
            if problem:
                return self._refused(request, problem, self._change_url(obj))
        try:
            return super().delete_view(request, object_id, extra_context)
        except REFUSALS as refused:
            return self._refused(request, refused, self._change_url(obj) if obj else "../")

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """django-simple-history's revert page saves on POST with only a view permission, and
        for rows that no longer exist: here a revert needs the change permission on the current
        row, and goes through ``save_model`` like any other edit."""
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        current = self.get_object(request, unquote(object_id))
        if current is None or not self.has_change_permission(request, current):
            raise PermissionDenied
        try:
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)
        except REFUSALS as refused:
            return self._refused(request, refused, request.get_full_path())

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions["delete_selected"] = (checked_delete_selected, name, description)
        return actions


def checked_delete_selected(modeladmin, request, queryset):
    """Django's "delete selected", refused as a whole when any selected row may not go."""
    for obj in queryset:
        problem = (
            None if modeladmin.has_delete_permission(request, obj) else f"You may not delete {obj}."
        ) or modeladmin.deletion_problem(obj)
        if problem:
            modeladmin.message_user(request, problem, messages.ERROR)
            return None
    try:
        with transaction.atomic():
            return delete_selected(modeladmin, request, queryset)
    except REFUSALS as refused:
        modeladmin.message_user(request, str(refused), messages.ERROR)
        return None


checked_delete_selected.allowed_permissions = delete_selected.allowed_permissions
checked_delete_selected.short_description = delete_selected.short_description


class OwnersFixed:
    """Fields naming what a row belongs to are set when it is added and fixed after."""

    fixed_once_created: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += [name for name in self.fixed_once_created if name not in fields]
        return fields


class ReadOnly:
    """Rows that are someone's own record (a coder's codes and verdicts): read in the admin,
    never written there, not even by a superuser."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def related_only(*paths):
    """List filters that offer only values present in the user's rows (Django's plain related
    filter would list every project's dyads, sources and users)."""
    return [(path, admin.RelatedOnlyFieldListFilter) for path in paths]
