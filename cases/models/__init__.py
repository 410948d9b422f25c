"""The domain model, imported from here: projects and their codebook, sources, the cases (dyads,
periods, evidence) and coding (assignments, codings, consensus, overrides, stage judgments)."""

from cases.models.case import Coupling, Dyad, Evidence, EvidenceType, Period, Stage
from cases.models.coding import Assignment, Coding, Consensus, PeriodOverride, StageJudgment
from cases.models.project import (
    Codebook,
    Criterion,
    Membership,
    Project,
    Role,
    ScaleValue,
    codebook_order,
)
from cases.models.source import Source
from cases.models.versions import (
    CodebookDraft,
    CodebookVersion,
    PublishedVersionImmutable,
    RecodingMark,
)

__all__ = [
    "Assignment",
    "Codebook",
    "CodebookDraft",
    "CodebookVersion",
    "Coding",
    "Consensus",
    "Coupling",
    "Criterion",
    "Dyad",
    "Evidence",
    "EvidenceType",
    "Membership",
    "Period",
    "PeriodOverride",
    "Project",
    "PublishedVersionImmutable",
    "RecodingMark",
    "Role",
    "ScaleValue",
    "Source",
    "Stage",
    "StageJudgment",
    "codebook_order",
]
