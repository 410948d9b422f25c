"""The source pages: the bibliography, the source form and the import. Who may see and change
what (conftest.py's people): everyone in the project reads the bibliography; ada, rita, carl and
cleo add and edit sources; otto (observer) gets 403 on every change; olaf (outsider) gets 404."""

import json
import re

import pytest
from django.urls import reverse

from cases.models import Source
from cases.sources import record_digest

pytestmark = pytest.mark.django_db

EDITORS = ["ada", "rita", "carl", "cleo"]
CHANGE_VIEWS = ["source_new", "source_import", "source_edit"]


def url(name: str, slug: str = "small", **kwargs) -> str:
    return reverse(f"cases:{name}", kwargs={"slug": slug, **kwargs})


def doe(project) -> Source:
    return Source.objects.get(project=project, key="doe2020")


def view_url(name: str, project) -> str:
    if name == "source_edit":
        return url(name, pk=doe(project).pk)
    return url(name)


def form_data(source: Source | None = None, **overrides) -> dict:
    """What the source form posts: the stored values when editing, else a small book."""
    if source is not None:
        from cases.web.forms.sources import SourceForm

        data = {k: v for k, v in SourceForm(project=source.project, source=source).initial.items()}
    else:
        data = {"key": "smith2019", "type": "book", "title": "Trust", "authors": "Smith, Ann"}
    data.update(overrides)
    return data


def preview(client, text: str, fmt: str = "auto"):
    return client.post(url("source_import"), {"text": text, "format": fmt})


def confirm(client, response):
    """Confirm a preview as its page would: the same text and the preview's fingerprint."""
    form = response.context["form"]
    return client.post(
        url("source_import"),
        {
            "text": form.cleaned_data["text"],
            "format": form.detected_format,
            "plan": form.plan_digest,
            "confirm": "1",
        },
    )


# --- Who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bibliography", *CHANGE_VIEWS])
def test_anonymous_visitors_are_sent_to_sign_in(client, small_project, name):
    address = view_url(name, small_project)
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={address}"


@pytest.mark.parametrize("name", ["bibliography", *CHANGE_VIEWS])
def test_outsiders_get_404_on_every_source_page(client, people, small_project, name):
    client.force_login(people["olaf"])
    assert client.get(view_url(name, small_project)).status_code == 404
    assert client.post(view_url(name, small_project), form_data()).status_code == 404


@pytest.mark.parametrize("name", CHANGE_VIEWS)
def test_observers_read_but_may_not_add_edit_or_import(client, people, small_project, name):
    client.force_login(people["otto"])
    assert client.get(view_url(name, small_project)).status_code == 403
    assert client.post(view_url(name, small_project), form_data()).status_code == 403
    assert Source.objects.count() == 1


def test_observers_see_the_bibliography_without_edit_links(client, people, small_project):
    client.force_login(people["otto"])
    page = client.get(url("bibliography")).content.decode()
    assert "Neighbours" in page
    assert url("source_new") not in page and "/edit/" not in page


@pytest.mark.parametrize("username", EDITORS)
def test_admins_reviewers_and_coders_may_add_sources(client, people, small_project, username):
    client.force_login(people[username])
    assert client.get(url("source_new")).status_code == 200
    assert client.get(url("source_import")).status_code == 200
    assert client.get(url("source_edit", pk=doe(small_project).pk)).status_code == 200
    response = client.post(url("source_new"), form_data(key=f"{username}2024"))
    assert response.status_code == 302
    assert Source.objects.filter(project=small_project, key=f"{username}2024").exists()


def test_a_source_of_another_project_cannot_be_edited_through_this_one(
    client, people, small_project
):
    foreign = doe(other_project("other"))
    client.force_login(people["ada"])
    assert client.get(url("source_edit", pk=foreign.pk)).status_code == 404
    assert client.post(url("source_edit", pk=foreign.pk), form_data(foreign)).status_code == 404


# --- The bibliography -------------------------------------------------------------------------


def test_the_bibliography_is_in_chicago_author_date_by_default(client, people, small_project):
    client.force_login(people["carl"])
    page = client.get(url("bibliography")).content.decode()
    assert '<p class="bib-entry">Doe, Jane. 2020. <i>Neighbours</i>.</p>' in page


