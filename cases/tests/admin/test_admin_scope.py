"""The admin inside the projects: every admin URL of every registered model, as staff users who
hold every model permission of the site.

- stan, staff, admin of the small project only: he works on the small project's records in
  the admin, and reaches nothing of the other project by any admin URL, action, filter,
  autocomplete or related-field choice;
- sid, staff with no membership, and ray, staff and a reviewer of the small project: the admin
  is for project admins, so they see nothing of any project;
- boss, a superuser: the operator, who sees everything.

Records of no project (accounts, groups, tokens, login attempts) are for superusers only.
The URL list comes from ``admin.site._registry``: a model registered later is walked too, and
one that belongs to no known project path fails the test until it is placed below.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from cases.admin.scope import ProjectScoped
from cases.models import (
    Assignment,
    Codebook,
    CodebookVersion,
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
    Source,
    StageJudgment,
)
from cases.tests.admin_walk import (
    MARKER,
    add_url,
    changelist_url,
    form_data,
    import_other_project,
    is_refused,
    object_urls,
    registered,
    snapshot,
    staff_user,
)

pytestmark = pytest.mark.django_db

# How each project model reaches its project (independently of the admin's own settings).
PROJECT_OF = {
    Project: "",
    Membership: "project",
    Codebook: "projects",
    Criterion: "codebook__projects",
    CodebookVersion: "codebook__projects",
    Dyad: "project",
    Period: "dyad__project",
    Source: "project",
    Evidence: "project",
    Assignment: "evidence__project",
    Coding: "evidence__project",
    Consensus: "evidence__project",
    PeriodOverride: "period__dyad__project",
    StageJudgment: "period__dyad__project",
}
SITE_WIDE = {"auth.User", "auth.Group", "authtoken.TokenProxy"}
# Operators only (model permissions no project role grants): login throttling, the task queue.
SITE_WIDE_APPS = {"axes", "django_tasks_database"}

# Records nobody writes in the admin: the coders' own, and assignments (added and removed only).
READ_ONLY = {Coding, StageJudgment, Assignment, CodebookVersion}


def rows_of(model, project):
    path = PROJECT_OF[model]
    rows = model._default_manager.filter(**{f"{path}__pk" if path else "pk": project.pk})
    return rows.distinct().order_by("pk")


def sample(model, project):
    return rows_of(model, project).first()


def history_id(obj):
    history = getattr(obj, "history", None)
    if history is None or not hasattr(history, "first"):
        return None
    latest = history.first()
    return latest.history_id if latest else None


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(small_project, people):
    other = import_other_project()
    return {
        "small": small_project,
        "other": other,
        "stan": staff_user("stan", admin_of=small_project),
        "sid": staff_user("sid"),
        "ray": staff_user("ray", admin_of=small_project, role=Role.REVIEWER),
        "boss": get_user_model().objects.create_superuser("boss", password="x"),
    }


def test_every_registered_model_is_a_project_model_or_for_operators_only():
    unplaced = []
    for model, model_admin in registered():
        label = model._meta.label
        if model in PROJECT_OF:
            if not isinstance(model_admin, ProjectScoped):
                unplaced.append(f"{label}: not limited to the user's projects")
        elif label not in SITE_WIDE and model._meta.app_label not in SITE_WIDE_APPS:
            unplaced.append(f"{label}: place it in PROJECT_OF or SITE_WIDE")
    assert unplaced == []


def test_both_projects_have_a_record_of_every_project_model(world):
    for model in PROJECT_OF:
        assert sample(model, world["small"]) is not None, model
        assert sample(model, world["other"]) is not None, model


def superuser_form(world, url) -> dict:
    """The change form of a record as the operator sees it: what a forged post would send."""
    page = client_for(world["boss"]).get(url)
    assert page.status_code == 200, url
    return form_data(page.content.decode())


def action_names(world, model_admin):
    request = type("R", (), {"user": world["boss"], "GET": {}})()
    return list(model_admin.get_actions(request))


def walk_other_project(world, username: str) -> list[str]:
    """Every admin URL of every model for the other project's records, as ``username``; returns
    what got through."""
    client = client_for(world[username])
    other = world["other"]
    leaks = []
    for model, model_admin in registered():
        if model not in PROJECT_OF:
            continue
        others = set(rows_of(model, other).values_list("pk", flat=True))
        obj = sample(model, other)

        # The list, searched and filtered: none of the other project's rows.
        by_project = f"{PROJECT_OF[model]}__id__exact" if PROJECT_OF[model] else "id__exact"
        for query in ("", f"?q={obj}", f"?q={MARKER}", f"?{by_project}={other.pk}"):
            response = client.get(changelist_url(model) + query)
            if response.status_code == 200:
                listed = {row.pk for row in response.context["cl"].result_list}
                echoed = MARKER in query  # the search box shows the words searched for
                if listed & others or (not echoed and MARKER.encode() in response.content):
                    leaks.append(f"{model.__name__} list{query} shows the other project")
            elif response.status_code not in (302, 400, 403):
                leaks.append(f"{model.__name__} list{query}: {response.status_code}")

        # Every per-object view, read and posted with the form the operator would see.
        for kind, url in object_urls(model_admin, obj, history_id(obj)):
            response = client.get(url)
            if not is_refused(response):
                leaks.append(f"GET {url} ({kind}): {response.status_code}")
            data = {"post": "yes"}
            if kind in ("change", "simple_history"):
                data = superuser_form(world, url)
            response = client.post(url, data)
            if not is_refused(response):
                leaks.append(f"POST {url} ({kind}): {response.status_code}")

        # Adding a record that hangs on the other project's records.
        change = reverse(f"admin:cases_{model._meta.model_name}_change", args=[obj.pk])
        data = superuser_form(world, change)
        for unique in ("key", "code", "slug"):
            if unique in data:
                data[unique] = [f"{data[unique][0]}-copy"]
        before = model._default_manager.count()
        response = client.post(add_url(model), data)
        if model._default_manager.count() != before:
            leaks.append(f"POST add {model.__name__} on the other project's records")

        # Every action on the other project's rows.
        for action in action_names(world, model_admin):
            response = client.post(
                changelist_url(model),
                {"action": action, "_selected_action": [obj.pk], "post": "yes"},
            )
            if response.has_header("Content-Disposition"):
                leaks.append(f"{model.__name__} action {action} answered a file")
    return leaks


@pytest.mark.parametrize("username", ["stan", "sid", "ray"])
def test_no_admin_url_reaches_another_project(world, username):
    before = snapshot()
    leaks = walk_other_project(world, username)
    assert leaks == [], "\n".join(leaks)
    assert snapshot() == before


def test_autocomplete_offers_nothing_of_another_project(world):
    client = client_for(world["stan"])
    leaks = []
    for model, _ in registered():
        for field in model._meta.concrete_fields:
            if not field.many_to_one or field.related_model not in PROJECT_OF:
                continue
            response = client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field.name,
                    "term": "",
                },
            )
            if response.status_code == 200:
                found = {int(result["id"]) for result in response.json()["results"]}
                others = set(
                    rows_of(field.related_model, world["other"]).values_list("pk", flat=True)
                )
                if found & others:
                    leaks.append(f"{model.__name__}.{field.name}")
            elif response.status_code != 403:
                leaks.append(f"{model.__name__}.{field.name}: {response.status_code}")
    assert leaks == []


@pytest.mark.parametrize("username", ["sid", "ray"])
def test_staff_without_an_admin_membership_see_an_empty_admin(world, username):
    client = client_for(world[username])
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert index.context["app_list"] == []
    assert client.get(reverse("admin:app_list", args=["cases"])).status_code == 404
    for model in PROJECT_OF:
        assert client.get(changelist_url(model)).status_code == 403, model


def test_accounts_tokens_and_login_records_are_for_operators_only(world):
    client = client_for(world["stan"])
    ada = get_user_model().objects.get(username="ada")
    before = snapshot()
    for model, model_admin in registered():
        if model in PROJECT_OF:
            continue
        obj = model._default_manager.first() or (ada if model is get_user_model() else None)
        assert client.get(changelist_url(model)).status_code == 403, model
        assert client.get(add_url(model)).status_code == 403, model
        if obj is not None:
            for kind, url in object_urls(model_admin, obj):
                assert client.get(url).status_code == 403, (kind, url)
                assert client.post(url, {"is_superuser": "on", "post": "yes"}).status_code == 403
    index = client.get(reverse("admin:index"))
    assert [app["app_label"] for app in index.context["app_list"]] == ["cases"]
    assert snapshot() == before


def test_the_list_filters_name_only_the_users_projects_records(world):
    client = client_for(world["stan"])
    for model in PROJECT_OF:
        response = client.get(changelist_url(model))
        assert response.status_code == 200, model
        page = response.content.decode()
        for name in ("Other project", "ITA-ESP", "roe2021", "OTHER-E1", "Other codebook"):
            assert name not in page, (model, name)
        for username in ("bea", "rob", "cas", "cid", "oz"):
            assert f">{username}<" not in page, (model, username)


def test_a_superuser_sees_both_projects(world):
    client = client_for(world["boss"])
    for model in PROJECT_OF:
        response = client.get(changelist_url(model))
        listed = {row.pk for row in response.context["cl"].result_list}
        assert sample(model, world["small"]).pk in listed, model
        assert sample(model, world["other"]).pk in listed, model


def test_the_project_admin_works_on_their_own_project_in_every_view(world):
    client = client_for(world["stan"])
    small = world["small"]
    problems = []
    for model, model_admin in registered():
        if model not in PROJECT_OF:
            continue
        obj = sample(model, small)
        response = client.get(changelist_url(model))
        if obj.pk not in {row.pk for row in response.context["cl"].result_list}:
            problems.append(f"{model.__name__} list misses {obj}")
        for kind, url in object_urls(model_admin, obj, history_id(obj)):
            response = client.get(url)
            if kind == "delete":
                continue  # some records are never deleted here: see test_admin_rules
            if response.status_code != 200:
                problems.append(f"GET {url} ({kind}): {response.status_code}")
        change = reverse(f"admin:cases_{model._meta.model_name}_change", args=[obj.pk])
        page = client.get(change)
        response = client.post(change, form_data(page.content.decode()))
        if model in READ_ONLY:
            if response.status_code != 403:
                problems.append(f"POST {change}: {response.status_code}, not read-only")
        elif response.status_code != 302:
            errors = response.context and response.context.get("errors")
            problems.append(f"POST {change}: {response.status_code} {errors}")
    assert problems == []


def add_form_like(client, world, obj) -> dict | None:
    """The add form, filled in with an existing record's values (a new key or code)."""
    model = type(obj)
    page = client.get(add_url(model))
    if page.status_code == 403:
        return None
    data = form_data(page.content.decode())
    change = reverse(f"admin:cases_{model._meta.model_name}_change", args=[obj.pk])
    values = superuser_form(world, change)
    for field in model._meta.concrete_fields:
        if field.name not in data:
            continue
        if field.name in values:
            data[field.name] = values[field.name]
        elif field.many_to_one:
            data[field.name] = [str(getattr(obj, field.attname))]
        if field.name in ("key", "code", "slug"):
            data[field.name] = [f"{getattr(obj, field.name)}-new"]
    return data


