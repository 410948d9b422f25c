"""Every URL pattern of the site, tried as every persona, against DESIGN.md's "Who may do what".

The URL list comes from the resolver itself, so a new route without an entry in EXPECTED (or a
rule below for the admin's and the API router's names) fails the test with its name. Personas:
ada admin, rita reviewer, carl and cleo coders, otto observer, olaf a member of ANOTHER project,
and nobody signed in. Outcomes: a refused member gets 403, an outsider 404; nobody signed in is
sent to the login page (HTML) or gets 401 (API). A persona let through may still get 400/405/
409/422 for a minimal body: only the permission layer is asserted here.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.bundles import import_bundle
from cases.documents.actions import attach_document
from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Evidence,
    ExportJob,
    Memo,
    Notification,
    Period,
    Round,
    StageJudgment,
)
from cases.review.rounds.actions import create_round
from cases.tests.bundle_factory import small_bundle

pytestmark = pytest.mark.django_db

PERSONAS = ["ada", "rita", "carl", "cleo", "otto", "olaf", None]
MEMBERS = {"ada", "rita", "carl", "cleo", "otto"}
EDITORS = {"ada", "rita", "carl", "cleo"}
CODERS = {"carl", "cleo"}
REVIEWERS = {"ada", "rita"}
ADMINS = {"ada"}
EVERYONE = set(PERSONAS)  # pages outside any project, open to all (e.g. the login page)
SIGNED_IN = {"ada", "rita", "carl", "cleo", "otto", "olaf"}

# Routes with no name that the site serves on purpose: the favicon redirect and the API's JSON 404.
UNNAMED = {"favicon.ico", "api/"}


@dataclass(frozen=True)
class Rule:
    """Who gets through, how the URL is reversed, and with which method it is tried.

    ``allowed``: personas the permission layer lets through. Everyone else who is a member gets
    403; olaf 404; nobody signed in a login redirect (HTML) or 401 (API). ``refused`` names
    members who get a status other than 403 (e.g. a coder asking for the other coder's record:
    404, because its existence is theirs too). ``scope``: "project" (the rule above), "site"
    (not inside a project: only signed-in versus anonymous matters).
    """

    allowed: set
    kwargs: tuple = ()  # names of sample values (see samples())
    method: str = "get"
    api: bool = False
    scope: str = "project"
    refused: dict = field(default_factory=dict)


def html(allowed, *kwargs, method="get", **extra) -> Rule:
    return Rule(allowed, ("slug", *kwargs), method, **extra)


def api(allowed, *kwargs, method="get", **extra) -> Rule:
    return Rule(allowed, ("slug", *kwargs), method, api=True, **extra)


# Carl's own records: the other coder gets a 404 (it is not hers to know about); admins and
# reviewers read them; only carl acts on his own assignment.
NOT_CLEOS = {"cleo": 404}
NOT_CARLS_NOTIFICATION = {name: 404 for name in MEMBERS - {"carl"}}
CARLS_READERS = {"ada", "rita", "carl"}
# An export written in the background is its requester's alone (carl's here), whatever the role.
NOT_CARLS_EXPORT = {name: 404 for name in MEMBERS - {"carl"}}

EXPECTED: dict[str, Rule] = {
    # Sign-in pages are public; the rest of the site needs an account.
    "login": Rule(EVERYONE, scope="site"),
    "logout": Rule(EVERYONE, method="post", scope="site"),
    "password_change": Rule(SIGNED_IN, scope="site"),
    "password_change_done": Rule(SIGNED_IN, scope="site"),
    "password_reset": Rule(EVERYONE, scope="site"),
    "password_reset_done": Rule(EVERYONE, scope="site"),
    "password_reset_confirm": Rule(EVERYONE, ("uidb64", "token"), scope="site"),
    "password_reset_complete": Rule(EVERYONE, scope="site"),
    "cases:home": Rule(SIGNED_IN, scope="site"),
    # The language switcher: anyone may choose the interface's language, signed in or not.
    "set_language": Rule(EVERYONE, method="post", scope="site"),
    # The API's own pages: the schema and docs are public (they describe, they hold no data);
    # the root lists links; a token is for a signed-in user.
    "api-schema": Rule(EVERYONE, scope="site"),
    "api-docs": Rule(EVERYONE, scope="site"),
    "api:root": Rule(EVERYONE, api=True, scope="site"),
    "api:token": Rule(SIGNED_IN, method="post", api=True, scope="site"),
    "api:project-list": Rule(SIGNED_IN, api=True, scope="site"),
    # HTML pages of a project.
    "cases:project": html(MEMBERS),
    "cases:codebook": html(MEMBERS),
    "cases:codebook_versions": html(MEMBERS),
    "cases:codebook_version_qdc": html(MEMBERS, "number=version_number"),
    "cases:codebook_diff": html(MEMBERS),
    # Editing the codebook: admins only (its writes are tried in tests/codebooks).
    "cases:codebook_draft": html(ADMINS),
    "cases:codebook_publish": html(ADMINS),
    "cases:evidence_list": html(MEMBERS),
    "cases:evidence_new": html(EDITORS),
    "cases:evidence_detail": html(MEMBERS, "pk"),
    "cases:evidence_edit": html(EDITORS, "pk"),
    "cases:bibliography": html(MEMBERS),
    "cases:source_new": html(EDITORS),
    "cases:source_import": html(EDITORS),
    "cases:source_edit": html(EDITORS, "source_pk"),
    # A source's document (the sample source has one; its removal sorts after the reads, and
    # after the status its page polls while the text is read):
    # every member reads and downloads it.
    "cases:source_document": html(MEMBERS, "source_pk"),
    "cases:document_download": html(MEMBERS, "source_pk"),
    "cases:document_reader": html(MEMBERS, "source_pk"),
    "cases:document_reading": html(MEMBERS, "source_pk"),
    "cases:document_remove": html(EDITORS, "source_pk", method="post"),
    # A stalled reading is queued again by an admin or the uploader (here: nobody's upload).
    "cases:document_read_again": html(ADMINS, "source_pk", method="post"),
    "cases:queue": html(CODERS),
    "cases:code": html(CODERS, "pk"),
    "cases:save_coding": html(CODERS, "pk", "code=criterion", method="post"),
    "cases:submit_item": html(CODERS, "pk", method="post"),
    "cases:reopen_item": html(CODERS, "pk", method="post"),
    "cases:judgments": html(CODERS),
    "cases:save_judgment": html(CODERS, "period_pk", method="post"),
    "cases:review_agreement": html(REVIEWERS),
    "cases:review_agreement_chart": html(REVIEWERS),
    "cases:review_disagreements": html(REVIEWERS),
    "cases:review_item": html(REVIEWERS, "pk"),
    "cases:review_overrides": html(REVIEWERS),
    "cases:compare": html(MEMBERS),
    # Whether a page's figures are current: a yes or no, so any member may ask.
    "cases:figures_status": html(MEMBERS),
    "cases:report": html(MEMBERS, "code"),
    "cases:report_chart": html(MEMBERS, "code"),
    "cases:report_json": html(MEMBERS, "code"),
    "cases:exports": html(MEMBERS),
    "cases:export_job": html({"carl"}, "job", refused=NOT_CARLS_EXPORT),
    "cases:export_job_status": html({"carl"}, "job", refused=NOT_CARLS_EXPORT),
    "cases:export_job_download": html({"carl"}, "job", refused=NOT_CARLS_EXPORT),
    # Raw codings: admins and reviewers everyone's, coders their own, observers none.
    "cases:export_file": html(EDITORS, "kind"),
    "cases:assignments": html(ADMINS),
    # Coding rounds: admins open and close them; admins and reviewers see every round, its
    # scores and agreement and record gold sets; coders see the rounds they code in (both
    # coders are in the sample round); observers take no part.
    "cases:rounds": html(REVIEWERS | CODERS),
    "cases:round_new": html(ADMINS),
    "cases:rounds_trend_chart": html(REVIEWERS),
    "cases:round": html(REVIEWERS | CODERS, "pk=round_pk"),
    "cases:round_close": html(ADMINS, "pk=round_pk", method="post"),
    "cases:round_gold": html(REVIEWERS, "pk=round_pk", "item_pk=pk"),
    # Returns, memos and notifications. An item's thread (E1, which both coders submitted) is for
    # admins, reviewers and the coders who submitted it; observers never.
    "cases:return_item": html(REVIEWERS, "pk", method="post"),
    "cases:item_memo": html(REVIEWERS | CODERS, "pk", method="post"),
    "cases:memos": html(MEMBERS),
    "cases:notifications": html(MEMBERS),
    "cases:read_notifications": html(MEMBERS, method="post"),
    # The API under /api/projects/<slug>/.
    "api:project-detail": api(MEMBERS),
    "api:codebook": api(MEMBERS),
    "api:codebook-versions": api(MEMBERS),
    "api:agreement": api(REVIEWERS),
    "api:report": api(MEMBERS, "code"),
    "api:source-document": api(MEMBERS, "source_pk"),
    "api:source-document-download": api(MEMBERS, "source_pk"),
    "api:assignment-submit": api({"carl"}, "assignment_pk", method="post", refused=NOT_CLEOS),
    "api:assignment-reopen": api({"carl"}, "assignment_pk", method="post", refused=NOT_CLEOS),
    "api:assignment-return-to-coder": api(REVIEWERS, "assignment_pk", method="post"),
    # A notification is its user's alone: to everyone else it does not exist.
    "api:notification-read": api(
        {"carl"}, "notification_pk", method="post", refused=NOT_CARLS_NOTIFICATION
    ),
    "api:notification-read-all": api(MEMBERS, method="post"),
    "api:notification-list": api(MEMBERS),  # every member lists their own
}

# The router's list/detail routes: every member reads the project's shared records; raw codings,
# assignments and stage judgments are for admins, reviewers and the coder they belong to.
ROUTER = {
    "member": (MEMBERS, "member_pk", {}),
    "criterion": (MEMBERS, "criterion_pk", {}),
    "dyad": (MEMBERS, "dyad_pk", {}),
    "period": (MEMBERS, "period_pk", {}),
    "source": (MEMBERS, "source_pk", {}),
    "evidence": (MEMBERS, "pk", {}),
    "consensus": (MEMBERS, "consensus_pk", {}),
    "period-override": (MEMBERS, "override_pk", {}),
    "assignment": (CARLS_READERS, "assignment_pk", NOT_CLEOS),
    "coding": (CARLS_READERS, "coding_pk", NOT_CLEOS),
    "stage-judgment": (CARLS_READERS, "judgment_pk", NOT_CLEOS),
    "memo": (MEMBERS, "memo_pk", {}),  # a project memo: every member reads it
    "notification": ({"carl"}, "notification_pk", NOT_CARLS_NOTIFICATION),
}


def rule_for(name: str) -> Rule | None:
    if name in EXPECTED:
        return EXPECTED[name]
    if name.startswith("api:"):
        base, _, suffix = name[4:].rpartition("-")
        if base in ROUTER and suffix in ("list", "detail"):
            allowed, pk_name, refused = ROUTER[base]
            if suffix == "list":  # a coder's list holds only their own rows
                return api(allowed | CODERS)
            return api(allowed, pk_name, refused=refused)
    return None


def every_named_url(resolver=None, namespace: str = "", prefix: str = ""):
    """(namespace:name or None, route) for every pattern, walking included resolvers."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from every_named_url(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = None
            if pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern)


