"""Bundle format v1: one JSON document that carries a whole project (see docs/bundle-format.md).

``import_bundle`` checks everything first (``bundle_checks``) and then writes in one
transaction, so a refused bundle writes nothing. ``export_bundle`` is deterministic: every list
is sorted by its natural key and nothing about the export itself (no timestamp) is included,
so export → import → export gives the identical document.
"""

import json
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from simple_history.utils import bulk_create_with_history

from cases.bundles.checks import FORMAT, VERSION, BundleError, Checked, check_bundle
from cases.lib.dates import parse_evidence_date
from cases.models import (
    Assignment,
    Codebook,
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

__all__ = ["BundleError", "dump_bundle", "export_bundle", "import_bundle", "parse_bundle"]


def _reject_duplicate_names(pairs: list[tuple[str, Any]]) -> dict:
    names = [name for name, _ in pairs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise BundleError([f'bundle: duplicate JSON key "{duplicates[0]}" inside one object'])
    return dict(pairs)


def parse_bundle(data: bytes | str) -> Any:
    """Decode and parse a bundle file, with messages that say where the text is broken."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BundleError(
                [f"bundle: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"]
            ) from None
    try:
        return json.loads(data, object_pairs_hook=_reject_duplicate_names)
    except json.JSONDecodeError as exc:
        raise BundleError(
            [f"bundle: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"]
        ) from None
    except RecursionError:
        raise BundleError(["bundle: JSON nested too deeply to be a bundle"]) from None


def dump_bundle(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# --- import ----------------------------------------------------------------------------------


def import_bundle(doc: Any, *, replace: bool = False) -> Project:
    """Create the project the bundle describes; raise BundleError and write nothing if invalid."""
    checked = check_bundle(doc)
    slug = doc["project"]["slug"]
    existing = Project.objects.filter(slug=slug).first()
    if existing and not replace:
        raise BundleError(
            [
                f'project: a project with slug "{slug}" already exists '
                "(use --replace to overwrite it)"
            ]
        )
    try:
        with transaction.atomic():
            if existing:
                delete_project(existing)
            return _write(doc, checked)
    except DatabaseError as exc:
        # The checks should catch everything; the database's own rules are the last line.
        raise BundleError([f"bundle: refused by the database: {exc}"]) from None


def delete_project(project: Project) -> None:
    """Delete a project and everything coded in it, children first (the model PROTECTs them)."""
    codebook = project.codebook
    Consensus.objects.filter(evidence__project=project).delete()
    Coding.objects.filter(evidence__project=project).delete()
    PeriodOverride.objects.filter(period__dyad__project=project).delete()
    StageJudgment.objects.filter(period__dyad__project=project).delete()
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
        codebook=codebook,
    )
    Membership.objects.bulk_create(
        Membership(project=project, user=users[m["username"]], role=m["role"])
        for m in doc.get("members", [])
    )
    dyads, periods = _write_dyads(project, doc.get("dyads", []))
    sources = _write_sources(project, doc.get("sources", []))
    evidence = _write_evidence(project, doc.get("evidence", []), checked, dyads, periods, sources)
    _write_codings(doc.get("codings", []), evidence, criteria, users)
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
            order=i,
        )
        for i, c in enumerate(data["criteria"])
    ]
    bulk_create_with_history(objs, Criterion)
    criteria = {c.code: c for c in Criterion.objects.filter(codebook=codebook)}
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


def _write_dyads(project: Project, data: list[dict]):
    dyads, periods = {}, {}
    for entry in data:
        dyad = Dyad.objects.create(
            project=project,
            code=entry["code"],
            state_a=entry["state_a"],
            state_b=entry["state_b"],
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


def _write_codings(data, evidence, criteria, users) -> None:
    assignments, codings = [], []
    for entry in data:
        item, coder = evidence[entry["evidence"]], users[entry["coder"]]
        submitted = entry.get("submitted", False)
        assignments.append(
            Assignment(
                evidence=item,
                coder=coder,
                status=Assignment.Status.SUBMITTED if submitted else Assignment.Status.ASSIGNED,
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
        values = entry.get("values", {})
        decided = {criteria[code].pk: value for code, value in values.items()}
        for criterion_id in coded[item.pk] - set(decided):
            decided[criterion_id] = None
        for criterion_id, value in decided.items():
            code = by_id[criterion_id].code
            rows.append(
                Consensus(
                    evidence=item,
                    criterion=by_id[criterion_id],
                    value=value,
                    method=entry.get("method", Consensus.Method.ADJUDICATED),
                    decided_by=decided_by,
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


# --- export ----------------------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    """Sort object keys recursively: PostgreSQL's jsonb does not keep the order they came in."""
    if isinstance(value, dict):
        return {k: _canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def export_bundle(project: Project) -> dict:
    codebook = project.codebook
    criteria = list(codebook.criteria.order_by("order", "code"))
    order = {c.pk: i for i, c in enumerate(criteria)}
    code_of = {c.pk: c.code for c in criteria}
    dyads = list(project.dyads.order_by("code").prefetch_related("periods"))
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
    return {
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
        "dyads": [_export_dyad(d) for d in dyads],
        "sources": [
            {"key": s.key, "csl": _canonical(s.csl)} for s in project.sources.order_by("key")
        ],
        "evidence": [
            _export_evidence(e)
            for e in project.evidence.select_related(
                "dyad", "period", "source", "via_source"
            ).order_by("key")
        ],
        "codings": _export_codings(project, order, code_of),
        "consensus": _export_consensus(project, order, code_of),
        "period_overrides": _export_overrides(project, order),
        "stage_judgments": _export_judgments(project),
    }


def _export_criterion(c: Criterion) -> dict:
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


def _export_evidence(e: Evidence) -> dict:
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
    if e.assessed_stage:
        entry["assessed_stage"] = e.assessed_stage
        if e.assessed_coupling:
            entry["assessed_coupling"] = e.assessed_coupling
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
        # Items are adjudicated unless every decision on them was unanimous.
        if methods == {Consensus.Method.UNANIMOUS}:
            entry["method"] = Consensus.Method.UNANIMOUS.value
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
