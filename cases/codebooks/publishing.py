"""Publishing a draft: the preview of what it will do, and the one action that does it.

The preview and the publication compute the same plan (``cases.codebooks.plan``) from the
codings as they are; the page carries the preview's fingerprint, and publishing refuses when the
plan made at that moment is not the one previewed, so nothing happens that was not shown.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from cases.codebooks.diff import diff_versions
from cases.codebooks.drafts import DraftRefused, check_not_shared, draft_criteria
from cases.codebooks.plan import (
    MapRefused,
    Plan,
    Row,
    check_map,
    fingerprint,
    plan_migration,
    retired_by,
    targets_of,
)
from cases.codebooks.snapshots import current_number, snapshot_of
from cases.models import (
    Codebook,
    CodebookDraft,
    CodebookVersion,
    Coding,
    Consensus,
    Criterion,
    PeriodOverride,
    RecodingMark,
)


@dataclass(frozen=True)
class Preview:
    number: int
    codings: Plan
    consensus: Plan
    diff: dict
    fingerprint: str


def _named_codes(operations: list[dict]) -> set[str]:
    return retired_by(operations) | {code for op in operations for code in targets_of(op)}


def _rows(model, codebook: Codebook, codes: set[str], *, per_coder: bool) -> list[Row]:
    fields = ["pk", "evidence_id", "coder_id" if per_coder else "pk", "criterion__code", "value"]
    rows = model.objects.filter(criterion__codebook=codebook, criterion__code__in=codes)
    return [
        Row(pk, item, coder if per_coder else None, code, value)
        for pk, item, coder, code, value in rows.order_by("pk").values_list(*fields)
    ]


def preview_publication(draft: CodebookDraft) -> Preview:
    """What publishing the draft would do now, in a fixed number of queries."""
    codebook = draft.codebook
    operations = draft.operations
    old = snapshot_of(codebook)
    try:
        check_map(
            operations,
            old={c["code"] for c in old["criteria"] if not c["retired"]},
            new={c["code"] for c in draft.criteria},
        )
    except MapRefused as refused:
        raise DraftRefused(str(refused)) from None
    codes = _named_codes(operations)
    codings = plan_migration(operations, _rows(Coding, codebook, codes, per_coder=True))
    consensus = plan_migration(operations, _rows(Consensus, codebook, codes, per_coder=False))
    new = {"criteria": draft_criteria(draft), "scale": old["scale"]}
    return Preview(
        number=current_number(codebook) + 1,
        codings=codings,
        consensus=consensus,
        diff=diff_versions(old, new, operations),
        fingerprint=fingerprint(codings, consensus),
    )


def publish_codebook_version(
    *, codebook: Codebook, user, note: str, previewed: str
) -> CodebookVersion:
    """Publish the draft as the next version and apply its map, all or nothing."""
    with transaction.atomic():
        Codebook.objects.select_for_update().filter(pk=codebook.pk).first()
        check_not_shared(codebook)
        draft = CodebookDraft.objects.filter(codebook=codebook).first()
        if draft is None:
            raise DraftRefused("There is no draft to publish.")
        preview = preview_publication(draft)
        if preview.fingerprint != previewed:
            raise DraftRefused(
                "The codings changed since the preview: look at the new preview before publishing."
            )
        if not codebook.versions.exists():  # keep version 1 as it stood
            CodebookVersion.objects.create(
                codebook=codebook,
                number=1,
                published_at=timezone.now(),
                snapshot=snapshot_of(codebook),
                note="The codebook as it stood before its first publication in sccoder.",
            )
        number = preview.number
        criteria = _apply_criteria(codebook, draft, number)
        _apply_plan(Coding, preview.codings, criteria, number)
        _apply_plan(Consensus, preview.consensus, criteria, number)
        _move_overrides(codebook, draft.operations, criteria)
        version = CodebookVersion.objects.create(
            codebook=codebook,
            number=number,
            published_at=timezone.now(),
            published_by=user,
            note=note,
            snapshot=snapshot_of(codebook),
            operations=draft.operations,
            summary={
                "codings": preview.codings.counts(),
                "consensus": preview.consensus.counts(),
            },
        )
        _mark(version, preview.codings, preview.consensus)
        Codebook.objects.filter(pk=codebook.pk).update(version=str(number))
        draft.delete()
    codebook.refresh_from_db()
    return version


def _apply_criteria(codebook: Codebook, draft: CodebookDraft, number: int) -> dict[str, int]:
    """Write the draft's criteria: texts edited, new ones added, retired ones marked."""
    stored = {c.code: c for c in Criterion.objects.filter(codebook=codebook)}
    for entry in draft_criteria(draft):
        criterion = stored.get(entry["code"])
        if criterion is None:
            criterion = Criterion(codebook=codebook, code=entry["code"])
            criterion.framework = entry["framework"]
            criterion.carry_forward = entry.get("carry_forward", False)
            stored[entry["code"]] = criterion
        changed = criterion.pk is None
        for name in ("name", "group", "definition", "indicators", "order"):
            changed |= getattr(criterion, name) != entry[name]
            setattr(criterion, name, entry[name])
        if entry["retired"] and criterion.retired_in is None:
            criterion.retired_in, changed = number, True
        if changed:  # an unchanged criterion gets no new history row
            criterion.full_clean(exclude=["codebook"])
            criterion.save()
    return {code: c.pk for code, c in stored.items()}


def _apply_plan(model, plan: Plan, criteria: dict[str, int], number: int) -> None:
    """Move the rows the plan moves (renames and merges) to their new criterion, each row's
    version claimed anew so that a page still showing the old one is told, not overwritten."""
    targets = dict(plan.moves + plan.merges)
    rows = list(model.objects.filter(pk__in=list(targets)))
    for row in rows:
        row.criterion_id = criteria[targets[row.pk]]
        row.codebook_version = number
        row.version += 1
    bulk_update_with_history(
        rows, model, ["criterion", "codebook_version", "version"], batch_size=500
    )


def _move_overrides(codebook: Codebook, operations: list[dict], criteria: dict[str, int]) -> None:
    """A reviewer's period override follows its criterion's rename; after a merge or a split
    it stays on the retired criterion, in history, for a reviewer to set again."""
    for op in operations:
        if op["op"] == "rename":
            PeriodOverride.objects.filter(
                criterion__codebook=codebook, criterion__code=op["from"]
            ).update(criterion_id=criteria[op["to"]])


def _mark(version: CodebookVersion, *plans: Plan) -> None:
    RecodingMark.objects.bulk_create(
        RecodingMark(
            evidence_id=mark.item,
            coder_id=mark.coder,
            codebook_version=version,
            targets=list(mark.targets),
            reason=mark.reason,
        )
        for plan in plans
        for mark in plan.marks
    )
