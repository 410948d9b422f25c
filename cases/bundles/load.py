"""Importing a bundle: check the whole document, then write the project in one transaction."""

from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cases.bundles.checks import check_bundle
from cases.bundles.definitions import Checked
from cases.bundles.documents import (
    forget_files,
    prepare_documents,
    write_documents,
    write_passages,
)
from cases.bundles.format import BundleError
from cases.codebooks.snapshots import snapshot_of
from cases.coding.assignments import auto_assign
from cases.coding.queue_order import queue_changed, queue_changes_batched
from cases.lib.dates import parse_evidence_date
from cases.models import (
    Assignment,
    Codebook,
    CodebookVersion,
    Coding,
    Consensus,
    Criterion,
    Dyad,
    Evidence,
    Membership,
    Period,
    PeriodOverride,
    Project,
    ScaleValue,
    Source,
    StageJudgment,
)
from cases.projects.licences import DEFAULT_LICENCE


def import_bundle(
    doc: Any, *, replace: bool = False, files: dict[str, bytes] | None = None
) -> Project:
    """Create the project the bundle describes; raise BundleError and write nothing if invalid.

    ``files`` (a zip bundle's documents, SHA-256 → bytes) are attached to the sources that name
    them; without them (a JSON bundle) sources are imported without their documents."""
    checked = check_bundle(doc)
    prepared = prepare_documents(doc, files) if files is not None else {}
    slug = doc["project"]["slug"]
    existing = Project.objects.filter(slug=slug).first()
    if existing and not replace:
        raise BundleError(
            [
                f'project: a project with slug "{slug}" already exists '
                "(use --replace to overwrite it)"
            ]
        )
    stored: list[str] = []  # files stored by this import, removed again if it fails
    try:
        with transaction.atomic():
            if existing:
                delete_project(existing)
            project = _write(doc, checked)
            if prepared:
                sources = {s.key: s for s in Source.objects.filter(project=project)}
                write_documents(sources, prepared, stored)
            return project
    except DatabaseError as exc:
        forget_files(stored)
        # The checks should catch everything; the database's own rules are the last line.
        raise BundleError([f"bundle: refused by the database: {exc}"]) from None
    except BaseException:
        forget_files(stored)
        raise


def delete_project(project: Project) -> None:
    """Delete a project and everything coded in it, children first (the model PROTECTs them)."""
    codebook = project.codebook
    Consensus.objects.filter(evidence__project=project).delete()
    Coding.objects.filter(evidence__project=project).delete()
    PeriodOverride.objects.filter(period__dyad__project=project).delete()
    StageJudgment.objects.filter(period__dyad__project=project).delete()
    with queue_changes_batched():
        Assignment.objects.filter(evidence__project=project).delete()
    Evidence.objects.filter(project=project).delete()
    project.delete()
    if not codebook.projects.exists():
        codebook.criteria.all().delete()
        codebook.delete()


def _write(doc: dict, checked: Checked) -> Project:
    codebook, criteria = _write_codebook(doc["codebook"])
    users = _ensure_users(doc.get("members", []))
    meta = doc["project"]
    project = Project.objects.create(
        slug=meta["slug"],
        name=meta["name"],
        description=meta.get("description") or "",
        citation_style=meta.get("citation_style") or "chicago-author-date",
        # A bundle without a rule version was written before rule v2: keep its figures.
        rule_version=meta.get("rule_version") or "v1",
        data_licence=meta.get("data_licence") or DEFAULT_LICENCE,
        coders_per_item=meta.get("coders_per_item") or 2,
        auto_assign_coders=meta.get("auto_assign_coders") or 0,
        codebook=codebook,
    )
    Membership.objects.bulk_create(
        Membership(project=project, user=users[m["username"]], role=m["role"])
        for m in doc.get("members", [])
    )
    cases = [*doc.get("dyads", []), *map(_community_as_case, doc.get("communities", []))]
    dyads, periods = _write_dyads(project, cases)
    sources = _write_sources(project, doc.get("sources", []))
    evidence = _write_evidence(project, doc.get("evidence", []), checked, dyads, periods, sources)
    write_passages(doc.get("evidence", []), evidence)
    _write_codings(doc.get("codings", []), evidence, criteria, users)
    # Items the bundle assigns to nobody follow the project's auto-assignment, if it has one.
    coded = {entry["evidence"] for entry in doc.get("codings", [])}
    auto_assign([item for key, item in evidence.items() if key not in coded], project)
    _write_consensus(doc.get("consensus", []), evidence, criteria, users)
    _write_period_records(doc, periods, criteria, users)
    return project