def site_names() -> dict[str, str]:
    """Every named URL and its route, by name."""
    return dict(sorted((name, route) for name, route in every_named_url() if name))


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    cache.clear()


@pytest.fixture
def world(small_project, people, settings, tmp_path):
    """The small project, whose source carries a document, and another one where olaf is an
    admin: he is a real member elsewhere."""
    settings.MEDIA_ROOT = tmp_path / "media"
    attach_document(
        source=small_project.sources.get(), data=b"The text.", filename="a.txt", user=None
    )
    other = small_bundle()
    other["project"]["slug"] = "other"
    other["members"] = [{"username": "olaf", "role": "admin"}]
    for key in ("codings", "consensus", "period_overrides", "stage_judgments"):
        other[key] = []
    import_bundle(other)
    return small_project


def samples(project, people) -> dict:
    carl = people["carl"]
    e1 = Evidence.objects.get(project=project, key="E1")
    return {
        "slug": project.slug,
        "pk": e1.pk,
        "source_pk": project.sources.get().pk,
        "code": "FRA-DEU",
        "criterion": "D-RESP",
        "version_number": 1,
        "kind": "codings.csv",
        "period_pk": Period.objects.get(dyad__project=project, code="P1").pk,
        "member_pk": project.memberships.get(user__username="carl").pk,
        "criterion_pk": project.codebook.criteria.get(code="D-RESP").pk,
        "dyad_pk": project.dyads.get().pk,
        "consensus_pk": Consensus.objects.filter(evidence=e1).first().pk,
        "override_pk": Period.objects.get(dyad__project=project, code="P2").overrides.get().pk,
        # carl's own records: cleo must not reach them.
        "assignment_pk": Assignment.objects.get(evidence=e1, coder=carl).pk,
        "coding_pk": Coding.objects.filter(evidence=e1, coder=carl).first().pk,
        "judgment_pk": StageJudgment.objects.filter(coder=carl).first().pk,
        "round_pk": sample_round(project, people).pk,
        "memo_pk": Memo.objects.create(project=project, author=carl, body="A project memo.").pk,
        "notification_pk": Notification.objects.create(
            user=carl, project=project, kind="decided", text="rita decided E1."
        ).pk,
        "job": sample_export(project, carl).pk,
        "uidb64": "MQ",
        "token": "set-password",
    }


