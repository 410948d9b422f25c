"""Records of no project (accounts, groups, API tokens, login attempts) are the operators'.

The admin shows them to superusers only, whatever model permissions a staff user holds: a staff
user who may edit accounts could make themselves a superuser or set another project's admin's
password, and one who may read tokens could act as anyone through the API. A project's admins
add members by username (as in the API) without seeing the server's accounts.
"""

from django.contrib import admin

from cases.admin.scope import ProjectScoped


class OperatorsOnly:
    def has_module_permission(self, request):
        return request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


def keep_for_operators(site: admin.AdminSite) -> None:
    """Re-register every model that is not a project's (the apps before ``cases`` in
    INSTALLED_APPS have registered theirs by now) with its admin made operators-only."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ProjectScoped | OperatorsOnly):
            continue
        site.unregister(model)
        base = type(model_admin)
        site.register(model, type(f"OperatorsOnly{base.__name__}", (OperatorsOnly, base), {}))
