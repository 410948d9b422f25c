"""Every piece of text has a limit (cases.lib.limits, docs/limits.md), and every way in keeps to it:
the pages and their htmx fragments, the API, the bundle importer, the source import (pasted or
uploaded, CSL-JSON or BibTeX) and the admin. Text one character over is refused with a message
that names the field and the limit, and nothing is written; text at the limit is kept whole.
"""

import html
import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import Client, RequestFactory
from django.urls import reverse

from cases.bundles import BundleError, import_bundle, parse_bundle
from cases.lib import limits
from cases.models import Coding, Criterion, Evidence, Project, Source, StageJudgment
from cases.review.adjudication import decision_codes
from cases.tests.bundle_factory import small_bundle
from cases.tests.web.test_bad_input import evidence_form, row_counts

pytestmark = pytest.mark.django_db

API = "/api/projects/small/"


def signed_in(people, username: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(people[username])
    return client


def text(length: int) -> str:
    """Prose-like text of exactly ``length`` characters."""
    return ("Words of a careful argument. " * (length // 29 + 1))[:length]


def page_of(response) -> str:
    return html.unescape(response.content.decode())


def over(limit: int) -> str:
    """What a refusal of text one character over ``limit`` says."""
    return f"at most {limit:,} characters (this has {limit + 1:,})"


# --- pages and fragments ---------------------------------------------------------------------


def test_the_evidence_form_refuses_a_quote_over_the_limit(small_project, people):
    before = row_counts()
    response = signed_in(people, "carl").post(
        reverse("cases:evidence_new", args=["small"]),
        evidence_form(small_project, quote=text(limits.QUOTE + 1)),
    )
    assert response.status_code == 400
    assert over(limits.QUOTE) in page_of(response).lower()
    assert row_counts() == before


def test_the_evidence_form_keeps_a_quote_at_the_limit(small_project, people):
    quote = text(limits.QUOTE).strip()
    response = signed_in(people, "carl").post(
        reverse("cases:evidence_new", args=["small"]), evidence_form(small_project, quote=quote)
    )
    assert response.status_code == 302
    assert Evidence.objects.get(key="NEW-1").quote == quote


def test_the_evidence_form_refuses_a_summary_over_the_limit(small_project, people):
    response = signed_in(people, "carl").post(
        reverse("cases:evidence_new", args=["small"]),
        evidence_form(small_project, summary=text(limits.SUMMARY + 1)),
    )
    assert response.status_code == 400
    assert over(limits.SUMMARY) in page_of(response).lower()


def code_e3(people, note: str):
    item = Evidence.objects.get(key="E3")
    return signed_in(people, "carl").post(
        reverse("cases:save_coding", args=["small", item.pk, "D-RESP"]),
        {"value": "1", "note": note, "version": "0"},
        HTTP_HX_REQUEST="true",
    )


def test_a_coding_note_over_the_limit_is_refused_in_the_row(small_project, people):
    before = row_counts()
    response = code_e3(people, text(limits.NOTE + 1))
    assert response.status_code == 422  # htmx swaps the row, with the message in it
    assert f"Note: {over(limits.NOTE)}; nothing was saved." in page_of(response)
    assert row_counts() == before


def test_a_megabyte_coding_note_is_refused(small_project, people):
    response = code_e3(people, text(1024 * 1024))
    assert response.status_code == 422
    assert not Coding.objects.filter(evidence__key="E3", criterion__code="D-RESP").exists()


def test_a_coding_note_at_the_limit_is_saved(small_project, people):
    note = text(limits.NOTE).strip()
    assert code_e3(people, note).status_code == 200
    assert Coding.objects.get(evidence__key="E3", criterion__code="D-RESP").note == note


def judge_p1(small_project, people, rationale: str):
    period = small_project.dyads.get().periods.get(code="P1")
    current = period.stage_judgments.get(coder=people["carl"])
    return signed_in(people, "carl").post(
        reverse("cases:save_judgment", args=["small", period.pk]),
        {"stage": "nascent", "coupling": "", "rationale": rationale, "version": current.version},
        HTTP_HX_REQUEST="true",
    )


def test_a_stage_judgment_rationale_over_the_limit_is_refused(small_project, people):
    response = judge_p1(small_project, people, text(limits.RATIONALE + 1))
    assert response.status_code == 422
    assert f"Rationale: {over(limits.RATIONALE)}; nothing was saved." in page_of(response)
    assert StageJudgment.objects.get(period__code="P1", coder__username="carl").rationale == ""


def test_a_stage_judgment_rationale_at_the_limit_is_saved(small_project, people):
    rationale = text(limits.RATIONALE).strip()
    assert judge_p1(small_project, people, rationale).status_code == 200
    judgment = StageJudgment.objects.get(period__code="P1", coder__username="carl")
    assert judgment.rationale == rationale


def test_an_adjudication_rationale_over_the_limit_is_refused(small_project, people):
    item = Evidence.objects.get(key="E1")
    codes = decision_codes(item)
    versions = {c.criterion.code: c.version for c in item.consensus.select_related("criterion")}
    form = {"codes": codes, "rationale": text(limits.RATIONALE + 1)}
    for code in codes:
        form[f"value-{code}"] = "2"
        form[f"version-{code}"] = versions.get(code, 0)
    before = row_counts()
    response = signed_in(people, "rita").post(
        reverse("cases:review_item", args=["small", item.pk]), form
    )
    assert response.status_code == 422
    assert f"rationale: {over(limits.RATIONALE)}; nothing was saved." in page_of(response)
    assert row_counts() == before


def test_a_period_override_rationale_over_the_limit_is_refused(small_project, people):
    period = small_project.dyads.get().periods.get(code="P1")
    before = row_counts()
    response = signed_in(people, "rita").post(
        reverse("cases:review_overrides", args=["small"]),
        {
            "period": period.pk,
            "criterion": "D-RESP",
            "value": "1",
            "rationale": text(limits.RATIONALE + 1),
            "version": "0",
        },
    )
    assert response.status_code == 422
    assert f"rationale: {over(limits.RATIONALE)}; nothing was saved." in page_of(response)
    assert row_counts() == before


SOURCE_FORM = {"key": "long1", "type": "book", "authors": "Doe, Jane", "title": "A title"}


@pytest.mark.parametrize("field", ["title", "container_title", "publisher", "url"])
def test_the_source_form_refuses_a_field_over_the_limit(small_project, people, field):
    value = "https://example.org/" + "x" * limits.CSL_TEXT if field == "url" else "T" * 6000
    before = row_counts()
    response = signed_in(people, "carl").post(
        reverse("cases:source_new", args=["small"]), {**SOURCE_FORM, field: value}
    )
    assert response.status_code == 200
    assert f"at most {limits.CSL_TEXT:,} characters" in page_of(response).lower()
    assert row_counts() == before


def test_the_source_form_refuses_a_record_too_large_as_a_whole(small_project, people):
    authors = "\n".join(f"Family{i}, Given{i}" for i in range(5000))
    response = signed_in(people, "carl").post(
        reverse("cases:source_new", args=["small"]), {**SOURCE_FORM, "authors": authors}
    )
    assert response.status_code == 200
    assert f"at most {limits.CSL_RECORD:,} characters as JSON" in page_of(response)
    assert not Source.objects.filter(key="long1").exists()


def paste(people, fmt: str, body: str, *, as_file: bool = False):
    url = reverse("cases:source_import", args=["small"])
    data = {"format": fmt}
    if as_file:
        data["file"] = SimpleUploadedFile("refs.txt", body.encode("utf-8"))
    else:
        data["text"] = body
    return signed_in(people, "carl").post(url, data)


CSL_TITLE_TOO_LONG = json.dumps([{"id": "long1", "type": "book", "title": "T" * 5001}])
BIBTEX_TITLE_TOO_LONG = "@book{long1,\n  title = {" + "T" * 5001 + "},\n  year = {2020}\n}\n"


@pytest.mark.parametrize(
    ("fmt", "body", "where"),
    [("csl-json", CSL_TITLE_TOO_LONG, "item 1"), ("bibtex", BIBTEX_TITLE_TOO_LONG, "line 1")],
    ids=["csl-json", "bibtex"],
)
@pytest.mark.parametrize("as_file", [False, True], ids=["pasted", "uploaded"])
def test_the_source_import_refuses_a_title_over_the_limit(
    small_project, people, fmt, body, where, as_file
):
    before = row_counts()
    response = paste(people, fmt, body, as_file=as_file)
    page = page_of(response)
    assert f"{where}" in page and f'"title" is too long: {over(limits.CSL_TEXT)}' in page
    assert row_counts() == before


def test_the_source_import_refuses_a_15_mb_title(small_project, people):
    body = json.dumps([{"id": "huge", "type": "book", "title": "T" * 15_000_000}])
    response = paste(people, "csl-json", body, as_file=True)
    assert "is too long: at most 5,000 characters (this has 15,000,000)" in page_of(response)
    assert not Source.objects.filter(key="huge").exists()


def test_the_source_import_keeps_an_abstract_longer_than_a_title_may_be(small_project, people):
    abstract = text(limits.CSL_LONG_TEXT)
    body = json.dumps([{"id": "abs1", "type": "book", "title": "T", "abstract": abstract}])
    response = paste(people, "csl-json", body)
    assert "Nothing was imported" not in page_of(response)


# --- the API ---------------------------------------------------------------------------------


def api(people, username: str, method: str, path: str, body: dict):
    client = signed_in(people, username)
    return getattr(client, method)(API + path, json.dumps(body), content_type="application/json")


NEW_ITEM = {
    "key": "N1",
    "dyad": "FRA-DEU",
    "date": "1950",
    "source": "doe2020",
    "locator": "1",
    "evidence_type": "event",
    "quote": "q",
}

API_OVER_LIMIT = [
    ("evidence quote", "carl", "post", "evidence/", {**NEW_ITEM, "quote": "q"}, "quote"),
    ("evidence summary", "carl", "post", "evidence/", {**NEW_ITEM, "summary": "s"}, "summary"),
    (
        "coding note",
        "carl",
        "post",
        "codings/",
        {"evidence": "E3", "criterion": "D-RESP", "value": 1, "note": "n"},
        "note",
    ),
    (
        "criterion definition",
        "ada",
        "post",
        "criteria/",
        {"code": "X-NEW", "name": "n", "framework": "f", "group": "g", "definition": "d"},
        "definition",
    ),
    ("project description", "ada", "patch", "", {"description": "d"}, "description"),
    (
        "source title",
        "carl",
        "post",
        "sources/",
        {"key": "long1", "csl": {"type": "book", "title": "t"}},
        "csl",
    ),
]
LIMIT_OF = {
    "quote": limits.QUOTE,
    "summary": limits.SUMMARY,
    "note": limits.NOTE,
    "definition": limits.DEFINITION,
    "description": limits.DESCRIPTION,
    "csl": limits.CSL_TEXT,
}


def stretched(body: dict, field: str, length: int) -> dict:
    body = json.loads(json.dumps(body))
    if field == "csl":
        body["csl"]["title"] = text(length)
    else:
        body[field] = text(length)
    return body


@pytest.mark.parametrize(
    ("username", "method", "path", "body", "field"),
    [c[1:] for c in API_OVER_LIMIT],
    ids=[c[0] for c in API_OVER_LIMIT],
)
def test_the_api_refuses_text_over_the_limit_naming_the_field(
    small_project, people, username, method, path, body, field
):
    limit = LIMIT_OF[field]
    before = row_counts()
    response = api(people, username, method, path, stretched(body, field, limit + 1))
    assert response.status_code == 400, response.content[:300]
    assert over(limit) in " ".join(response.json()[field]).lower()
    assert row_counts() == before


@pytest.mark.parametrize(
    ("username", "method", "path", "body", "field"),
    [c[1:] for c in API_OVER_LIMIT],
    ids=[c[0] for c in API_OVER_LIMIT],
)
def test_the_api_keeps_text_at_the_limit(
    small_project, people, username, method, path, body, field
):
    response = api(people, username, method, path, stretched(body, field, LIMIT_OF[field]))
    assert response.status_code in (200, 201), response.content[:300]


@pytest.mark.parametrize(
    ("path", "body", "field", "limit"),
    [
        (
            "consensus/",
            {"evidence": "E1", "criterion": "AB-T2-TRANS", "value": 2},
            "rationale",
            limits.RATIONALE,
        ),
        (
            "period-overrides/",
            {"dyad": "FRA-DEU", "period": "P1", "criterion": "D-RESP", "value": 1},
            "rationale",
            limits.RATIONALE,
        ),
    ],
    ids=["consensus", "period override"],
)
def test_the_api_refuses_a_rationale_over_the_limit(
    small_project, people, path, body, field, limit
):
    response = api(people, "rita", "post", path, {**body, field: text(limit + 1)})
    assert response.status_code == 400
    assert field in response.json()


# --- the bundle importer ---------------------------------------------------------------------


def bundle_with(change) -> bytes:
    doc = small_bundle()
    doc["project"]["slug"] = "incoming"
    change(doc)
    return json.dumps(doc, ensure_ascii=False).encode()


BUNDLE_OVER_LIMIT = [
    (
        "quote",
        lambda d, t: d["evidence"][0].update(quote=t),
        limits.QUOTE,
        'evidence[0] (E1): "quote"',
    ),
    ("summary", lambda d, t: d["evidence"][0].update(summary=t), limits.SUMMARY, '"summary"'),
    (
        "coding note",
        lambda d, t: d["codings"][0]["notes"].update({"D-RESP": t}),
        limits.NOTE,
        'codings[0] (E1/carl): "notes" of D-RESP is too long',
    ),
    (
        "consensus rationale",
        lambda d, t: d["consensus"][0].update(rationale=t),
        limits.RATIONALE,
        'consensus[0] (E1): "rationale"',
    ),
    (
        "override rationale",
        lambda d, t: d["period_overrides"][0].update(rationale=t),
        limits.RATIONALE,
        '"rationale"',
    ),
    (
        "judgment rationale",
        lambda d, t: d["stage_judgments"][0].update(rationale=t),
        limits.RATIONALE,
        '"rationale"',
    ),
    (
        "criterion definition",
        lambda d, t: d["codebook"]["criteria"][0].update(definition=t),
        limits.DEFINITION,
        'codebook.criteria[0] (AB-T2-TRANS): "definition"',
    ),
    (
        "indicator",
        lambda d, t: d["codebook"]["criteria"][0].update(indicators=[t]),
        limits.INDICATOR,
        '"indicators[0]" is too long',
    ),
    (
        "project description",
        lambda d, t: d["project"].update(description=t),
        limits.DESCRIPTION,
        'project: "description"',
    ),
    (
        "source title",
        lambda d, t: d["sources"][0]["csl"].update(title=t),
        limits.CSL_TEXT,
        'sources[0] (doe2020): csl: "title" is too long',
    ),
    (
        "source author",
        lambda d, t: d["sources"][0]["csl"]["author"][0].update(family=t),
        limits.CSL_TEXT,
        'csl: "author[0].family" is too long',
    ),
]


@pytest.mark.parametrize(
    ("change", "limit", "named"),
    [c[1:] for c in BUNDLE_OVER_LIMIT],
    ids=[c[0] for c in BUNDLE_OVER_LIMIT],
)
def test_the_bundle_import_refuses_text_over_the_limit_naming_the_entry(
    small_project, change, limit, named
):
    before = row_counts()
    with pytest.raises(BundleError) as refused:
        import_bundle(parse_bundle(bundle_with(lambda d: change(d, text(limit + 1)))))
    message = str(refused.value)
    assert named in message
    assert f"{limit:,}" in message
    assert row_counts() == before


@pytest.mark.parametrize(
    ("change", "limit"),
    [c[1:3] for c in BUNDLE_OVER_LIMIT],
    ids=[c[0] for c in BUNDLE_OVER_LIMIT],
)
def test_the_bundle_import_keeps_text_at_the_limit(small_project, change, limit):
    project = import_bundle(parse_bundle(bundle_with(lambda d: change(d, text(limit)))))
    assert project.slug == "incoming"


def test_a_csl_record_too_large_as_a_whole_is_refused_by_the_bundle_import(small_project):
    names = [{"family": f"Family{i}", "given": "Given"} for i in range(4000)]
    with pytest.raises(BundleError) as refused:
        import_bundle(
            parse_bundle(bundle_with(lambda d: d["sources"][0]["csl"].update(author=names)))
        )
    assert f"at most {limits.CSL_RECORD:,} characters as JSON" in str(refused.value)


def test_the_demo_bundle_is_within_every_limit(db):
    from django.conf import settings

    path = settings.BASE_DIR / "fixtures" / "turkiye-azerbaijan.json"
    project = import_bundle(parse_bundle(path.read_bytes()))
    assert project.evidence.exists()


# --- the admin -------------------------------------------------------------------------------


def admin_form(model, instance, **changes):
    """The admin's own change form for ``instance``, as a superuser would submit it."""
    superuser = get_user_model().objects.create_superuser("root", password="x")
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    form_class = model_admin.get_form(request, instance, change=True)
    data = {k: v for k, v in model_to_dict(instance).items() if v is not None}
    data.update(changes)
    form = form_class(data=data, instance=instance)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("model", "lookup", "field", "limit"),
    [
        (Evidence, {"key": "E1"}, "quote", limits.QUOTE),
        (Criterion, {"code": "D-RESP"}, "definition", limits.DEFINITION),
        (Project, {"slug": "small"}, "description", limits.DESCRIPTION),
    ],
    ids=["evidence quote", "criterion definition", "project description"],
)
def test_the_admin_refuses_text_over_the_limit(small_project, model, lookup, field, limit):
    instance = model.objects.get(**lookup)
    form = admin_form(model, instance, **{field: text(limit + 1)})
    assert field in form.errors
    assert over(limit) in " ".join(form.errors[field]).lower()


def test_the_admin_refuses_a_csl_record_over_the_limit(small_project):
    source = Source.objects.get(key="doe2020")
    csl = {**source.csl, "title": text(limits.CSL_TEXT + 1)}
    form = admin_form(Source, source, csl=json.dumps(csl))
    assert "csl" in form.errors
    assert over(limits.CSL_TEXT) in " ".join(form.errors["csl"])


def test_the_admin_keeps_a_csl_record_within_the_limits(small_project):
    source = Source.objects.get(key="doe2020")
    form = admin_form(Source, source, csl=json.dumps({**source.csl, "title": "New title"}))
    assert "csl" not in form.errors