def test_the_bibliography_shows_keys_counts_and_the_style(client, people, small_project):
    client.force_login(people["carl"])
    response = client.get(url("bibliography"))
    page = response.content.decode()
    assert "1 source · Chicago (author-date)" in page
    assert '<code class="key">doe2020</code>' in page
    assert "cited by 3 evidence items" in page
    assert url("source_edit", pk=doe(small_project).pk) in page


def test_the_bibliography_follows_the_project_s_style(client, people, small_project):
    small_project.citation_style = "apa"
    small_project.save()
    client.force_login(people["carl"])
    page = client.get(url("bibliography")).content.decode()
    assert '<p class="bib-entry">Doe, J. (2020). <i>Neighbours</i>.</p>' in page
    assert "1 source · APA" in page


def test_works_without_an_author_are_placed_by_their_title(client, people, small_project):
    for key, csl in {
        "zed": {"type": "book", "title": "Zed", "author": [{"family": "Aaron"}]},
        "anon": {"type": "book", "title": "Borders"},
        "late": {"type": "book", "title": "Walls", "author": [{"family": "Young"}]},
    }.items():
        Source.objects.create(project=small_project, key=key, csl=csl)
    client.force_login(people["otto"])
    page = client.get(url("bibliography")).content.decode()
    keys = re.findall(r'<code class="key">(\w+)</code>', page)
    assert keys == ["zed", "anon", "doe2020", "late"]


def test_an_unknown_style_falls_back_to_chicago_and_says_so(client, people, small_project):
    small_project.citation_style = "no-such-style"
    small_project.save()
    client.force_login(people["carl"])
    page = client.get(url("bibliography")).content.decode()
    assert "“no-such-style”, is not installed here" in page
    assert "<i>Neighbours</i>" in page


def test_markup_in_a_record_is_shown_as_text(client, people, small_project):
    Source.objects.create(
        project=small_project,
        key="xss",
        csl={
            "type": "book",
            "title": "<script>alert(1)</script> & <b>bold</b>",
            "author": [{"family": "<img src=x>"}],
        },
    )
    client.force_login(people["ada"])
    for address in (url("bibliography"), url("source_edit", pk=Source.objects.get(key="xss").pk)):
        page = client.get(address).content.decode()
        assert "<script>alert" not in page and "<b>bold" not in page and "<img src=x>" not in page
        assert "&lt;script&gt;" in page and "&lt;img src=x&gt;" in page


def other_project(slug: str, *sections: str):
    """Another project with the same people; the named sections of the bundle left empty."""
    from cases.bundles import import_bundle
    from cases.tests.bundle_factory import small_bundle

    bundle = small_bundle()
    bundle["project"].update(slug=slug, name=slug.title())
    for section in ("codings", "consensus", "period_overrides", "stage_judgments", *sections):
        bundle[section] = []
    return import_bundle(bundle)


def test_an_empty_bibliography_invites_an_import(client, people, small_project):
    other_project("empty", "sources", "evidence")
    client.force_login(people["rita"])
    page = client.get(url("bibliography", slug="empty")).content.decode()
    assert "No sources yet." in page and "0 sources" in page
    assert url("source_import", slug="empty") in page


def test_the_bibliography_takes_a_bounded_number_of_queries(
    client, people, small_project, django_assert_max_num_queries
):
    Source.objects.bulk_create(
        Source(
            project=small_project,
            key=f"author{i:02d}",
            csl={
                "type": "article-journal",
                "title": f"Article {i}",
                "author": [{"family": f"Author{i:02d}", "given": "Ann"}],
                "container-title": "Journal",
                "issued": {"date-parts": [[1990 + i % 30]]},
            },
            authors=f"Author{i:02d}",
            year=1990 + i % 30,
        )
        for i in range(59)
    )
    client.force_login(people["carl"])
    # With the database cache, the formatted bibliography is read from and written to its table.
    with django_assert_max_num_queries(10):
        page = client.get(url("bibliography")).content.decode()
    assert "60 sources" in page
    # Each entry sits beside its own key: the formatter keeps the order it is given.
    for i in range(59):
        entry = page.index(f"Author{i:02d}, A")
        assert page.index(f'<code class="key">author{i:02d}</code>', entry) - entry < 400


# --- Adding and editing by form -----------------------------------------------------------------


