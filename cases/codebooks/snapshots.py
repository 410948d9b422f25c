"""A codebook as a version keeps it, and the versions of a codebook."""

from django.db.models import Max

from cases.models import Codebook, CodebookVersion, Criterion

FIELDS = ("code", "name", "framework", "group", "definition", "indicators", "order")


def criterion_entry(criterion: Criterion) -> dict:
    entry = {name: getattr(criterion, name) for name in FIELDS}
    entry["indicators"] = list(entry["indicators"] or [])
    entry["carry_forward"] = criterion.carry_forward
    entry["retired"] = criterion.retired_in is not None
    return entry


def snapshot_of(codebook: Codebook) -> dict:
    """The codebook's criteria (retired ones flagged) and scale, as they stand, in two queries."""
    criteria = Criterion.objects.filter(codebook=codebook).in_codebook_order()
    scale = codebook.scale.order_by("value").values_list("value", "label")
    return {
        "criteria": [criterion_entry(c) for c in criteria],
        "scale": [{"value": value, "label": label} for value, label in scale],
    }


def current_number(codebook: Codebook) -> int:
    """The newest published version's number; 1 for a codebook never published in the app."""
    return codebook.versions.aggregate(newest=Max("number"))["newest"] or 1


def versions_of(codebook: Codebook) -> list[CodebookVersion]:
    """Every published version, oldest first. A codebook made after versions were introduced
    (a bundle import, a new project) has published none yet: it is version 1 as it stands,
    shown as such (unsaved) until its first publication keeps it."""
    versions = list(codebook.versions.select_related("published_by").order_by("number"))
    if versions:
        return versions
    return [CodebookVersion(codebook=codebook, number=1, snapshot=snapshot_of(codebook))]


def version_numbers(codebook_id: int) -> list[int]:
    """The numbers of ``versions_of``, in one query and without the snapshots: [1] for a
    codebook that has published none yet."""
    numbers = CodebookVersion.objects.filter(codebook_id=codebook_id).order_by("number")
    return list(numbers.values_list("number", flat=True)) or [1]


def version_numbered(codebook: Codebook, number: int) -> CodebookVersion | None:
    return next((v for v in versions_of(codebook) if v.number == number), None)


def operations_between(versions: list[CodebookVersion], old: int, new: int) -> list[dict]:
    """The maps of every version after ``old`` up to ``new``, in order."""
    return [op for v in versions if old < v.number <= new for op in v.operations]


def codes_in_version(codebook_id: int, number: int) -> set[str] | None:
    """The current codes of a published version (one query); None for a codebook that has
    published none yet, whose only version is the codebook as it stands."""
    snapshot = (
        CodebookVersion.objects.filter(codebook_id=codebook_id, number=number)
        .values_list("snapshot", flat=True)
        .first()
    )
    if snapshot is None:
        return None
    return {c["code"] for c in snapshot["criteria"] if not c.get("retired")}
