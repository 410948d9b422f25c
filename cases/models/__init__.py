"""The domain model, imported from here: projects and their codebook, sources, the cases (dyads,
periods, evidence), coding (assignments, codings, consensus, overrides, stage judgments) and
coding rounds (rounds and their gold sets)."""

from cases.models.case import Coupling, Dyad, Evidence, EvidenceType, Period, Stage
from cases.models.coding import (
    Assignment,
    CoderQueue,
    Coding,
    Consensus,
    PeriodOverride,
    StageJudgment,
)
from cases.models.discussion import AssignmentBatch, Memo, Notification
from cases.models.document import Document, DocumentPage, EvidencePassage
from cases.models.export_job import ExportJob
from cases.models.project import (
    Codebook,
    Criterion,
    Membership,
    Project,
    Role,
    ScaleValue,
    codebook_order,
)
from cases.models.rounds import GoldValue, Round
from cases.models.source import Source
from cases.models.versions import (
    CodebookDraft,
    CodebookVersion,
    PublishedVersionImmutable,
    RecodingMark,
)

__all__ = [
    "Assignment",
    "AssignmentBatch",
    "Codebook",
    "CodebookDraft",
    "CodebookVersion",
    "CoderQueue",
    "Coding",
    "Consensus",
    "Coupling",
    "Criterion",
    "Document",
    "DocumentPage",
    "Dyad",
    "Evidence",
    "EvidencePassage",
    "EvidenceType",
    "ExportJob",
    "GoldValue",
    "Membership",
    "Memo",
    "Notification",
    "Period",
    "PeriodOverride",
    "Project",
    "PublishedVersionImmutable",
    "RecodingMark",
    "Role",
    "Round",
    "ScaleValue",
    "Source",
    "Stage",
    "StageJudgment",
    "codebook_order",
]
