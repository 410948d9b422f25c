"""Exporting a project as a bundle: every list sorted by its natural key, so exports repeat."""

from collections import defaultdict

from cases.bundles.format import FORMAT, VERSION, canonical
from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Criterion,
    Document,
    DocumentPage,
    Dyad,
    Evidence,
    EvidencePassage,
    PeriodOverride,
    Project,
    StageJudgment,
)
from cases.projects.licences import DEFAULT_LICENCE


def export_bundle(project: Project) -> dict:
    codebook = project.codebook
    criteria = list(codebook.criteria.in_codebook_order())
    order = {c.pk: i for i, c in enumerate(criteria)}
    code_of = {c.pk: c.code for c in criteria}
    dyads = list(project.dyads.order_by("code").prefetch_related("periods"))
    passages = _export_passages(project)
    meta = {
        "slug": project.slug,
        "name": project.name,
        "description": project.description,
        "citation_style": project.citation_style,
        "rule_version": project.rule_version,
    }
    # Written only when chosen: a bundle without it reads as the default licence.
    if project.data_licence != DEFAULT_LICENCE:
        meta["data_licence"] = project.data_licence
    if project.coders_per_item != 2:
        meta["coders_per_item"] = project.coders_per_item
    if project.auto_assign_coders:
        meta["auto_assign_coders"] = project.auto_assign_coders
    bundle = {
        "format": FORMAT,
        "version": VERSION,
        "project": meta,
        "codebook": {
            "name": codebook.name,
            "version": codebook.version,
            "scale": [
                {"value": p.value, "label": p.label} for p in codebook.scale.order_by("value")
            ],
            "criteria": [_export_criterion(c) for c in criteria],
        },
        "members": [
            {"username": m.user.username, "role": m.role}
            for m in project.memberships.select_related("user").order_by("user__username")
        ],
        "dyads": [_export_dyad(d) for d in dyads if not d.is_community],
        "sources": _export_sources(project),
        "evidence": [
            _export_evidence(e, passages.get(e.pk))
            for e in project.evidence.select_related(
                "dyad", "period", "source", "via_source"
            ).order_by("key")
        ],
        "codings": _export_codings(project, order, code_of),
        "consensus": _export_consensus(project, order, code_of),
        "period_overrides": _export_overrides(project, order),
        "stage_judgments": _export_judgments(project),
    }
    # The communities extension, written only when the project has one: a project of dyads
    # exports exactly as before, and a reader of plain v1 sees no new key.
    communities = [_export_community(d) for d in dyads if d.is_community]
    if communities:
        bundle = _insert_after(bundle, "dyads", "communities", communities)
    return bundle


def _insert_after(doc: dict, after: str, key: str, value) -> dict:
    out = {}
    for name, item in doc.items():
        out[name] = item
        if name == after:
            out[key] = value
    return out


def _export_community(d: Dyad) -> dict:
    entry = _export_dyad(d)
    periods = entry.pop("periods")
    del entry["state_a"], entry["state_b"]
    return {**entry, "states": d.member_states, "periods": periods}


def _export_criterion(c: Criterion) -> dict:
    retired = {} if c.retired_in is None else {"retired_in": c.retired_in}
    return {
        "code": c.code,
        "name": c.name,
        "framework": c.framework,
        "group": c.group,
        "definition": c.definition,
        "indicators": list(c.indicators),
        "carry_forward": c.carry_forward,
        "verification": c.verification,
        "notes": c.notes,
        **retired,  # only on a retired criterion: older bundles and readers never see it
    }


def _export_dyad(d: Dyad) -> dict:
    periods = sorted(d.periods.all(), key=lambda p: p.start_year)
    return {
        "code": d.code,
        "state_a": d.state_a,
        "state_b": d.state_b,
        "name": d.name,
        "periods": [
            {"code": p.code, "label": p.label, "start_year": p.start_year, "end_year": p.end_year}
            for p in periods
        ],
    }


# A document's kind as the media type a bundle names it by (docs/bundle-format.md).
MEDIA_TYPES = {
    Document.Kind.PDF: "application/pdf",
    Document.Kind.HTML: "text/html",
    Document.Kind.TEXT: "text/plain",
    Document.Kind.MARKDOWN: "text/markdown",
}


def _export_sources(project: Project) -> list[dict]:
    """Each source, and the document it carries where it has one: the file's SHA-256 (a zip
    bundle carries the file as ``documents/<sha256>``), media type, name and page labels."""
    documents = {
        d.source_id: d
        for d in Document.objects.readable().filter(source__project=project).order_by("pk")
    }
    labels: dict[int, list[str]] = {d.pk: [] for d in documents.values()}
    rows = (
        DocumentPage.objects.filter(document__in=documents.values())
        .order_by("document_id", "index")
        .values_list("document_id", "label")
    )
    for document_id, label in rows:
        labels[document_id].append(label)
    entries = []
    for source in project.sources.order_by("key"):
        entry = {"key": source.key, "csl": canonical(source.csl)}
        document = documents.get(source.pk)
        if document is not None:  # an optional extension: a bundle without it reads as before
            entry["document"] = {
                "sha256": document.sha256,
                "media_type": MEDIA_TYPES[document.kind],
                "filename": document.filename,
                "page_labels": labels[document.pk],
            }
        entries.append(entry)
    return entries