def sample_export(project, carl) -> ExportJob:
    """Carl's codings CSV, written in the background and ready to download."""
    job = ExportJob.objects.create(
        project=project, requested_by=carl, kind="codings.csv", status="done", done=1, total=1
    )
    job.file.save("small-codings.csv", ContentFile(b"evidence,criterion,coder,value\n"))
    return job


def sample_round(project, people) -> Round:
    """A calibration round on E1, which carl and cleo have both submitted already (so opening
    it assigns nothing new), scored against a gold set."""
    found = Round.objects.filter(project=project, name="Sample round").first()
    if found is None:
        found = create_round(
            project=project,
            name="Sample round",
            kind="calibration",
            reference="gold",
            coders=[people["carl"], people["cleo"]],
            created_by=people["ada"],
            items=list(Evidence.objects.filter(project=project, key="E1")),
        )
    return found


def names_keyword(route: str, key: str) -> bool:
    """Whether a route (path or regex syntax) has a keyword argument called ``key``."""
    return re.search(rf"[<:]{key}>", route) is not None


def reverse_with(name: str, route: str, rule: Rule, values: dict) -> str:
    """Each sample value goes to the URL keyword of its own name, or else to ``pk``; an entry
    "keyword=sample" says it outright."""
    kwargs = {}
    for key in rule.kwargs:
        keyword, _, sample = key.partition("=")
        if not sample:
            keyword, sample = (key if names_keyword(route, key) else "pk"), key
        kwargs[keyword] = values[sample]
    return reverse(name, kwargs=kwargs)