def _write_codebook(data: dict) -> tuple[Codebook, dict[str, Criterion]]:
    codebook = Codebook.objects.create(name=data["name"], version=str(data.get("version", "1")))
    ScaleValue.objects.bulk_create(
        ScaleValue(codebook=codebook, value=p["value"], label=p["label"]) for p in data["scale"]
    )
    objs = [
        Criterion(
            codebook=codebook,
            code=c["code"],
            name=c["name"],
            framework=c["framework"],
            group=c["group"],
            definition=c["definition"],
            indicators=c.get("indicators", []),
            carry_forward=c.get("carry_forward", False),
            verification=c.get("verification", "U"),
            notes=c.get("notes") or "",
            retired_in=c.get("retired_in"),
            order=i,
        )
        for i, c in enumerate(data["criteria"])
    ]
    bulk_create_with_history(objs, Criterion)
    criteria = {c.code: c for c in Criterion.objects.filter(codebook=codebook)}
    # The imported codebook is the project's codebook version 1 (docs/codebook.md).
    CodebookVersion.objects.create(
        codebook=codebook,
        number=1,
        published_at=timezone.now(),
        note="The codebook as imported.",
        snapshot=snapshot_of(codebook),
    )
    return codebook, criteria


def _ensure_users(members: list[dict]) -> dict:
    """Existing accounts are reused; missing ones are created without a usable password."""
    User = get_user_model()
    names = [m["username"] for m in members]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    for name in names:
        if name not in users:
            user = User(username=name)
            user.set_unusable_password()
            user.save()
            users[name] = user
    return users


def _community_as_case(entry: dict) -> dict:
    """A community entry in the dyads' shape: its first two states the pair, the rest further."""
    states = entry["states"]
    return {**entry, "state_a": states[0], "state_b": states[1], "extra_states": states[2:]}


def _write_dyads(project: Project, data: list[dict]):
    dyads, periods = {}, {}
    for entry in data:
        dyad = Dyad.objects.create(
            project=project,
            code=entry["code"],
            state_a=entry["state_a"],
            state_b=entry["state_b"],
            extra_states=" ".join(entry.get("extra_states", [])),
            name=entry["name"],
        )
        dyads[dyad.code] = dyad
        for p in entry.get("periods", []):
            period = Period.objects.create(
                dyad=dyad,
                code=p["code"],
                label=p.get("label") or "",
                start_year=p["start_year"],
                end_year=p.get("end_year"),
            )
            periods[(dyad.code, period.code)] = period
    return dyads, periods


def _write_sources(project: Project, data: list[dict]) -> dict[str, Source]:
    objs = []
    for entry in data:
        source = Source(project=project, key=entry["key"], csl=entry["csl"])
        source.copy_fields_from_csl()
        objs.append(source)
    Source.objects.bulk_create(objs)
    return {s.key: s for s in Source.objects.filter(project=project)}


def _write_evidence(project, data, checked, dyads, periods, sources) -> dict[str, Evidence]:
    objs = []
    for entry in data:
        parsed = parse_evidence_date(entry["date"])
        period_code = entry.get("period") or checked.derived_periods[entry["key"]]
        objs.append(
            Evidence(
                project=project,
                key=entry["key"],
                dyad=dyads[entry["dyad"]],
                states=_in_member_order(entry.get("states"), dyads[entry["dyad"]]),
                period=periods[(entry["dyad"], period_code)],
                date=entry["date"],
                date_start=parsed.start,
                date_end=parsed.end,
                source=sources[entry["source"]],
                locator=entry.get("locator") or "",
                locator_note=entry.get("locator_note") or "",
                footnote=str(entry.get("footnote") or ""),
                via_source=sources[entry["via_source"]] if entry.get("via_source") else None,
                via_locator=entry.get("via_locator") or "",
                evidence_type=entry["evidence_type"],
                assessed_stage=entry.get("assessed_stage") or "",
                assessed_coupling=entry.get("assessed_coupling") or "",
                quote=entry["quote"],
                summary=entry.get("summary") or "",
            )
        )
    bulk_create_with_history(objs, Evidence)
    return {e.key: e for e in Evidence.objects.filter(project=project)}