def _export_passages(project: Project) -> dict[int, dict]:
    """The evidence item's id → the W3C selectors of the passage it was taken from."""
    return {
        p.evidence_id: {
            "document": p.document_sha256,
            "exact": p.exact,
            "prefix": p.prefix,
            "suffix": p.suffix,
            "start": p.start,
            "end": p.end,
            "page_index": p.page_index,
            "page_label": p.page_label,
        }
        for p in EvidencePassage.objects.filter(evidence__project=project)
    }


def _export_evidence(e: Evidence, passage: dict | None = None) -> dict:
    entry = {
        "key": e.key,
        "dyad": e.dyad.code,
        "period": e.period.code,
        "date": e.date,
        "source": e.source.key,
        "locator": e.locator,
        "locator_note": e.locator_note,
        "footnote": e.footnote,
        "evidence_type": e.evidence_type,
        "quote": e.quote,
        "summary": e.summary,
    }
    # Optional extensions, written only when set: a bundle without them reads as before.
    if e.via_source_id:
        entry.update(via_source=e.via_source.key, via_locator=e.via_locator)
    if e.states:
        entry["states"] = e.states.split()
    if e.assessed_stage:
        entry["assessed_stage"] = e.assessed_stage
        if e.assessed_coupling:
            entry["assessed_coupling"] = e.assessed_coupling
    if passage is not None:
        entry["passage"] = passage
    return entry


def _export_codings(project: Project, order: dict, code_of: dict) -> list[dict]:
    entries: dict[tuple[str, str], dict] = {}
    for a in Assignment.objects.filter(evidence__project=project).select_related(
        "evidence", "coder"
    ):
        entries[(a.evidence.key, a.coder.username)] = {
            "evidence": a.evidence.key,
            "coder": a.coder.username,
            "submitted": a.status == Assignment.Status.SUBMITTED,
            "values": {},
            "notes": {},
        }
    codings = Coding.objects.filter(evidence__project=project).select_related("evidence", "coder")
    for c in sorted(codings, key=lambda c: order[c.criterion_id]):
        entry = entries.setdefault(
            (c.evidence.key, c.coder.username),
            {
                "evidence": c.evidence.key,
                "coder": c.coder.username,
                "submitted": False,
                "values": {},
                "notes": {},
            },
        )
        entry["values"][code_of[c.criterion_id]] = c.value
        if c.note:
            entry["notes"][code_of[c.criterion_id]] = c.note
    return [entries[k] for k in sorted(entries)]


def _export_consensus(project: Project, order: dict, code_of: dict) -> list[dict]:
    rows = defaultdict(list)
    for c in Consensus.objects.filter(evidence__project=project).select_related(
        "evidence", "decided_by"
    ):
        rows[c.evidence.key].append(c)
    entries = []
    for key in sorted(rows):
        decisions = sorted(rows[key], key=lambda c: order[c.criterion_id])
        rationales = {code_of[c.criterion_id]: c.rationale for c in decisions}
        deciders = sorted({c.decided_by.username for c in decisions if c.decided_by})
        methods = {c.method for c in decisions}
        entry = {
            "evidence": key,
            "values": {code_of[c.criterion_id]: c.value for c in decisions if c.value is not None},
            "decided_by": deciders[0] if deciders else None,
            "rationale": decisions[0].rationale if len(set(rationales.values())) == 1 else "",
        }
        if len(set(rationales.values())) > 1:
            entry["rationales"] = rationales
        # Items are adjudicated unless every decision on them was unanimous; a criterion the
        # coders agreed on beside a reviewer's decisions is named in "methods".
        if methods == {Consensus.Method.UNANIMOUS}:
            entry["method"] = Consensus.Method.UNANIMOUS.value
        elif len(methods) > 1:
            entry["methods"] = {
                code_of[c.criterion_id]: Consensus.Method.UNANIMOUS.value
                for c in decisions
                if c.method == Consensus.Method.UNANIMOUS
            }
        entries.append(entry)
    return entries


def _export_overrides(project: Project, order: dict) -> list[dict]:
    overrides = PeriodOverride.objects.filter(period__dyad__project=project).select_related(
        "period", "period__dyad", "criterion", "decided_by"
    )
    overrides = sorted(
        overrides, key=lambda o: (o.period.dyad.code, o.period.start_year, order[o.criterion_id])
    )
    return [
        {
            "dyad": o.period.dyad.code,
            "period": o.period.code,
            "criterion": o.criterion.code,
            "value": o.value,
            "decided_by": o.decided_by.username if o.decided_by else None,
            "rationale": o.rationale,
        }
        for o in overrides
    ]


def _export_judgments(project: Project) -> list[dict]:
    judgments = StageJudgment.objects.filter(period__dyad__project=project).select_related(
        "period", "period__dyad", "coder"
    )
    judgments = sorted(
        judgments, key=lambda j: (j.period.dyad.code, j.period.start_year, j.coder.username)
    )
    return [
        {
            "dyad": j.period.dyad.code,
            "period": j.period.code,
            "coder": j.coder.username,
            "stage": j.stage,
            "coupling": j.coupling,
            "rationale": j.rationale,
        }
        for j in judgments
    ]
