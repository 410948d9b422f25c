"""Helpers for the admin tests: a second project, staff personas, the admin's URLs from its
registry, the form a browser would post, and a snapshot of the database to compare."""

import json
import re
from html.parser import HTMLParser

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from cases.bundles import import_bundle
from cases.models import Membership, Role
from cases.tests.bundle_factory import small_bundle

MARKER = "OTHER-PROJECT-MARKER"

# The small bundle's names, and what they are called in the other project: nothing of it may
# show up for a staff user who does not administer it.
RENAMED = {
    '"small"': '"other"',
    "Small project": f"Other project {MARKER}",
    "Test codebook": "Other codebook",
    '"ada"': '"bea"',
    '"rita"': '"rob"',
    '"carl"': '"cas"',
    '"cleo"': '"cid"',
    '"otto"': '"oz"',
    "FRA-DEU": "ITA-ESP",
    '"FRA"': '"ITA"',
    '"DEU"': '"ESP"',
    "France–Germany": "Italy–Spain",
    "doe2020": "roe2021",
    '"E1"': '"OTHER-E1"',
    '"E2"': '"OTHER-E2"',
    '"E3"': '"OTHER-E3"',
}


def other_bundle() -> dict:
    text = json.dumps(small_bundle(), ensure_ascii=False)
    for old, new in RENAMED.items():
        text = text.replace(old, new)
    bundle = json.loads(text)
    for entry in bundle["consensus"] + bundle["period_overrides"]:
        entry["rationale"] += f" {MARKER}"
    return bundle


def import_other_project():
    return import_bundle(other_bundle())


def staff_user(username: str, *, admin_of=None, role=Role.ADMIN):
    """A staff account holding every model permission of the site; ``admin_of`` a project
    where it has ``role``."""
    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    if admin_of is not None:
        Membership.objects.create(project=admin_of, user=user, role=role)
    return get_user_model().objects.get(pk=user.pk)  # no cached permissions


# -- the admin's URLs -------------------------------------------------------------------------


def object_urls(model_admin, obj, history_id=None) -> list[tuple[str, str]]:
    """(kind, url) of every named per-object view of a model admin, from its own URL list: a
    view added later (by Django, a package or us) is walked without changing the test."""
    urls = []
    for pattern in model_admin.get_urls():
        if not pattern.name or pattern.name.endswith(("_changelist", "_add")):
            continue
        route = str(pattern.pattern)
        positional = len(re.findall(r"\((?!\?)", route))
        opts = model_admin.model._meta
        kind = pattern.name.removeprefix(f"{opts.app_label}_{opts.model_name}_")
        if positional == 2:
            if history_id is None:
                continue
            url = reverse(f"admin:{pattern.name}", args=[obj.pk, history_id])
        elif positional == 1:
            url = reverse(f"admin:{pattern.name}", args=[obj.pk])
        else:
            (keyword,) = re.findall(r"<(?:\w+:)?(\w+)>", route)
            url = reverse(f"admin:{pattern.name}", kwargs={keyword: obj.pk})
        urls.append((kind, url))
    return urls


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def add_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def registered():
    return list(admin.site._registry.items())


def is_refused(response) -> bool:
    """403, 404, or Django's "does not exist" redirect to the admin index."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


# -- what a browser would post ----------------------------------------------------------------


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self.in_form = False
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.data.append((name, attrs.get("value", "")))
        elif tag == "select" and name and "disabled" not in attrs:
            self.select, self.options = name, []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name and "disabled" not in attrs:
            self.textarea, self.text = name, ""

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected] or [
                value for value, _ in self.options[:1]
            ]
            self.data.extend((self.select, value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.data.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None


def form_data(html: str) -> dict[str, list[str]]:
    """The fields the admin's change form would send as it is shown."""
    parser = _FormParser()
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


# -- the database, to see that nothing changed ------------------------------------------------


def snapshot() -> dict:
    """Every row of the project models and their histories, and the admin's log."""
    from django.apps import apps

    rows = {}
    for model in apps.get_app_config("cases").get_models():
        rows[model._meta.label] = sorted(
            json.dumps(row, sort_keys=True, default=str) for row in model.objects.values()
        )
    rows["admin.LogEntry"] = LogEntry.objects.count()
    rows["auth.User"] = sorted(
        json.dumps(row, sort_keys=True, default=str)
        for row in get_user_model().objects.values(
            "username", "password", "is_staff", "is_superuser", "is_active"
        )
    )
    return rows
