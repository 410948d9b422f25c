"""Open re-coding marks: a mark is open until its coder has saved a code (or, for a consensus
mark, a reviewer has decided one) on one of its targets under its version or a later one."""

from cases.models import Coding, Consensus, RecodingMark


def open_marks(marks) -> list[RecodingMark]:
    """The open ones of some marks, in three queries whatever their number."""
    marks = list(marks.select_related("codebook_version", "evidence", "coder"))
    if not marks:
        return []
    items = {m.evidence_id for m in marks}
    newest: dict[tuple, int] = {}  # (item, coder or None, code) -> codebook version
    for item, coder, code, number in Coding.objects.filter(evidence_id__in=items).values_list(
        "evidence_id", "coder_id", "criterion__code", "codebook_version"
    ):
        newest[item, coder, code] = number
    for item, code, number in Consensus.objects.filter(evidence_id__in=items).values_list(
        "evidence_id", "criterion__code", "codebook_version"
    ):
        newest[item, None, code] = number

    def settled(mark: RecodingMark) -> bool:
        return any(
            newest.get((mark.evidence_id, mark.coder_id, code), 0) >= mark.codebook_version.number
            for code in mark.targets
        )

    return [m for m in marks if not settled(m)]


def open_marks_of(project, *, coder=None) -> list[RecodingMark]:
    """A project's open marks: one coder's own, or (coder None) everyone's and the consensus'."""
    marks = RecodingMark.objects.filter(evidence__project=project)
    if coder is not None:
        marks = marks.filter(coder=coder)
    return open_marks(marks.order_by("evidence_id", "coder_id", "pk"))