def _in_member_order(states: list[str] | None, case: Dyad) -> str:
    """The states an item names, kept in its case's member order as every other route keeps them."""
    return " ".join(code for code in case.member_states if code in (states or []))


def _write_codings(data, evidence, criteria, users) -> None:
    """An item a bundle marks submitted is submitted as of the import: a bundle carries no times
    (docs/bundle-format.md), and a submitted assignment without ``submitted_at`` would read as
    never submitted in the codings export and anything timing the work. Its ``assigned_at``
    is the import's time too."""
    assignments, codings = [], []
    imported_at = timezone.now()
    for entry in data:
        item, coder = evidence[entry["evidence"]], users[entry["coder"]]
        submitted = entry.get("submitted", False)
        assignments.append(
            Assignment(
                evidence=item,
                coder=coder,
                status=Assignment.Status.SUBMITTED if submitted else Assignment.Status.ASSIGNED,
                submitted_at=imported_at if submitted else None,
            )
        )
        notes = entry.get("notes", {})
        for code, value in entry.get("values", {}).items():
            codings.append(
                Coding(
                    evidence=item,
                    criterion=criteria[code],
                    coder=coder,
                    value=value,
                    note=notes.get(code, ""),
                )
            )
    Assignment.objects.bulk_create(assignments)
    queue_changed(coder_ids={a.coder_id for a in assignments})
    bulk_create_with_history(codings, Coding)


def _write_consensus(data, evidence, criteria, users) -> None:
    """A consensus entry is the item's final code set: criteria some coder coded but the entry
    leaves out are recorded as decided "not coded" (value None)."""
    coded = defaultdict(set)
    for item_id, criterion_id in Coding.objects.filter(evidence__in=evidence.values()).values_list(
        "evidence_id", "criterion_id"
    ):
        coded[item_id].add(criterion_id)
    by_id = {c.pk: c for c in criteria.values()}
    rows = []
    for entry in data:
        item = evidence[entry["evidence"]]
        decided_by = users.get(entry.get("decided_by")) if entry.get("decided_by") else None
        rationales = entry.get("rationales", {})
        methods = entry.get("methods", {})
        values = entry.get("values", {})
        decided = {criteria[code].pk: value for code, value in values.items()}
        for criterion_id in coded[item.pk] - set(decided):
            decided[criterion_id] = None
        for criterion_id, value in decided.items():
            code = by_id[criterion_id].code
            method = methods.get(code, entry.get("method", Consensus.Method.ADJUDICATED))
            rows.append(
                Consensus(
                    evidence=item,
                    criterion=by_id[criterion_id],
                    value=value,
                    method=method,
                    # the coders' agreement beside a reviewer's decisions is nobody's decision
                    decided_by=None
                    if method == Consensus.Method.UNANIMOUS and "method" not in entry
                    else decided_by,
                    rationale=rationales.get(code, entry.get("rationale") or ""),
                )
            )
    bulk_create_with_history(rows, Consensus)


def _write_period_records(doc, periods, criteria, users) -> None:
    overrides = [
        PeriodOverride(
            period=periods[(e["dyad"], e["period"])],
            criterion=criteria[e["criterion"]],
            value=e["value"],
            rationale=e["rationale"],
            decided_by=users.get(e["decided_by"]) if e.get("decided_by") else None,
        )
        for e in doc.get("period_overrides", [])
    ]
    bulk_create_with_history(overrides, PeriodOverride)
    StageJudgment.objects.bulk_create(
        StageJudgment(
            period=periods[(e["dyad"], e["period"])],
            coder=users[e["coder"]],
            stage=e["stage"],
            coupling=e.get("coupling"),
            rationale=e.get("rationale") or "",
        )
        for e in doc.get("stage_judgments", [])
    )