def client_as(people, username):
    client = Client()
    if username:
        client.force_login(people[username])
    return client


def expected_status(rule: Rule, username) -> str:
    """'through' (the permission layer let the request in), or the refusal to expect."""
    if username is None and username not in rule.allowed:
        return "401" if rule.api else "login"
    if username in rule.allowed:
        return "through"
    if rule.scope == "project" and username == "olaf":
        return "404"
    return str(rule.refused.get(username, 403))


def outcome_of(response, rule: Rule) -> str:
    status = response.status_code
    if status == 302 and response["Location"].startswith("/accounts/login/"):
        return "login"
    if status in (401, 403, 404):
        return str(status)
    if status >= 500:
        return f"server error {status}"
    return "through"


def test_every_named_url_has_a_rule():
    missing = [n for n in site_names() if not n.startswith("admin:") and rule_for(n) is None]
    assert missing == [], f"URL names without an entry in the permission matrix: {missing}"


def test_the_only_unnamed_routes_are_the_favicon_and_the_api_not_found_catch_all():
    # The admin's own unnamed routes (catch-all redirects) are covered by the admin test below.
    unnamed = {r for n, r in every_named_url() if n is None and not r.startswith("admin/")}
    assert unnamed == UNNAMED, f"unnamed routes the matrix does not know: {unnamed - UNNAMED}"