def test_the_form_builds_the_csl_record(client, people, small_project):
    client.force_login(people["carl"])
    response = client.post(
        url("source_new"),
        form_data(
            key="karayel2024",
            type="article-journal",
            authors="Karayel, Zehra",
            title="Türkiye–Azerbaijan Relations",
            container_title="Bilig",
            volume="20",
            issue="49",
            page="380–400",
            year="2024",
            doi="https://doi.org/10.12995/bilig.2024.49.1",
        ),
    )
    source = Source.objects.get(key="karayel2024")
    assert response.status_code == 302
    assert response["Location"] == url("bibliography") + f"#source-{source.pk}"
    assert source.csl == {
        "type": "article-journal",
        "author": [{"family": "Karayel", "given": "Zehra"}],
        "title": "Türkiye–Azerbaijan Relations",
        "container-title": "Bilig",
        "volume": "20",
        "issue": "49",
        "page": "380–400",
        "issued": {"date-parts": [[2024]]},
        "DOI": "10.12995/bilig.2024.49.1",
    }
    assert (source.authors, source.year) == ("Karayel", 2024)


@pytest.mark.parametrize("key", ["doe2020", "DOE2020"])
def test_a_key_the_project_already_has_is_refused(client, people, small_project, key):
    client.force_login(people["carl"])
    response = client.post(url("source_new"), form_data(key=key))
    assert response.status_code == 200
    assert "&quot;doe2020&quot; is already a source of this project: choose another key" in (
        response.content.decode()
    )
    assert Source.objects.count() == 1


def test_bad_form_values_are_named_by_field_and_nothing_is_saved(client, people, small_project):
    client.force_login(people["carl"])
    response = client.post(
        url("source_new"), form_data(key="bad key", year="20x4", doi="nope", title="")
    )
    errors = response.context["form"].errors
    assert errors["key"] == [
        '"bad key" cannot be a key: use letters, digits and _ - : . + only, '
        "starting with a letter or digit"
    ]
    assert errors["year"] == ["write a year (2024) or a date (2024-03-15)"]
    assert errors["doi"] == ["a DOI looks like 10.1080/14683857.2024.2345678"]
    assert "title" in errors
    assert "Nothing was saved" in response.content.decode()
    assert Source.objects.count() == 1