def test_no_form_attaches_a_record_to_another_projects_records(world):
    """Post each of the small project's forms (change, and add with the same values) with one
    related field pointing at the other project's record of that kind: refused on that field,
    and nothing changes."""
    client = client_for(world["stan"])
    small, other = world["small"], world["other"]
    before = snapshot()
    tried, leaks = [], []
    for model, _ in registered():
        if model not in PROJECT_OF or model in (Coding, StageJudgment):
            continue
        obj = sample(model, small)
        change = reverse(f"admin:cases_{model._meta.model_name}_change", args=[obj.pk])
        forms = [(add_url(model), add_form_like(client, world, obj))]
        if model not in READ_ONLY:
            forms.append((change, form_data(client.get(change).content.decode())))
        for url, data in forms:
            if data is None:  # adding is for operators only
                continue
            for field in model._meta.concrete_fields:
                if not field.many_to_one or field.related_model not in PROJECT_OF:
                    continue
                if field.name not in data:  # fixed once created: not in the form
                    continue
                foreign = sample(field.related_model, other).pk
                response = client.post(url, dict(data, **{field.name: [str(foreign)]}))
                tried.append(f"{url} {field.name}")
                if response.status_code == 403:
                    continue
                errors = response.context and response.context["adminform"].form.errors
                if response.status_code != 200 or not errors:
                    leaks.append(f"{url} {field.name}: {response.status_code}")
    assert len(tried) >= 15, tried
    assert leaks == []
    assert snapshot() == before


def test_a_typed_id_of_another_projects_record_is_not_named_back(world):
    client = client_for(world["stan"])
    item = Evidence.objects.get(project=world["small"], key="E1")
    change = reverse("admin:cases_evidence_change", args=[item.pk])
    data = form_data(client.get(change).content.decode())
    foreign = Source.objects.get(project=world["other"])
    response = client.post(change, dict(data, source=[str(foreign.pk)]))
    assert response.status_code == 200
    assert b"roe2021" not in response.content
