"""Keys, codes and names refuse the characters that make text display in another order than it
is stored (bidirectional embeddings, overrides and isolates, U+202A–U+202E and U+2066–U+2069),
in every way in: the pages, the API, the bundle importer, the source import and the admin.

"E1" followed by U+202E would show as something else than it is, and a code that looks like
another one could take a coder's or a reviewer's work to the wrong place. Keys and codes refuse
every invisible character (zero-width spaces, line breaks); names and labels refuse control
characters. The message names the field and the character by its code point, without printing
the character itself.
"""

import html
import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.test import Client, RequestFactory
from django.urls import reverse

from cases.bundles import BundleError, import_bundle, parse_bundle
from cases.lib import limits
from cases.models import Dyad, Evidence
from cases.tests.bundle_factory import small_bundle
from cases.tests.web.test_bad_input import evidence_form, row_counts

pytestmark = pytest.mark.django_db

API = "/api/projects/small/"
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
BIDI = sorted(limits.BIDI_CONTROLS)


def signed_in(people, username: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(people[username])
    return client


def api(people, username: str, method: str, path: str, body: dict):
    client = signed_in(people, username)
    return getattr(client, method)(API + path, json.dumps(body), content_type="application/json")


def names_the_character(message: str, char: str = RLO) -> bool:
    return f"U+{ord(char):04X}" in message and char not in message


# --- the API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("char", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_the_api_refuses_a_dyad_code_with_any_bidirectional_control(small_project, people, char):
    before = row_counts()
    body = {"code": f"ITA{char}-ESP", "state_a": "ITA", "state_b": "ESP", "name": "Italy–Spain"}
    response = api(people, "ada", "post", "dyads/", body)
    assert response.status_code == 400
    assert names_the_character(" ".join(response.json()["code"]), char)
    assert row_counts() == before


NEW_ITEM = {
    "key": "N1",
    "dyad": "FRA-DEU",
    "date": "1950",
    "source": "doe2020",
    "locator": "1",
    "evidence_type": "event",
    "quote": "q",
}
CRITERION = {"code": "X-NEW", "name": "n", "framework": "f", "group": "g", "definition": "d"}
PERIOD = {"dyad": "FRA-DEU", "code": "P0", "label": "Before", "start_year": 1900, "end_year": 1910}
SOURCE = {"key": "k", "csl": {"type": "book", "title": "T"}}
DYAD = {"code": "ITA-ESP", "state_a": "ITA", "state_b": "ESP", "name": "Italy–Spain"}

API_REFUSALS = [
    ("evidence key", "carl", "post", "evidence/", NEW_ITEM, "key"),
    ("evidence footnote", "carl", "post", "evidence/", NEW_ITEM, "footnote"),
    ("evidence locator note", "carl", "post", "evidence/", NEW_ITEM, "locator_note"),
    ("source key", "carl", "post", "sources/", SOURCE, "key"),
    ("dyad name", "ada", "post", "dyads/", DYAD, "name"),
    ("period code", "ada", "post", "periods/", PERIOD, "code"),
    ("period label", "ada", "post", "periods/", PERIOD, "label"),
    ("criterion code", "ada", "post", "criteria/", CRITERION, "code"),
    ("criterion name", "ada", "post", "criteria/", CRITERION, "name"),
    ("criterion group", "ada", "post", "criteria/", CRITERION, "group"),
    ("project name", "ada", "patch", "", {}, "name"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("username", "method", "path", "body", "field"),
    [c[1:] for c in API_REFUSALS],
    ids=[c[0] for c in API_REFUSALS],
)
def test_the_api_refuses_a_bidirectional_control_naming_the_field(
    small_project, people, username, method, path, body, field
):
    before = row_counts()
    response = api(people, username, method, path, {**body, field: f"A{RLO}1"})
    assert response.status_code == 400, response.content[:300]
    assert names_the_character(" ".join(response.json()[field]))
    assert row_counts() == before


@pytest.mark.parametrize(
    ("username", "method", "path", "body", "field"),
    [c[1:] for c in API_REFUSALS],
    ids=[c[0] for c in API_REFUSALS],
)
def test_the_same_api_write_without_it_succeeds(
    small_project, people, username, method, path, body, field
):
    response = api(people, username, method, path, {**body, field: "A1"})
    assert response.status_code in (200, 201), response.content[:300]


@pytest.mark.parametrize("char", ["\u200b", "\u2060", "\n", "\t"], ids=["ZWSP", "WJ", "LF", "TAB"])
def test_a_code_refuses_invisible_characters_too(small_project, people, char):
    response = api(people, "ada", "post", "criteria/", {**CRITERION, "code": f"X{char}NEW"})
    assert response.status_code == 400
    assert "code" in response.json()


def test_a_name_may_keep_a_joiner_its_script_needs(small_project, people):
    # Persian writes some words with a zero-width non-joiner; only controls are refused in names.
    name = "می\u200cخواهم"
    response = api(people, "ada", "post", "criteria/", {**CRITERION, "name": name})
    assert response.status_code == 201, response.content[:300]


# --- pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["key", "footnote", "locator_note"])
def test_the_evidence_form_refuses_a_bidirectional_control(small_project, people, field):
    before = row_counts()
    response = signed_in(people, "carl").post(
        reverse("cases:evidence_new", args=["small"]),
        evidence_form(small_project, **{field: f"N{RLO}1"}),
    )
    assert response.status_code == 400
    # The form shows what was typed, so that it can be corrected; the message names the code.
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in html.unescape(response.content.decode())
    assert row_counts() == before


def test_the_source_form_refuses_a_key_with_a_bidirectional_control(small_project, people):
    before = row_counts()
    response = signed_in(people, "carl").post(
        reverse("cases:source_new", args=["small"]),
        {"key": f"doe{RLO}2021", "type": "book", "title": "T"},
    )
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in html.unescape(response.content.decode())
    assert row_counts() == before


def test_the_source_import_refuses_a_key_with_a_bidirectional_control(small_project, people):
    text = json.dumps([{"citation-key": f"doe{RLO}2021", "type": "book", "title": "T"}])
    response = signed_in(people, "carl").post(
        reverse("cases:source_import", args=["small"]), {"format": "csl-json", "text": text}
    )
    page = html.unescape(response.content.decode())
    assert "item 1" in page and names_the_character(page)


# --- the bundle importer ---------------------------------------------------------------------


def bundle_with(change) -> bytes:
    doc = small_bundle()
    doc["project"]["slug"] = "incoming"
    change(doc)
    return json.dumps(doc, ensure_ascii=False).encode()


def scale(doc) -> dict:
    return doc["codebook"]["scale"][0]


def criterion(doc) -> dict:
    return doc["codebook"]["criteria"][0]


def renamed_member(doc):
    doc["members"][2]["username"] = f"car{RLO}l"


BUNDLE_REFUSALS = [
    ("project slug", lambda d: d["project"].update(slug=f"in{RLO}coming"), "project"),
    ("project name", lambda d: d["project"].update(name=f"Small{RLO}"), 'project: "name"'),
    ("codebook version", lambda d: d["codebook"].update(version=f"1{RLO}"), "codebook"),
    ("scale label", lambda d: scale(d).update(label=f"ab{RLO}sent"), "codebook.scale[0]"),
    ("criterion code", lambda d: criterion(d).update(code=f"AB{RLO}"), "codebook.criteria[0]"),
    ("criterion name", lambda d: criterion(d).update(name=f"T{RLO}"), '"name"'),
    ("member username", renamed_member, "members[2]"),
    ("dyad code", lambda d: d["dyads"][0].update(code=f"FRA{RLO}-DEU"), "dyads[0]"),
    ("dyad name", lambda d: d["dyads"][0].update(name=f"France{RLO}"), '"name"'),
    ("period code", lambda d: d["dyads"][0]["periods"][0].update(code=f"P{RLO}1"), "periods[0]"),
    ("period label", lambda d: d["dyads"][0]["periods"][0].update(label=f"Post{RLO}"), '"label"'),
    ("source key", lambda d: d["sources"][0].update(key=f"doe{RLO}2020"), "sources[0]"),
    ("evidence key", lambda d: d["evidence"][0].update(key=f"E{RLO}1"), "evidence[0]"),
    ("evidence footnote", lambda d: d["evidence"][0].update(footnote=f"3{RLO}"), '"footnote"'),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "named"), [c[1:] for c in BUNDLE_REFUSALS], ids=[c[0] for c in BUNDLE_REFUSALS]
)
def test_the_bundle_import_refuses_a_bidirectional_control_naming_the_entry(
    small_project, change, named
):
    before = row_counts()
    with pytest.raises(BundleError) as refused:
        import_bundle(parse_bundle(bundle_with(change)))
    message = str(refused.value)
    assert named in message
    assert names_the_character(message)
    assert row_counts() == before


def test_a_username_with_a_line_break_is_refused_by_the_bundle_import(small_project):
    with pytest.raises(BundleError) as refused:
        import_bundle(parse_bundle(bundle_with(lambda d: d["members"][0].update(username="ada\n"))))
    assert "members[0]" in str(refused.value)
    assert not get_user_model().objects.filter(username="ada\n").exists()


# --- the admin -------------------------------------------------------------------------------


def admin_form(model, instance, **changes):
    superuser = get_user_model().objects.create_superuser("root", password="x")
    request = RequestFactory().get("/admin/")
    request.user = superuser
    form_class = admin.site._registry[model].get_form(request, instance, change=True)
    data = {k: v for k, v in model_to_dict(instance).items() if v is not None}
    data.update(changes)
    form = form_class(data=data, instance=instance)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("model", "lookup", "field"),
    [(Dyad, {"code": "FRA-DEU"}, "name"), (Evidence, {"key": "E1"}, "key")],
    ids=["dyad name", "evidence key"],
)
def test_the_admin_refuses_a_bidirectional_control(small_project, model, lookup, field):
    instance = model.objects.get(**lookup)
    form = admin_form(model, instance, **{field: f"X{RLO}1"})
    assert field in form.errors
    assert names_the_character(" ".join(form.errors[field]))
