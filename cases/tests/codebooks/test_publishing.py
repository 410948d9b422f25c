"""Drafts and publication on the small project: the map's plan applied in one transaction."""

import pytest

from cases.codebooks.drafts import (
    DraftRefused,
    add_draft_criterion,
    add_draft_operation,
    edit_draft_criterion,
    remove_draft_criterion,
    start_draft,
)
from cases.codebooks.marks import open_marks_of
from cases.codebooks.publishing import preview_publication, publish_codebook_version
from cases.codebooks.snapshots import current_number, versions_of
from cases.coding.actions import CodingRefused, save_coding
from cases.models import (
    CodebookVersion,
    Coding,
    Consensus,
    Criterion,
    Evidence,
    PeriodOverride,
    Project,
    PublishedVersionImmutable,
)

MERGED = {
    "code": "D-MERGED",
    "framework": "Deutsch",
    "name": "Merged",
    "group": "Conditions",
    "definition": "Transactions and responsiveness together.",
    "indicators": ["one"],
    "order": 50,
}


def _draft_with_rename_and_merge(project, ada):
    codebook = project.codebook
    add_draft_operation(
        codebook=codebook,
        user=ada,
        operation={"op": "rename", "from": "AB-T3-TRUST", "to": "TRUST"},
    )
    add_draft_criterion(codebook=codebook, user=ada, fields=MERGED)
    add_draft_operation(
        codebook=codebook,
        user=ada,
        operation={"op": "merge", "from": ["AB-T2-TRANS", "D-RESP"], "to": "D-MERGED"},
    )
    return start_draft(codebook=codebook, user=ada)


def _codings(project):
    return {
        (c.evidence.key, c.coder.username, c.criterion.code): (c.value, c.codebook_version)
        for c in Coding.objects.for_project(project).select_related(
            "evidence", "coder", "criterion"
        )
    }


def test_publishing_moves_merges_and_marks_exactly_as_previewed(small_project, people):
    ada = people["ada"]
    draft = _draft_with_rename_and_merge(small_project, ada)
    preview = preview_publication(draft)
    # carl E3 moves (rename); cleo E1 has one value (merged); carl E1 has 2 and 1 (marked).
    assert preview.number == 2
    assert preview.codings.counts() == {"moved": 1, "merged": 1, "marked": 1, "retired": 2}
    # The consensus: 2 on AB-T2-TRANS, "not coded" on D-RESP: 2 is merged, nothing marked.
    assert preview.consensus.counts() == {"moved": 0, "merged": 1, "marked": 0, "retired": 1}
    assert preview.diff["renamed"] == [("AB-T3-TRUST", "TRUST")]

    version = publish_codebook_version(
        codebook=small_project.codebook, user=ada, note="v2", previewed=preview.fingerprint
    )

    assert version.number == 2 and current_number(small_project.codebook) == 2
    codings = _codings(small_project)
    assert codings[("E3", "carl", "TRUST")] == (3, 2)
    assert codings[("E1", "cleo", "D-MERGED")] == (3, 2)
    # carl's two different values stay where they were, in history, and he is asked again.
    assert codings[("E1", "carl", "AB-T2-TRANS")] == (2, 1)
    assert codings[("E1", "carl", "D-RESP")] == (1, 1)
    assert ("E1", "carl", "D-MERGED") not in codings
    marks = open_marks_of(small_project, coder=people["carl"])
    assert [(m.evidence.key, m.targets) for m in marks] == [("E1", ["D-MERGED"])]
    assert "AB-T2-TRANS = 2, D-RESP = 1" in marks[0].reason
    assert open_marks_of(small_project, coder=people["cleo"]) == []
    consensus = Consensus.objects.get(evidence__key="E1", criterion__retired_in=None)
    assert (consensus.criterion.code, consensus.value, consensus.codebook_version) == (
        "D-MERGED",
        2,
        2,
    )
    assert PeriodOverride.objects.get().criterion.code == "TRUST"
    retired = dict(Criterion.objects.values_list("code", "retired_in"))
    assert retired == {
        "AB-T2-TRANS": 2,
        "AB-T3-TRUST": 2,
        "D-RESP": 2,
        "TRUST": None,
        "D-MERGED": None,
    }
    assert [v.number for v in versions_of(small_project.codebook)] == [1, 2]
    assert version.summary["codings"]["marked"] == 1
    small_project.refresh_from_db()
    assert small_project.codebook.version == "2"