def test_every_url_answers_every_persona_as_the_permission_table_says(world, people):
    values = samples(world, people)
    clients = {username: client_as(people, username) for username in PERSONAS}
    wrong = []
    tried = 0
    for name, route in site_names().items():
        if name.startswith("admin:"):
            continue
        rule = rule_for(name)
        url = reverse_with(name, route, rule, values)
        for username in PERSONAS:
            cache.clear()  # the API's throttle must not turn a permission answer into a 429
            client = clients[username]
            if name == "logout":  # signing out must not sign out the shared client
                client = client_as(people, username)
            response = getattr(client, rule.method)(url)
            tried += 1
            got, want = outcome_of(response, rule), expected_status(rule, username)
            if name == "logout":  # signing out succeeds by sending everyone to the login page
                want = "login"
            if got != want:
                wrong.append(f"{name} {rule.method.upper()} {url} as {username}: {want} != {got}")
    assert wrong == [], "\n".join(wrong)
    assert tried >= 7 * 60


def test_an_outsider_learns_nothing_about_the_project_not_even_its_name(world, people):
    outsider = client_as(people, "olaf").get(reverse("cases:project", args=["small"]))
    assert outsider.status_code == 404
    assert b"Small project" not in outsider.content
    assert client_as(people, "olaf").get("/api/projects/small/").json() == {
        "detail": "No such project."
    }


def test_olaf_is_a_real_member_elsewhere(world, people):
    client = client_as(people, "olaf")
    assert client.get(reverse("cases:project", args=["other"])).status_code == 200
    slugs = [p["slug"] for p in client.get("/api/projects/").json()["results"]]
    assert slugs == ["other"]


def admin_sample_kwargs(pattern_route: str) -> dict:
    values = {"object_id": "1", "id": "1", "app_label": "cases", "content_type_id": 1}
    return {key: value for key, value in values.items() if names_keyword(pattern_route, key)}


def reverse_admin(name: str, route: str) -> str:
    """simple_history's admin routes use unnamed regex groups: those take positional ids."""
    positional = len(re.findall(r"\((?!\?)", route))
    if positional:
        return reverse(name, args=["1"] * positional)
    return reverse(name, kwargs=admin_sample_kwargs(route))


def test_every_admin_url_sends_a_non_staff_persona_to_the_admin_login(world, people):
    clients = {username: client_as(people, username) for username in PERSONAS}
    routes = [(n, r) for n, r in every_named_url() if n and n.startswith("admin:")]
    assert len(routes) > 50
    wrong = []
    for name, route in routes:
        url = reverse_admin(name, route)
        for username in PERSONAS:
            response = clients[username].get(url)
            if name == "admin:login":
                if username is None and response.status_code != 200:
                    wrong.append(f"{url} anonymous: {response.status_code}")
                continue
            location = response.get("Location", "")
            if name == "admin:logout":  # a GET signs nobody out; it goes back to the index
                location = location.replace("/admin/", "/admin/login/", 1)
            if response.status_code != 302 or not location.startswith("/admin/login/"):
                wrong.append(f"{name} {url} as {username}: {response.status_code} {location}")
    assert wrong == [], "\n".join(wrong)


def test_a_superuser_opens_the_admin(db):
    boss = get_user_model().objects.create_superuser("boss", password="x")
    client = Client()
    client.force_login(boss)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert b"Site administration" in response.content
