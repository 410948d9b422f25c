"""The draft of a codebook's next version: the one place its edits are made, for the page (and
any other entry point). Published criteria are never edited in place: the draft is."""

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.codebooks.plan import MapRefused, check_map, retired_by
from cases.codebooks.snapshots import snapshot_of
from cases.models import Codebook, CodebookDraft, Criterion

EDITABLE = ("name", "group", "definition", "indicators", "order")


class DraftRefused(Exception):
    """The draft edit is not allowed; the message names the field or the code."""


def check_not_shared(codebook: Codebook) -> None:
    if codebook.projects.count() > 1:
        raise DraftRefused(
            "This codebook is shared by several projects: a new version would change their "
            "codings too. Give this project its own codebook first."
        )


def draft_for(codebook: Codebook) -> CodebookDraft | None:
    return CodebookDraft.objects.filter(codebook=codebook).first()


def start_draft(*, codebook: Codebook, user) -> CodebookDraft:
    """The codebook's draft, started from the criteria as they stand when there is none."""
    check_not_shared(codebook)
    draft, _ = CodebookDraft.objects.get_or_create(
        codebook=codebook,
        defaults={"criteria": snapshot_of(codebook)["criteria"], "updated_by": user},
    )
    return draft


def draft_criteria(draft: CodebookDraft) -> list[dict]:
    """The draft's criteria as they will be published: retired by the map where it says so."""
    retired = retired_by(draft.operations)
    return sorted(
        [{**c, "retired": c.get("retired", False) or c["code"] in retired} for c in draft.criteria],
        key=lambda c: (c["order"], c["code"]),
    )


def _checked(codebook: Codebook, entry: dict) -> dict:
    """Validate an entry by the criterion model's own field rules; name the field refused."""
    candidate = Criterion(codebook=codebook, **{k: entry[k] for k in ("code", "framework")})
    for name in EDITABLE:
        setattr(candidate, name, entry[name])
    try:
        candidate.clean_fields(exclude=["codebook", "verification", "notes"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DraftRefused(f"{field}: {' '.join(messages)}") from None
    return entry


def _save(draft: CodebookDraft, user) -> CodebookDraft:
    draft.updated_by = user
    draft.save()
    return draft


def add_draft_criterion(*, codebook: Codebook, user, fields: dict) -> CodebookDraft:
    with transaction.atomic():
        draft = start_draft(codebook=codebook, user=user)
        code = fields.get("code", "")
        if (
            any(c["code"] == code for c in draft.criteria)
            or codebook.criteria.filter(code=code).exists()
        ):
            raise DraftRefused(f"code: {code} is already used; codes are never reused.")
        entry = {
            "code": code,
            "framework": fields.get("framework", ""),
            "carry_forward": False,
            "retired": False,
            **{name: fields.get(name) for name in EDITABLE},
        }
        draft.criteria.append(_checked(codebook, entry))
        return _save(draft, user)


def edit_draft_criterion(*, codebook: Codebook, user, code: str, fields: dict) -> CodebookDraft:
    with transaction.atomic():
        draft = start_draft(codebook=codebook, user=user)
        entry = _entry(draft, code)
        if entry.get("retired"):
            raise DraftRefused(f"{code} is retired; it is kept as it was.")
        changed = {**entry, **{name: fields[name] for name in EDITABLE if name in fields}}
        entry.update(_checked(codebook, changed))
        return _save(draft, user)


def _entry(draft: CodebookDraft, code: str) -> dict:
    entry = next((c for c in draft.criteria if c["code"] == code), None)
    if entry is None:
        raise DraftRefused(f"{code} is not a criterion of the draft.")
    return entry


def add_draft_operation(*, codebook: Codebook, user, operation: dict) -> CodebookDraft:
    """Add a rename, merge, split or retire to the draft's map. A rename to a code the draft
    lacks adds it, with the renamed criterion's texts."""
    with transaction.atomic():
        draft = start_draft(codebook=codebook, user=user)
        if operation.get("op") == "rename":
            target = operation.get("to", "")
            if not any(c["code"] == target for c in draft.criteria):
                source = _entry(draft, operation.get("from", ""))
                entry = {**source, "code": target, "retired": False}
                draft.criteria.append(_checked(codebook, entry))
        operations = [*draft.operations, operation]
        old = {c.code for c in codebook.criteria.current()}
        try:
            check_map(operations, old=old, new={c["code"] for c in draft.criteria})
        except MapRefused as refused:
            raise DraftRefused(str(refused)) from None
        draft.operations = operations
        return _save(draft, user)


def remove_draft_operation(*, codebook: Codebook, user, index: int) -> CodebookDraft:
    with transaction.atomic():
        draft = start_draft(codebook=codebook, user=user)
        if not 0 <= index < len(draft.operations):
            raise DraftRefused("That change is no longer in the draft.")
        del draft.operations[index]
        return _save(draft, user)


def discard_draft(*, codebook: Codebook) -> None:
    CodebookDraft.objects.filter(codebook=codebook).delete()


def remove_draft_criterion(*, codebook: Codebook, user, code: str) -> CodebookDraft:
    """Take a criterion added in the draft out again; a published one can only be retired."""
    with transaction.atomic():
        draft = start_draft(codebook=codebook, user=user)
        _entry(draft, code)
        if codebook.criteria.filter(code=code).exists():
            raise DraftRefused(f"{code} is published: retire it instead of removing it.")
        if any(code in (op.get("to") or []) or op.get("to") == code for op in draft.operations):
            raise DraftRefused(f"{code} receives codings in the map: remove that change first.")
        draft.criteria = [c for c in draft.criteria if c["code"] != code]
        return _save(draft, user)