def test_a_marked_criterion_is_open_to_its_coder_on_a_decided_item(small_project, people):
    ada, carl = people["ada"], people["carl"]
    draft = _draft_with_rename_and_merge(small_project, ada)
    publish_codebook_version(
        codebook=small_project.codebook,
        user=ada,
        note="",
        previewed=preview_publication(draft).fingerprint,
    )
    item = Evidence.objects.get(key="E1")  # submitted, and decided by a reviewer

    def save(code):
        return save_coding(
            evidence=item,
            criterion=Criterion.objects.get(code=code),
            coder=carl,
            value=2,
            note="",
            version=0,
        )

    with pytest.raises(CodingRefused, match="You have submitted this item"):
        save("TRUST")  # not marked: the submitted item stays closed
    save("D-MERGED")
    assert Coding.objects.get(coder=carl, criterion__code="D-MERGED").codebook_version == 2
    assert open_marks_of(small_project, coder=carl) == []
    with pytest.raises(CodingRefused, match="You have submitted this item"):
        save("D-MERGED")  # the mark is settled: it opened that one code once


def test_publishing_refuses_when_the_codings_changed_since_the_preview(small_project, people):
    ada = people["ada"]
    draft = _draft_with_rename_and_merge(small_project, ada)
    previewed = preview_publication(draft).fingerprint
    Coding.objects.filter(criterion__code="D-RESP").delete()  # carl's E1 is now one value
    with pytest.raises(DraftRefused, match="changed since the preview"):
        publish_codebook_version(
            codebook=small_project.codebook, user=ada, note="", previewed=previewed
        )
    assert CodebookVersion.objects.filter(number=2).count() == 0
    assert Criterion.objects.filter(retired_in__isnull=False).count() == 0


def test_a_published_version_cannot_be_changed_or_deleted(small_project, people):
    draft = _draft_with_rename_and_merge(small_project, people["ada"])
    version = publish_codebook_version(
        codebook=small_project.codebook,
        user=people["ada"],
        note="first",
        previewed=preview_publication(draft).fingerprint,
    )
    version.note = "rewritten"
    with pytest.raises(PublishedVersionImmutable):
        version.save()
    with pytest.raises(PublishedVersionImmutable):
        version.delete()
    assert CodebookVersion.objects.get(pk=version.pk).note == "first"


def test_draft_edits_are_checked_and_name_the_field(small_project, people):
    codebook, ada = small_project.codebook, people["ada"]
    with pytest.raises(DraftRefused, match="code: AB-T2-TRANS is already used"):
        add_draft_criterion(codebook=codebook, user=ada, fields={**MERGED, "code": "AB-T2-TRANS"})
    with pytest.raises(DraftRefused, match=r"^name:"):
        edit_draft_criterion(codebook=codebook, user=ada, code="D-RESP", fields={"name": ""})
    with pytest.raises(DraftRefused, match="retire it instead"):
        remove_draft_criterion(codebook=codebook, user=ada, code="D-RESP")
    edit_draft_criterion(
        codebook=codebook, user=ada, code="D-RESP", fields={"definition": "Now clearer."}
    )
    # The draft is not the codebook: coders keep coding against the published text.
    assert Criterion.objects.get(code="D-RESP").definition != "Now clearer."
    diff = preview_publication(start_draft(codebook=codebook, user=ada)).diff
    assert [c["code"] for c in diff["changed"]] == ["D-RESP"]


def test_a_shared_codebook_is_not_versioned_from_one_project(small_project, people):
    Project.objects.create(slug="other", name="Other", codebook=small_project.codebook)
    with pytest.raises(DraftRefused, match="shared by several projects"):
        start_draft(codebook=small_project.codebook, user=people["ada"])


def test_no_bulk_write_reaches_a_published_version(small_project):
    versions = CodebookVersion.objects.filter(codebook=small_project.codebook)
    with pytest.raises(PublishedVersionImmutable):
        versions.update(note="rewritten")
    with pytest.raises(PublishedVersionImmutable):
        versions.delete()
    assert versions.get().note == "The codebook as imported."
