"""The codebook version pages and API, tried by every role: only an admin edits the draft and
publishes; a published version is read by every member and changed by nobody, by any route."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from cases.codebooks.drafts import start_draft
from cases.codebooks.publishing import preview_publication
from cases.models import CodebookDraft, CodebookVersion, Coding, Criterion, Evidence

SLUG = "small"


def client_for(people, username):
    client = Client()
    client.force_login(people[username])
    return client


def draft_url():
    return reverse("cases:codebook_draft", args=[SLUG])


def publish_url():
    return reverse("cases:codebook_publish", args=[SLUG])


def post_draft(client, **data):
    return client.post(draft_url(), data)


def walk_to_preview(ada):
    """Rename AB-T3-TRUST to TRUST, add D-MERGED, merge AB-T2-TRANS and D-RESP into it."""
    post_draft(ada, action="start")
    post_draft(ada, action="operation", op="rename", source="AB-T3-TRUST", target="TRUST")
    post_draft(
        ada,
        action="add",
        code="D-MERGED",
        name="Merged",
        framework="Deutsch",
        group="Conditions",
        definition="Transactions and responsiveness together.",
        indicators="one\ntwo",
        order="50",
    )
    post_draft(ada, action="operation", op="merge", source="AB-T2-TRANS D-RESP", target="D-MERGED")
    return ada.get(publish_url())


def test_an_admin_edits_previews_and_publishes(small_project, people):
    ada = client_for(people, "ada")
    preview = walk_to_preview(ada)
    assert preview.status_code == 200
    counts = preview.context["codings"]
    assert counts == {"moved": 1, "merged": 1, "marked": 1, "retired": 2}
    page = preview.content.decode()
    assert "rename AB-T3-TRUST → TRUST" in page and "merge AB-T2-TRANS, D-RESP → D-MERGED" in page
    assert "E1 (carl): AB-T2-TRANS, D-RESP were merged into D-MERGED with different values" in page

    done = ada.post(
        publish_url(), {"previewed": preview.context["preview"].fingerprint, "note": "Merged."}
    )
    assert done.status_code == 302 and done["Location"].endswith("?from=1&to=2")
    version = CodebookVersion.objects.get(number=2)
    assert (version.note, version.published_by.username) == ("Merged.", "ada")
    assert version.summary["codings"] == counts
    assert not CodebookDraft.objects.exists()

    diff = ada.get(done["Location"]).content.decode()
    assert '<code class="del">AB-T3-TRUST</code> → <code class="ins">TRUST</code>' in diff
    assert '<code class="del">AB-T2-TRANS</code> + <code class="del">D-RESP</code>' in diff


def test_a_stale_preview_is_refused_and_nothing_is_written(small_project, people):
    ada = client_for(people, "ada")
    preview = walk_to_preview(ada)
    Coding.objects.filter(criterion__code="D-RESP").delete()
    answer = ada.post(
        publish_url(), {"previewed": preview.context["preview"].fingerprint}, follow=True
    )
    assert "The codings changed since the preview" in answer.content.decode()
    assert not CodebookVersion.objects.filter(number=2).exists()
    assert Criterion.objects.filter(retired_in__isnull=False).count() == 0


@pytest.mark.parametrize("username", ["rita", "carl", "otto"])
def test_other_roles_cannot_edit_or_publish(small_project, people, username):
    ada = client_for(people, "ada")
    fingerprint = walk_to_preview(ada).context["preview"].fingerprint
    before = CodebookDraft.objects.get().operations
    client = client_for(people, username)
    for data in (
        {"action": "start"},
        {"action": "discard"},
        {"action": "operation", "op": "retire", "source": "D-RESP"},
        {"action": "edit", "code": "D-RESP", "name": "Hijacked", "group": "g", "order": "1"},
        {"action": "add", "code": "X-NEW", "name": "x", "framework": "f", "group": "g"},
    ):
        assert post_draft(client, **data).status_code == 403
    assert client.get(draft_url()).status_code == 403
    assert client.get(publish_url()).status_code == 403
    assert client.post(publish_url(), {"previewed": fingerprint}).status_code == 403
    assert CodebookDraft.objects.get().operations == before
    assert not CodebookVersion.objects.filter(number=2).exists()


def test_an_outsider_gets_404_everywhere(small_project, people):
    olaf = client_for(people, "olaf")
    for url in (
        draft_url(),
        publish_url(),
        reverse("cases:codebook_versions", args=[SLUG]),
        reverse("cases:codebook_diff", args=[SLUG]),
        reverse("cases:codebook_version_qdc", args=[SLUG, 1]),
        f"/api/projects/{SLUG}/codebook/versions/",
    ):
        assert olaf.get(url).status_code == 404, url
    assert post_draft(olaf, action="start").status_code == 404
    assert not CodebookDraft.objects.exists()


def test_draft_refusals_name_the_field_and_write_nothing(small_project, people):
    ada = client_for(people, "ada")
    post_draft(ada, action="start")
    answer = post_draft(ada, action="operation", op="rename", source="AB-T3-TRUST", target="D-RESP")
    assert answer.status_code == 302
    page = ada.get(draft_url()).content.decode()
    assert "D-RESP already exists; merge into it instead of renaming." in page
    assert CodebookDraft.objects.get().operations == []
    post_draft(ada, action="edit", code="D-RESP", name="", group="g", order="x")
    assert "order: a whole number" in ada.get(draft_url()).content.decode()


def published(small_project, people):
    ada = client_for(people, "ada")
    fingerprint = walk_to_preview(ada).context["preview"].fingerprint
    ada.post(publish_url(), {"previewed": fingerprint})
    return CodebookVersion.objects.get(number=2)


def test_a_published_version_is_immutable_in_the_api(small_project, people):
    published(small_project, people)
    url = f"/api/projects/{SLUG}/codebook/versions/"
    ada = client_for(people, "ada")
    listed = ada.get(url).json()["results"]
    assert [v["number"] for v in listed] == [1, 2]
    assert listed[1]["operations"][0] == {"op": "rename", "from": "AB-T3-TRUST", "to": "TRUST"}
    assert listed[1]["published_by"] == "ada"
    for method in ("post", "put", "patch", "delete"):
        assert getattr(ada, method)(url, {}, content_type="application/json").status_code == 405
        carl = client_for(people, "carl")
        assert getattr(carl, method)(url, {}, content_type="application/json").status_code == 403
    assert CodebookVersion.objects.get(number=2).note == ""


def test_a_published_version_is_immutable_in_the_admin(small_project, people):
    version = published(small_project, people)
    root = get_user_model().objects.create_superuser("root", password="x")
    client = Client()
    client.force_login(root)
    change = reverse("admin:cases_codebookversion_change", args=[version.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change, {"note": "rewritten"}).status_code == 403
    delete = reverse("admin:cases_codebookversion_delete", args=[version.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:cases_codebookversion_add")).status_code == 403
    assert CodebookVersion.objects.get(pk=version.pk).note == ""


def test_marks_reach_their_coder_and_reviewers_only(small_project, people):
    published(small_project, people)
    carl, cleo = client_for(people, "carl"), client_for(people, "cleo")
    e1 = Evidence.objects.get(key="E1")
    queue = carl.get(reverse("cases:queue", args=[SLUG]) + "?show=all").content.decode()
    assert "asks you to code 1 item again" in queue
    page = carl.get(reverse("cases:code", args=[SLUG, e1.pk])).content.decode()
    assert "AB-T2-TRANS = 2, D-RESP = 1" in page and "Code D-MERGED" in page
    # cleo was recoded without a mark; she never sees carl's values.
    for url in (
        reverse("cases:queue", args=[SLUG]) + "?show=all",
        reverse("cases:code", args=[SLUG, e1.pk]),
        reverse("cases:codebook_versions", args=[SLUG]),
    ):
        text = cleo.get(url).content.decode()
        assert "re-code" not in text and "D-RESP = 1" not in text, url
    assert (
        "Marked for re-coding"
        not in carl.get(reverse("cases:codebook_versions", args=[SLUG])).content.decode()
    )
    rita = client_for(people, "rita").get(reverse("cases:codebook_versions", args=[SLUG]))
    assert "AB-T2-TRANS = 2, D-RESP = 1" in rita.content.decode()


def test_a_retired_criterion_takes_no_new_code(small_project, people):
    published(small_project, people)
    e2 = Evidence.objects.get(key="E2")
    cleo = client_for(people, "cleo")
    url = reverse("cases:save_coding", args=[SLUG, e2.pk, "D-RESP"])
    assert cleo.post(url, {"value": "1", "version": "0"}).status_code == 404
    page = cleo.get(reverse("cases:code", args=[SLUG, e2.pk])).content.decode()
    assert 'data-code="D-MERGED"' in page and 'data-code="D-RESP"' not in page
    api = cleo.post(
        f"/api/projects/{SLUG}/codings/",
        {"evidence": "E2", "criterion": "D-RESP", "value": 1},
        content_type="application/json",
    )
    assert api.status_code in (400, 409, 422), api.content
    assert "retired in codebook version 2" in api.content.decode()
    assert not Coding.objects.filter(evidence=e2, criterion__code="D-RESP").exists()


def test_each_version_exports_its_own_qdc(small_project, people):
    published(small_project, people)
    otto = client_for(people, "otto")
    one = otto.get(reverse("cases:codebook_version_qdc", args=[SLUG, 1])).content.decode()
    two = otto.get(reverse("cases:codebook_version_qdc", args=[SLUG, 2])).content.decode()
    assert 'name="AB-T3-TRUST ' in one and 'name="TRUST ' not in one
    assert 'name="TRUST ' in two and 'name="AB-T3-TRUST ' not in two
    assert 'name="D-MERGED Merged"' in two
    assert otto.get(reverse("cases:codebook_version_qdc", args=[SLUG, 3])).status_code == 404
    exports = otto.get(reverse("cases:exports", args=[SLUG])).content.decode()
    assert reverse("cases:codebook_version_qdc", args=[SLUG, 2]) in exports


def test_the_agreement_page_filters_by_codebook_version(small_project, people):
    published(small_project, people)
    rita = client_for(people, "rita")
    url = reverse("cases:review_agreement", args=[SLUG])
    current = rita.get(url)
    assert [line["key"] for line in current.context["criteria"]] == ["TRUST", "D-MERGED"]
    one = rita.get(url + "?codebook_version=1")
    assert [line["key"] for line in one.context["criteria"]] == [
        "AB-T2-TRANS",
        "AB-T3-TRUST",
        "D-RESP",
    ]
    assert "Figures under codebook version 1" in one.content.decode()
    bad = rita.get(url + "?codebook_version=9").content.decode()
    assert "codebook_version: no version 9" in bad


def test_the_draft_is_not_what_coders_code_against(small_project, people):
    draft = start_draft(codebook=small_project.codebook, user=people["ada"])
    assert preview_publication(draft).codings.counts() == {
        "moved": 0,
        "merged": 0,
        "marked": 0,
        "retired": 0,
    }
    post_draft(
        client_for(people, "ada"),
        action="edit",
        code="D-RESP",
        name="Renamed in draft",
        group="g",
        order="3",
    )
    page = client_for(people, "carl").get(reverse("cases:codebook", args=[SLUG]))
    assert "Renamed in draft" not in page.content.decode()


def test_the_agreement_api_filters_by_codebook_version(small_project, people):
    published(small_project, people)
    url = f"/api/projects/{SLUG}/agreement/"
    rita = client_for(people, "rita")

    def criteria(query=""):
        rows = rita.get(url + query).json()["results"]
        return sorted({r["key"] for r in rows if r["scope"] == "criterion"})

    assert criteria() == ["D-MERGED", "TRUST"]
    assert criteria("?codebook_version=1") == ["AB-T2-TRANS", "AB-T3-TRUST", "D-RESP"]
    bad = rita.get(url + "?codebook_version=7")
    assert bad.status_code == 400
    assert bad.json()["codebook_version"] == ["No codebook version '7'; the versions are 1, 2."]
    assert client_for(people, "carl").get(url + "?codebook_version=1").status_code == 403
