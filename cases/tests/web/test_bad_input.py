"""Bad input everywhere text comes in: the bundle importer, the evidence and source forms, the
source paste page, the agreement command and the API.

Every case ends in a clear error or a safe result, never a crash; a refused operation leaves
every table exactly as it was. Markup and SQL-looking text is stored verbatim and shown escaped
on every page that shows it.
"""

import html
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from cases.bundles import BundleError, import_bundle, parse_bundle
from cases.models import Evidence, Source
from cases.tests.bundle_factory import small_bundle

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE cases_evidence; --"
MEGABYTE = "Quoted at length. " * (1024 * 1024 // 18 + 1)


def row_counts() -> dict[str, int]:
    models = list(apps.get_app_config("cases").get_models())
    models.append(apps.get_model("auth", "User"))
    return {m._meta.label: m.objects.count() for m in models}


def signed_in(people, username: str) -> Client:
    client = Client()
    client.force_login(people[username])
    return client


# --- the bundle importer ---------------------------------------------------------------------


def bundle(change=None) -> dict:
    doc = small_bundle()
    doc["project"]["slug"] = "incoming"
    if change:
        change(doc)
    return doc


def as_bytes(change=None, encoding="utf-8") -> bytes:
    # Characters Latin-1 lacks (the en dash) become "?"; "é" stays, as a byte UTF-8 refuses.
    return json.dumps(bundle(change), ensure_ascii=False).encode(encoding, errors="replace")


def setter(path: str, value):
    """A change that sets doc[a][i][b]... (dot-separated, numbers index lists)."""

    def change(doc):
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target = doc
        for part in parents:
            target = target[part]
        target[last] = value

    return change


def overlapping(doc):
    doc["dyads"][0]["periods"][1]["start_year"] = 1960


def duplicate_evidence_key(doc):
    doc["evidence"][1]["key"] = "E1"


def duplicate_dyad_reversed(doc):
    doc["dyads"].append({**doc["dyads"][0], "code": "DEU-FRA", "state_a": "DEU", "state_b": "FRA"})


# (id, bytes, the message a refusal must contain)
REFUSED_BUNDLES = [
    ("malformed", b'{"format": "sccoder-bundle",', "malformed JSON"),
    ("empty", b"", "malformed JSON"),
    ("latin-1", as_bytes(encoding="latin-1"), "not UTF-8"),
    ("not an object", b"[1, 2, 3]", ""),
    ("null", b"null", ""),
    ("duplicate JSON names", b'{"format": "sccoder-bundle", "format": "x"}', "format"),
    ("value off the scale", as_bytes(setter("codings.0.values.D-RESP", 7)), "D-RESP"),
    ("negative value", as_bytes(setter("codings.0.values.D-RESP", -1)), "D-RESP"),
    ("value as text", as_bytes(setter("codings.0.values.D-RESP", "2")), "D-RESP"),
    ("value as a fraction", as_bytes(setter("codings.0.values.D-RESP", 1.5)), "D-RESP"),
    ("value NaN", as_bytes().replace(b'"D-RESP": 1', b'"D-RESP": NaN'), "D-RESP"),
    ("unknown criterion", as_bytes(setter("codings.0.values", {"NO-SUCH": 1})), "NO-SUCH"),
    ("unknown dyad", as_bytes(setter("evidence.0.dyad", "USA-CAN")), "USA-CAN"),
    ("unknown source", as_bytes(setter("evidence.0.source", "nobody")), "nobody"),
    ("unknown coder role", as_bytes(setter("members.0.role", "owner")), "owner"),
    ("overlapping periods", as_bytes(overlapping), "overlap"),
    ("date outside its period", as_bytes(setter("evidence.1.date", "1950")), "E2"),
    ("date outside every period", as_bytes(setter("evidence.0.date", "1800")), "E1"),
    ("malformed date", as_bytes(setter("evidence.0.date", "19x1")), "E1"),
    ("duplicate evidence key", as_bytes(duplicate_evidence_key), "E1"),
    ("the same dyad reversed", as_bytes(duplicate_dyad_reversed), "DEU-FRA"),
    ("evidence is not a list", as_bytes(setter("evidence", {"E1": {}})), "evidence"),
    ("slug with markup", as_bytes(setter("project.slug", SCRIPT)), "slug"),
    ("slug taken", as_bytes(setter("project.slug", "small")), "small"),
]


@pytest.mark.parametrize(
    ("data", "message"), [c[1:] for c in REFUSED_BUNDLES], ids=[c[0] for c in REFUSED_BUNDLES]
)
def test_a_bad_bundle_is_refused_with_a_message_and_writes_nothing(small_project, data, message):
    before = row_counts()
    with pytest.raises(BundleError) as refused:
        import_bundle(parse_bundle(data))
    assert message in str(refused.value)
    assert row_counts() == before


def test_a_deeply_nested_bundle_is_refused_not_a_crash(small_project):
    with pytest.raises(BundleError):
        parse_bundle(b"[" * 100_000 + b"]" * 100_000)


def test_a_boolean_coding_value_is_refused(small_project):
    before = row_counts()
    with pytest.raises(BundleError):
        import_bundle(parse_bundle(as_bytes(setter("codings.0.values.D-RESP", True))))
    assert row_counts() == before


def test_a_utf16_bundle_is_refused_as_not_utf8_or_read_correctly(small_project):
    data = as_bytes(encoding="utf-16")
    try:
        project = import_bundle(parse_bundle(data))
    except BundleError as refused:
        assert "UTF-8" in str(refused)
    else:
        assert project.dyads.get().name == "France–Germany"


def test_a_megabyte_quote_in_a_bundle_is_kept_whole_or_refused_by_name(small_project):
    before = row_counts()
    try:
        project = import_bundle(parse_bundle(as_bytes(setter("evidence.0.quote", MEGABYTE))))
    except BundleError as refused:
        assert "quote" in str(refused)
        assert row_counts() == before
    else:
        assert project.evidence.get(key="E1").quote == MEGABYTE


def test_markup_and_sql_in_a_bundle_are_stored_verbatim(small_project):
    def change(doc):
        doc["project"]["name"] = SCRIPT
        doc["evidence"][0]["quote"] = SQL
        doc["evidence"][0]["summary"] = ATTRIBUTE
        doc["codings"][0]["notes"] = {"D-RESP": SCRIPT}

    project = import_bundle(parse_bundle(as_bytes(change)))
    item = project.evidence.get(key="E1")
    assert (project.name, item.quote, item.summary) == (SCRIPT, SQL, ATTRIBUTE)
    assert Evidence.objects.count() == 6  # the statement was text, not SQL


# --- the evidence form -----------------------------------------------------------------------


def evidence_form(small_project, **changes) -> dict:
    dyad = small_project.dyads.get()
    form = {
        "key": "NEW-1",
        "dyad": dyad.pk,
        "date": "1955",
        "period": "",
        "evidence_type": "agreement",
        "source": small_project.sources.get(key="doe2020").pk,
        "locator": "12",
        "footnote": "",
        "locator_note": "",
        "quote": "A quote.",
        "summary": "A summary.",
    }
    form.update(changes)
    return form


EVIDENCE_REFUSALS = [
    ("unknown dyad", {"dyad": 999999}, "unknown dyad"),
    ("dyad as text", {"dyad": "FRA-DEU'--"}, "unknown dyad"),
    ("unknown source", {"source": 999999}, "unknown source"),
    ("unknown period", {"period": 999999}, "unknown period"),
    ("date outside every period", {"date": "1800"}, "1800"),
    ("malformed date", {"date": "nineteen-fifty"}, "date"),
    ("empty quote", {"quote": ""}, "quote cannot be empty"),
    ("duplicate key", {"key": "E1"}, "E1"),
    ("locator not a page", {"locator": SCRIPT}, "locator"),
    ("footnote too long", {"footnote": "9" * 500}, "footnote"),
    ("unknown evidence type", {"evidence_type": "rumour"}, "evidence_type"),
    ("NUL byte in the quote", {"quote": "a\x00b"}, "quote"),
]


@pytest.mark.parametrize(
    ("changes", "message"),
    [c[1:] for c in EVIDENCE_REFUSALS],
    ids=[c[0] for c in EVIDENCE_REFUSALS],
)
def test_the_evidence_form_refuses_bad_input_and_writes_nothing(
    small_project, people, changes, message
):
    before = row_counts()
    response = signed_in(people, "carl").post(
        reverse("cases:evidence_new", args=["small"]), evidence_form(small_project, **changes)
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was saved" in text or "form-alert" in text
    assert message.lower() in text.lower() or message in {"locator", "evidence_type"}
    assert SCRIPT not in text and ATTRIBUTE not in text
    assert row_counts() == before


def test_a_date_outside_the_chosen_period_is_refused(small_project, people):
    p2 = small_project.dyads.get().periods.get(code="P2")
    before = row_counts()
    response = signed_in(people, "carl").post(
        reverse("cases:evidence_new", args=["small"]),
        evidence_form(small_project, period=p2.pk, date="1950"),
    )
    assert response.status_code == 400
    assert row_counts() == before


def test_a_megabyte_quote_is_saved_whole_or_refused_by_name(small_project, people):
    before = row_counts()
    response = signed_in(people, "carl").post(
        reverse("cases:evidence_new", args=["small"]), evidence_form(small_project, quote=MEGABYTE)
    )
    if response.status_code == 302:
        # Form fields drop surrounding whitespace; the text itself is kept whole.
        assert Evidence.objects.get(key="NEW-1").quote == MEGABYTE.strip()
    else:
        assert response.status_code in (400, 413)
        assert row_counts() == before


# --- sources ---------------------------------------------------------------------------------


SOURCE_IMPORT_REFUSALS = [
    ("malformed CSL-JSON", "csl-json", '[{"id": "a", "title": '),
    ("CSL-JSON not a list of records", "csl-json", '"just a string"'),
    ("malformed BibTeX", "bibtex", "@book{key, title = {Open"),
    ("empty text", "csl-json", ""),
]


@pytest.mark.parametrize(
    ("fmt", "text"),
    [c[1:] for c in SOURCE_IMPORT_REFUSALS],
    ids=[c[0] for c in SOURCE_IMPORT_REFUSALS],
)
def test_the_source_paste_page_refuses_bad_text_and_writes_nothing(
    small_project, people, fmt, text
):
    before = row_counts()
    url = reverse("cases:source_import", args=["small"])
    for step in ({}, {"confirm": "1", "plan": "x"}):
        response = signed_in(people, "carl").post(url, {"format": fmt, "text": text, **step})
        assert response.status_code in (200, 400)
        assert b'role="alert"' in response.content
    assert row_counts() == before


def test_a_source_form_without_a_title_is_refused(small_project, people):
    before = row_counts()
    response = signed_in(people, "carl").post(
        reverse("cases:source_new", args=["small"]), {"key": "x1", "type": "book", "title": ""}
    )
    assert response.status_code in (200, 400)
    assert b'role="alert"' in response.content
    assert row_counts() == before


@pytest.mark.parametrize("key", [SCRIPT, SQL], ids=["markup", "sql"])
def test_an_evidence_key_with_markup_or_sql_is_refused_or_kept_verbatim_and_escaped(
    small_project, people, key
):
    client = signed_in(people, "carl")
    before = row_counts()
    response = client.post(
        reverse("cases:evidence_new", args=["small"]), evidence_form(small_project, key=key)
    )
    if response.status_code == 400:
        assert row_counts() == before
        return
    assert response.status_code == 302
    assert Evidence.objects.filter(key=key).exists()
    for url in (response["Location"], reverse("cases:evidence_list", args=["small"])):
        page = client.get(url).content.decode()
        assert escaped(key) in page
        assert "<script>alert" not in page


# --- the agreement command -------------------------------------------------------------------


AGREEMENT_REFUSALS = [
    ("empty file", b""),
    ("header only", b"unit,alice,bob\n"),
    ("ragged rows", b"unit,alice,bob\nu1,1,2\nu2,1\nu3,1,2,3\n"),
    ("latin-1 bytes", "unit,alice,bob\nu1,\xe9,\xe8\n".encode("latin-1")),
    ("utf-16", "unit,alice,bob\nu1,1,2\n".encode("utf-16")),
    ("binary", bytes(range(256))),
    ("no header", b"1,2\n1,2\n"),
]


@pytest.mark.parametrize(
    "data", [c[1] for c in AGREEMENT_REFUSALS], ids=[c[0] for c in AGREEMENT_REFUSALS]
)
def test_the_agreement_command_turns_bad_csv_into_a_clear_error(tmp_path, data):
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    try:
        with open(tmp_path / "out", "w") as out:
            call_command("agreement", str(path), "--json", stdout=out)
    except CommandError as error:
        assert str(path) in str(error) or "data.csv" in str(error)
    else:  # read as data after all: then the answer is JSON
        assert json.loads((tmp_path / "out").read_text())["n_units"] >= 0


def test_the_agreement_command_refuses_text_at_the_interval_level(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("unit,alice,bob\nu1,low,high\nu2,1,2\n")
    with pytest.raises(CommandError, match=r"data\.csv"):
        call_command("agreement", str(path), "--level", "interval", "--json")


# --- the API ---------------------------------------------------------------------------------


BASE = "/api/projects/small/"


def api_call(people, username, method, path, body, raw=False):
    client = signed_in(people, username)
    data = body if raw else json.dumps(body)
    return getattr(client, method)(BASE + path, data, content_type="application/json")


API_REFUSALS = [
    # (id, who, method, path, body or raw text, field named in the answer or None)
    ("malformed JSON", "carl", "post", "evidence/", '{"key": "X", ', None),
    ("JSON array body", "carl", "post", "evidence/", "[1, 2]", None),
    ("text body", "carl", "post", "codings/", "value=1", None),
    ("Latin-1 bytes", "carl", "post", "evidence/", b'{"key": "\xe9"}', None),
    (
        "NaN value",
        "carl",
        "post",
        "codings/",
        '{"evidence": "E3", "criterion": "D-RESP", "value": NaN}',
        None,
    ),
    (
        "boolean value",
        "carl",
        "post",
        "codings/",
        {"evidence": "E3", "criterion": "D-RESP", "value": True},
        "value",
    ),
    (
        "NUL in a key",
        "carl",
        "post",
        "evidence/",
        {
            "key": "N\x00",
            "dyad": "FRA-DEU",
            "date": "1950",
            "source": "doe2020",
            "locator": "1",
            "evidence_type": "event",
            "quote": "q",
        },
        "key",
    ),
    (
        "value as text",
        "carl",
        "post",
        "codings/",
        {"evidence": "E2", "criterion": "D-RESP", "value": "high"},
        "value",
    ),
    (
        "value off the scale",
        "carl",
        "post",
        "codings/",
        {"evidence": "E3", "criterion": "D-RESP", "value": 9},
        "value",
    ),
    (
        "value a fraction",
        "carl",
        "post",
        "codings/",
        {"evidence": "E3", "criterion": "D-RESP", "value": 1.5},
        "value",
    ),
    (
        "unknown criterion",
        "carl",
        "post",
        "codings/",
        {"evidence": "E3", "criterion": "NO-SUCH", "value": 1},
        "criterion",
    ),
    (
        "criterion with SQL",
        "carl",
        "post",
        "codings/",
        {"evidence": "E3", "criterion": SQL, "value": 1},
        "criterion",
    ),
    (
        "unknown evidence",
        "carl",
        "post",
        "codings/",
        {"evidence": "NOPE", "criterion": "D-RESP", "value": 1},
        "evidence",
    ),
    (
        "evidence date outside periods",
        "carl",
        "post",
        "evidence/",
        {
            "key": "N1",
            "dyad": "FRA-DEU",
            "date": "1800",
            "source": "doe2020",
            "locator": "1",
            "evidence_type": "event",
            "quote": "q",
        },
        "date",
    ),
    (
        "evidence with unknown dyad",
        "carl",
        "post",
        "evidence/",
        {
            "key": "N1",
            "dyad": "USA-CAN",
            "date": "1950",
            "source": "doe2020",
            "locator": "1",
            "evidence_type": "event",
            "quote": "q",
        },
        "dyad",
    ),
    (
        "evidence key as a list",
        "carl",
        "post",
        "evidence/",
        {
            "key": ["E9"],
            "dyad": "FRA-DEU",
            "date": "1950",
            "source": "doe2020",
            "locator": "1",
            "evidence_type": "event",
            "quote": "q",
        },
        "key",
    ),
    (
        "override off the scale",
        "rita",
        "post",
        "period-overrides/",
        {"dyad": "FRA-DEU", "period": "P1", "criterion": "D-RESP", "value": 4, "rationale": "r"},
        "value",
    ),
    (
        "period overlapping",
        "ada",
        "post",
        "periods/",
        {"dyad": "FRA-DEU", "code": "P9", "label": "x", "start_year": 1950, "end_year": 1970},
        None,
    ),
    (
        "stage judgment unknown stage",
        "carl",
        "post",
        "stage-judgments/",
        {"period": "P1", "dyad": "FRA-DEU", "stage": "utopia"},
        None,
    ),
]


@pytest.mark.parametrize(
    ("username", "method", "path", "body", "field"),
    [c[1:] for c in API_REFUSALS],
    ids=[c[0] for c in API_REFUSALS],
)
def test_the_api_refuses_bad_input_with_a_400_and_writes_nothing(
    small_project, people, username, method, path, body, field
):
    before = row_counts()
    response = api_call(people, username, method, path, body, raw=isinstance(body, str | bytes))
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    if field:
        assert field in answer, answer
    assert row_counts() == before


def test_a_deeply_nested_json_body_is_a_400_not_a_server_error(small_project, people):
    client = Client(raise_request_exception=False)
    client.force_login(people["carl"])
    before = row_counts()
    nested = b"[" * 100_000 + b"]" * 100_000
    response = client.post(BASE + "evidence/", nested, content_type="application/json")
    assert row_counts() == before
    assert response.status_code == 400


# --- markup and SQL-looking text, everywhere it is shown ---------------------------------------


def escaped(value: str) -> str:
    """As Django's autoescape writes it (quotes included)."""
    return escape(value)


@pytest.fixture
def hostile(small_project, people):
    """E1 rewritten through the pages with markup and SQL in every free-text field, citing a
    source whose title, container and publisher are the same."""
    client = signed_in(people, "carl")
    response = client.post(
        reverse("cases:source_new", args=["small"]),
        {
            "key": "hostile",
            "type": "book",
            "authors": "Tables, Bobby",
            "title": SCRIPT,
            "container_title": ATTRIBUTE,
            "publisher": SQL,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    source = Source.objects.get(key="hostile")
    item = Evidence.objects.get(key="E1")
    response = client.post(
        reverse("cases:evidence_edit", args=["small", item.pk]),
        {
            **evidence_form(small_project, key="E1", date=item.date),
            "source": source.pk,
            "quote": SCRIPT + " " + SQL,
            "summary": ATTRIBUTE,
            "locator_note": SCRIPT,
            "footnote": "<b>7</b>",
            "version": item.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Evidence.objects.get(key="E1"), source


def test_markup_and_sql_are_stored_verbatim(hostile):
    item, source = hostile
    assert (item.quote, item.summary, item.locator_note) == (SCRIPT + " " + SQL, ATTRIBUTE, SCRIPT)
    assert source.csl["title"] == SCRIPT
    assert source.csl["container-title"] == ATTRIBUTE
    assert source.csl["publisher"] == SQL
    assert Evidence.objects.count() == 3


def pages_showing(item) -> list[tuple[str, str]]:
    return [
        ("carl", reverse("cases:evidence_list", args=["small"])),
        ("carl", reverse("cases:evidence_detail", args=["small", item.pk])),
        ("carl", reverse("cases:code", args=["small", item.pk])),
        ("carl", reverse("cases:report", args=["small", "FRA-DEU"])),
        ("carl", reverse("cases:bibliography", args=["small"])),
        ("rita", reverse("cases:review_item", args=["small", item.pk])),
        ("rita", reverse("cases:evidence_detail", args=["small", item.pk])),
    ]


def test_markup_is_shown_escaped_and_never_raw_on_every_page(hostile, people):
    item, _ = hostile
    for username, url in pages_showing(item):
        response = signed_in(people, username).get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert SCRIPT not in page, url
        assert "<img src=x" not in page, url
        assert "<b>7</b>" not in page, url
        assert escaped(SCRIPT) in page, url


def test_sql_looking_text_is_shown_as_text(hostile, people):
    item, _ = hostile
    page = signed_in(people, "carl").get(reverse("cases:evidence_detail", args=["small", item.pk]))
    assert "DROP TABLE cases_evidence" in page.content.decode()
    assert Evidence.objects.count() == 3


def test_markup_in_the_api_comes_back_as_json_text(hostile, people):
    item, _ = hostile
    response = signed_in(people, "carl").get(BASE + f"evidence/{item.pk}/")
    assert response["Content-Type"] == "application/json"
    assert response.json()["quote"] == SCRIPT + " " + SQL


# --- requests that used to end in a server error --------------------------------------------
#
# A NUL character is where many of them came from: PostgreSQL stores none in text, so a NUL in
# an address, a query parameter or a form field is refused up front with a 400 that names it.


def raw_client(people, username: str | None) -> Client:
    """A client that answers a server error with the 500 page instead of raising it."""
    client = Client(raise_request_exception=False)
    if username:
        client.force_login(people[username])
    return client


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("username", ["ada", "otto", "olaf"])
def test_writing_to_the_project_list_is_a_405_in_json(small_project, people, method, username):
    response = raw_client(people, username).generic(
        method, "/api/projects/", '{"name": "x"}', content_type="application/json"
    )
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert method in response.json()["detail"]


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_creating_or_deleting_a_project_through_the_api_is_a_405_in_json(
    small_project, people, method
):
    before = row_counts()
    response = raw_client(people, "ada").generic(
        method, BASE, '{"name": "x"}', content_type="application/json"
    )
    assert response.status_code == 405
    assert method in response.json()["detail"]
    assert row_counts() == before


@pytest.mark.parametrize("value", ["%", "100%", "%s", "%(x)s", "19%9"])
@pytest.mark.parametrize("name", ["date_from", "date_to"])
def test_a_percent_sign_in_an_evidence_date_filter_is_a_400_naming_the_filter(
    small_project, people, name, value
):
    response = raw_client(people, "carl").get(BASE + "evidence/", {name: value})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert value in response.json()[name][0]


def carl_codes(small_project, people, note: str):
    """carl saves a code with a note on E3 (assigned to him, not submitted), as htmx does."""
    item = small_project.evidence.get(key="E3")
    return raw_client(people, "carl").post(
        reverse("cases:save_coding", args=["small", item.pk, "D-RESP"]),
        {"value": "1", "note": note, "version": "0"},
        HTTP_HX_REQUEST="true",
    )


def carl_judges(small_project, people, rationale: str):
    """carl saves his verdict on P1, sending the version he last read."""
    period = small_project.dyads.get().periods.get(code="P1")
    current = period.stage_judgments.get(coder=people["carl"])
    return raw_client(people, "carl").post(
        reverse("cases:save_judgment", args=["small", period.pk]),
        {"stage": "nascent", "coupling": "", "rationale": rationale, "version": current.version},
        HTTP_HX_REQUEST="true",
    )


def rita_decides(small_project, people, rationale: str):
    """rita settles E1, where carl and cleo disagree, choosing carl's values."""
    from cases.review.adjudication import decision_codes

    item = small_project.evidence.get(key="E1")
    codes = decision_codes(item)
    versions = {c.criterion.code: c.version for c in item.consensus.select_related("criterion")}
    form = {"codes": codes, "rationale": rationale}
    for code in codes:
        form[f"value-{code}"] = "2" if code == "AB-T2-TRANS" else "1"
        form[f"version-{code}"] = versions.get(code, 0)
    return raw_client(people, "rita").post(
        reverse("cases:review_item", args=["small", item.pk]), form
    )


NUL_IN_FORM_FIELDS = [
    ("coding note", carl_codes, "note"),
    ("stage judgment rationale", carl_judges, "rationale"),
    ("adjudication rationale", rita_decides, "rationale"),
]


@pytest.mark.parametrize(
    ("write", "field"),
    [c[1:] for c in NUL_IN_FORM_FIELDS],
    ids=[c[0] for c in NUL_IN_FORM_FIELDS],
)
def test_a_nul_character_in_a_form_field_is_a_400_naming_it(small_project, people, write, field):
    before = row_counts()
    response = write(small_project, people, "a\x00b")
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert f'"{field}"' in text and "NUL" in text
    assert "Nothing was saved" in text
    assert row_counts() == before


@pytest.mark.parametrize(
    "write", [c[1] for c in NUL_IN_FORM_FIELDS], ids=[c[0] for c in NUL_IN_FORM_FIELDS]
)
def test_the_same_form_without_the_nul_character_is_saved(small_project, people, write):
    response = write(small_project, people, "ab")
    assert response.status_code in (200, 302), response.content.decode()[:500]


NUL_IN_ADDRESSES = [
    ("project slug", "carl", "get", "/p/sm%00all/evidence/"),
    ("evidence id", "carl", "get", "/p/small/evidence/1%00/"),
    ("dyad code", "carl", "get", "/p/small/reports/FRA%00DEU/"),
    ("criterion code", "carl", "post", "/p/small/code/3/c/D%00RESP/"),
    ("export kind", "carl", "get", "/p/small/exports/consensus%00/"),
    ("unknown page", None, "get", "/no%00where/"),
]


@pytest.mark.parametrize(
    ("username", "method", "path"),
    [c[1:] for c in NUL_IN_ADDRESSES],
    ids=[c[0] for c in NUL_IN_ADDRESSES],
)
def test_a_nul_character_in_a_page_address_is_a_400(small_project, people, username, method, path):
    before = row_counts()
    response = getattr(raw_client(people, username), method)(path)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert row_counts() == before


@pytest.mark.parametrize(
    "path",
    [
        "/api/projects/sm%00all/evidence/",
        "/api/projects/small/evidence/1%00/",
        "/api/projects/small/reports/FRA%00DEU/",
    ],
)
def test_a_nul_character_in_an_api_address_is_a_400_in_json(small_project, people, path):
    response = raw_client(people, "carl").get(path)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "NUL" in response.json()["detail"]


QUERY_NUL = [
    ("disagreement queue", "rita", "/p/small/review/disagreements/", "criterion"),
    ("agreement page", "rita", "/p/small/review/agreement/", "dyad"),
    ("evidence list", "carl", "/p/small/evidence/", "criterion"),
    ("evidence list search", "carl", "/p/small/evidence/", "q"),
    ("report", "carl", "/p/small/reports/FRA-DEU/", "anything"),
]


@pytest.mark.parametrize(
    ("username", "path", "name"),
    [c[1:] for c in QUERY_NUL],
    ids=[c[0] for c in QUERY_NUL],
)
def test_a_nul_character_in_a_query_parameter_is_a_400_naming_it(
    small_project, people, username, path, name
):
    response = raw_client(people, username).get(path, {name: "D-RESP\x00"})
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert f'"{name}"' in text and "NUL" in text


def test_a_nul_character_in_an_api_query_parameter_is_a_400_naming_it(small_project, people):
    response = raw_client(people, "rita").get(BASE + "codings/", {"criterion": "D-RESP\x00"})
    assert response.status_code == 400
    assert "criterion" in response.json()


def test_a_nul_character_in_a_query_parameter_name_is_a_400(small_project, people):
    response = raw_client(people, "carl").get("/p/small/evidence/?crit%00erion=x")
    assert response.status_code == 400


def nested(depth: int, leaf="x"):
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


DEEP = 200


def test_csl_nested_hundreds_deep_is_refused_by_the_api_naming_the_field(small_project, people):
    before = row_counts()
    body = {"key": "deep", "csl": {"type": "book", "title": "Deep", "note": nested(DEEP)}}
    response = api_call(people, "carl", "post", "sources/", body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "32" in " ".join(response.json()["csl"])
    assert row_counts() == before


def test_an_api_body_nested_past_the_limit_names_the_field(small_project, people):
    body = {"key": "N1", "quote": nested(40)}
    response = api_call(people, "carl", "post", "evidence/", body)
    assert response.status_code == 400
    assert "32" in " ".join(response.json()["quote"])


def test_csl_nested_hundreds_deep_is_refused_by_the_paste_page(small_project, people):
    before = row_counts()
    # Variables CSL does not define are kept as given: here, anything at all.
    text = json.dumps([{"id": "deep", "type": "book", "title": "Deep", "custom": nested(DEEP)}])
    response = raw_client(people, "carl").post(
        reverse("cases:source_import", args=["small"]), {"format": "csl-json", "text": text}
    )
    assert response.status_code in (200, 400)
    page = html.unescape(response.content.decode())
    assert 'item 1: "custom" is nested more than 32 levels deep' in page
    assert row_counts() == before


def test_csl_nested_too_deep_for_python_is_refused_by_the_paste_page(small_project, people):
    text = '[{"type": "book", "title": "Deep", "note": ' + "[" * 100_000 + "]" * 100_000 + "}]"
    response = raw_client(people, "carl").post(
        reverse("cases:source_import", args=["small"]), {"format": "csl-json", "text": text}
    )
    assert response.status_code in (200, 400)
    assert "32 levels" in response.content.decode()


def test_csl_nested_hundreds_deep_is_refused_by_the_bundle_import(small_project):
    before = row_counts()
    deep = as_bytes(setter("sources.0.csl.note", nested(DEEP)))
    with pytest.raises(BundleError) as refused:
        import_bundle(parse_bundle(deep))
    assert "sources[0] (doe2020)" in str(refused.value)
    assert "csl" in str(refused.value) and "32 levels" in str(refused.value)
    assert row_counts() == before


TWENTY_FIVE_MIB = 25 * 1024 * 1024


@pytest.mark.parametrize("multipart", [True, False], ids=["multipart", "urlencoded"])
def test_a_25_mib_paste_gets_the_same_size_message_as_an_upload(small_project, people, multipart):
    before = row_counts()
    text = "x" * TWENTY_FIVE_MIB
    client = raw_client(people, "carl")
    url = reverse("cases:source_import", args=["small"])
    if multipart:
        response = client.post(url, {"format": "csl-json", "text": text})
    else:
        body = f"format=csl-json&text={text}"
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    page = response.content.decode()
    assert "The pasted text is too large (" in page
    assert "the limit is 20,480 kB" in page
    assert 'role="alert"' in page
    assert row_counts() == before


def test_any_other_form_too_large_to_read_is_a_413_that_says_so(small_project, people):
    response = raw_client(people, "carl").post(
        reverse("cases:evidence_new", args=["small"]), {"quote": "x" * TWENTY_FIVE_MIB}
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()


# Half of a surrogate pair ("\ud800" in JSON) is not a character: no database can store it.

HALF_PAIR = "The coal \\ud800 treaty."


def test_half_a_surrogate_pair_in_an_api_body_is_a_400_naming_the_field(small_project, people):
    before = row_counts()
    body = json.dumps({**NEW_API_ITEM, "quote": "x"}).replace('"x"', f'"{HALF_PAIR}"')
    response = api_call(people, "carl", "post", "evidence/", body, raw=True)
    assert response.status_code == 400
    assert "U+D800" in response.json()["quote"][0]
    assert row_counts() == before


def test_half_a_surrogate_pair_in_a_bundle_is_refused_naming_the_entry(small_project):
    before = row_counts()
    data = as_bytes().replace(b'"The coal and steel treaty."', f'"{HALF_PAIR}"'.encode())
    with pytest.raises(BundleError) as refused:
        import_bundle(parse_bundle(data))
    assert 'evidence[0] (E1): "quote" contains U+D800' in str(refused.value)
    assert row_counts() == before


def test_half_a_surrogate_pair_in_pasted_csl_is_refused_naming_the_item(small_project, people):
    before = row_counts()
    text = '[{"id": "half", "type": "book", "title": "' + HALF_PAIR + '"}]'
    response = raw_client(people, "carl").post(
        reverse("cases:source_import", args=["small"]), {"format": "csl-json", "text": text}
    )
    assert 'item 1: "title" contains U+D800' in html.unescape(response.content.decode())
    assert row_counts() == before


NEW_API_ITEM = {
    "key": "N1",
    "dyad": "FRA-DEU",
    "date": "1950",
    "source": "doe2020",
    "locator": "1",
    "evidence_type": "event",
}