def test_editing_keeps_the_parts_of_the_record_the_form_does_not_show(
    client, people, small_project
):
    source = doe(small_project)
    source.csl = {
        **source.csl,
        "note": "Cited at p. 12.",
        "custom": {"x": [1]},
        "issued": {"date-parts": [[2020, 5, 1]]},
    }
    source.save()
    client.force_login(people["rita"])
    response = client.post(
        url("source_edit", pk=source.pk), form_data(source, title="Good Neighbours")
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.csl == {
        "type": "book",
        "title": "Good Neighbours",
        "author": [{"family": "Doe", "given": "Jane"}],
        "issued": {"date-parts": [[2020, 5, 1]]},
        "note": "Cited at p. 12.",
        "custom": {"x": [1]},
    }
    assert source.title == "Good Neighbours"


def test_renaming_a_key_keeps_the_evidence_linked(client, people, small_project):
    source = doe(small_project)
    client.force_login(people["ada"])
    client.post(url("source_edit", pk=source.pk), form_data(source, key="doe2020b"))
    source.refresh_from_db()
    assert source.key == "doe2020b" and source.evidence.count() == 3


def test_a_stale_edit_is_refused_and_a_second_save_is_deliberate(client, people, small_project):
    source = doe(small_project)
    client.force_login(people["carl"])
    opened = form_data(source, title="Carl's title")  # the form as carl opened it
    # Meanwhile cleo saves a change.
    source.csl = {**source.csl, "title": "Cleo's title"}
    source.save()

    response = client.post(url("source_edit", pk=source.pk), opened)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone changed this source after you opened it, so nothing was saved." in page
    assert "Stored now, by someone else" in page and "Cleo's Title" in page  # their version
    source.refresh_from_db()
    assert source.csl["title"] == "Cleo's title"

    # The form now carries the stored version's fingerprint: saving again is a choice.
    again = response.context["form"].data
    assert again["csl_digest"] == record_digest(source.key, source.csl)
    assert client.post(url("source_edit", pk=source.pk), again).status_code == 302
    source.refresh_from_db()
    assert source.csl["title"] == "Carl's title"


def test_an_edit_form_for_another_csl_type_keeps_that_type(client, people, small_project):
    source = doe(small_project)
    source.csl = {**source.csl, "type": "legal_case"}
    source.save()
    client.force_login(people["ada"])
    page = client.get(url("source_edit", pk=source.pk)).content.decode()
    assert '<option value="legal_case" selected>legal_case</option>' in page
    client.post(url("source_edit", pk=source.pk), form_data(source, volume="3"))
    source.refresh_from_db()
    assert source.csl["type"] == "legal_case" and source.csl["volume"] == "3"


# --- Importing --------------------------------------------------------------------------------

ZOTERO_CSL = [
    {
        "id": "http://zotero.org/users/local/aB3dE/items/Q7RZ2K9M",
        "type": "article-journal",
        "title": "Türkiye–Azerbaijan Relations",
        "container-title": "Bilig",
        "volume": 20,
        "issue": "49",
        "page": "380-400",
        "author": [{"family": "Karayel", "given": "Zehra"}],
        "issued": {"date-parts": [["2024"]]},
    },
    {
        "citation-key": "adlerbarnett1998",
        "type": "book",
        "title": "Security Communities",
        "publisher": "Cambridge University Press",
        "author": [
            {"family": "Adler", "given": "Emanuel"},
            {"family": "Barnett", "given": "Michael"},
        ],
        "issued": {"date-parts": [[1998]]},
    },
]
BIBTEX = r"""@incollection{wiberg1998,
  author = {Wiberg, H{\aa}kan},
  title = {The {Nordic} Countries: A Special Kind of System?},
  booktitle = {Security Communities},
  publisher = {Cambridge University Press},
  pages = {69--97},
  year = {1998}
}
@misc{mfa2020,
  author = {{Ministry of Foreign Affairs of T{\"u}rkiye}},
  title = {Relations between {T}{\"u}rkiye and {Azerbaijan}},
  url = {https://www.mfa.gov.tr/relations},
  urldate = {2024-05-01},
  year = {2020}
}
"""


def test_a_csl_json_paste_is_previewed_then_created(client, people, small_project):
    client.force_login(people["carl"])
    response = preview(client, json.dumps(ZOTERO_CSL))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Preview: 2 new sources" in page and "Read from CSL-JSON" in page
    assert "karayel2024" in page and "generated" in page and "adlerbarnett1998" in page
    assert "Karayel, Z" in page and "<i>Bilig</i>" in page  # formatted entries
    assert Source.objects.count() == 1  # nothing yet

    response = confirm(client, response)
    assert response.status_code == 302 and response["Location"] == url("bibliography")
    karayel = Source.objects.get(key="karayel2024")
    assert karayel.csl == {
        "type": "article-journal",
        "title": "Türkiye–Azerbaijan Relations",
        "container-title": "Bilig",
        "volume": "20",
        "issue": "49",
        "page": "380-400",
        "author": [{"family": "Karayel", "given": "Zehra"}],
        "issued": {"date-parts": [[2024]]},
    }
    assert (karayel.title, karayel.authors, karayel.year) == (
        "Türkiye–Azerbaijan Relations",
        "Karayel",
        2024,
    )
    adler = Source.objects.get(key="adlerbarnett1998")
    assert adler.authors == "Adler; Barnett"
    page = client.get(url("bibliography")).content.decode()
    assert "Imported 2 sources." in page and "3 sources" in page


def test_a_bibtex_paste_is_previewed_then_created(client, people, small_project):
    client.force_login(people["rita"])
    response = preview(client, BIBTEX)
    assert "Read from BibTeX" in response.content.decode()
    confirm(client, response)
    wiberg = Source.objects.get(key="wiberg1998")
    assert wiberg.csl == {
        "type": "chapter",
        "author": [{"family": "Wiberg", "given": "Håkan"}],
        "title": "The Nordic Countries: A Special Kind of System?",
        "publisher": "Cambridge University Press",
        "container-title": "Security Communities",
        "page": "69–97",
        "issued": {"date-parts": [[1998]]},
    }
    mfa = Source.objects.get(key="mfa2020")
    assert mfa.csl["type"] == "webpage"
    assert mfa.csl["author"] == [{"literal": "Ministry of Foreign Affairs of Türkiye"}]
    assert mfa.csl["accessed"] == {"date-parts": [[2024, 5, 1]]}
    assert mfa.csl["URL"] == "https://www.mfa.gov.tr/relations"


def test_a_file_can_be_uploaded_instead_of_pasted(client, people, small_project):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(people["ada"])
    upload = SimpleUploadedFile("library.bib", ("\ufeff" + BIBTEX).encode("utf-8"))
    response = client.post(url("source_import"), {"file": upload, "format": "auto"})
    assert "Preview: 2 new sources" in response.content.decode()
    confirm(client, response)
    assert Source.objects.filter(key__in=["wiberg1998", "mfa2020"]).count() == 2


def test_a_bad_csl_json_paste_names_the_item_and_writes_nothing(client, people, small_project):
    bad = [ZOTERO_CSL[0], {**ZOTERO_CSL[1], "issued": {"date-parts": "1998"}}]
    client.force_login(people["carl"])
    response = preview(client, json.dumps(bad))
    page = response.content.decode()
    assert "Nothing was imported. In the CSL-JSON:" in page
    assert (
        "item 2: &quot;issued&quot; must be {&quot;date-parts&quot;: [[year, month, day]]}" in page
    )
    assert "Preview" not in page.split("<h1>")[1].split("</h1>")[0]
    # Confirming a tampered text changes nothing either.
    client.post(
        url("source_import"),
        {"text": json.dumps(bad), "format": "auto", "plan": "x", "confirm": "1"},
    )
    assert Source.objects.count() == 1


def test_a_bad_bibtex_paste_names_the_line_and_writes_nothing(client, people, small_project):
    client.force_login(people["carl"])
    broken = BIBTEX.replace("  pages = {69--97},\n", "  pages = {69--97}\n")
    response = preview(client, broken)
    assert (
        "line 7: a comma is missing after the &quot;pages&quot; field (from line 6) of "
        "@incollection{wiberg1998, …}"
    ) in response.content.decode()
    assert Source.objects.count() == 1


def test_text_in_neither_format_asks_for_the_format(client, people, small_project):
    client.force_login(people["carl"])
    page = preview(client, "Doe, Jane. 2020. Neighbours.").content.decode()
    assert "This is neither CSL-JSON (which starts with [ or {) nor BibTeX" in page
    forced = preview(client, "Doe, Jane. 2020. Neighbours.", fmt="bibtex").content.decode()
    assert "no BibTeX entries found" in forced


def test_records_already_in_the_project_are_listed_and_skipped(client, people, small_project):
    items = [{"id": "DOE2020", "type": "book", "title": "Neighbours"}, ZOTERO_CSL[1]]
    client.force_login(people["carl"])
    response = preview(client, json.dumps(items))
    page = response.content.decode()
    assert (
        "Preview: 1 new source" in page
        and "1 record already in the project will be skipped" in page
    )
    assert "Skipped: the key is already in the project" in page
    confirm(client, response)
    assert sorted(Source.objects.values_list("key", flat=True)) == ["adlerbarnett1998", "doe2020"]
    assert doe(small_project).csl["author"] == [{"family": "Doe", "given": "Jane"}]  # untouched
    assert (
        "Skipped 1 already in the project: doe2020."
        in client.get(url("bibliography")).content.decode()
    )


def test_a_paste_of_only_existing_keys_is_refused(client, people, small_project):
    client.force_login(people["carl"])
    page = preview(client, '{"id": "doe2020", "type": "book", "title": "N"}').content.decode()
    assert "Every record&#x27;s key is already in this project" in page


def test_a_preview_that_no_longer_holds_is_not_confirmed(client, people, small_project):
    client.force_login(people["carl"])
    response = preview(client, json.dumps(ZOTERO_CSL))
    # Someone adds adlerbarnett1998 by hand before carl confirms.
    Source.objects.create(
        project=small_project, key="adlerbarnett1998", csl={"type": "book", "title": "A"}
    )
    response = confirm(client, response)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The project's sources changed after this preview was made" in page
    assert "Preview: 1 new source" in page
    assert not Source.objects.filter(key="karayel2024").exists()


def test_back_from_the_preview_keeps_the_text(client, people, small_project):
    client.force_login(people["carl"])
    response = client.post(url("source_import"), {"text": BIBTEX, "format": "bibtex", "edit": "1"})
    form = response.context["form"]
    assert not form.is_bound and form.initial["text"] == BIBTEX
    assert "wiberg1998" in response.content.decode()


def test_pasted_text_over_the_upload_limit_is_refused(client, people, small_project, settings):
    settings.SCCODER_MAX_UPLOAD_BYTES = 1000
    client.force_login(people["carl"])
    page = preview(client, "@" + "x" * 2047).content.decode()
    assert "The pasted text is too large (2.0 kB; the limit is 0.9 kB)." in page
    assert Source.objects.count() == 1
