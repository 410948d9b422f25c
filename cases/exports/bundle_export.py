"""The JSON bundle (format v1, docs/bundle-format.md) as a viewer may take it away.

Admins and reviewers get the whole bundle, drafts included: the project's current data, which
``import_bundle`` recreates on any instance (an exchange format, not a backup: it carries no
history, timestamps or versions; docs/bundle-format.md). A coder gets the same document with
only their own codings and stage judgments; an observer gets none of either. Consensus
decisions, overrides, evidence and sources are for every member, but for the items a coder
still has to code: their decisions and rationales are left out (``cases.visibility``); and a
coder reads a decision's rationale only on the items they have submitted. A
filtered bundle still imports, but its derived consensus then rests on the codings it carries,
so it is a copy of the viewer's own work, not a replication.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from cases.bundles import export_bundle
from cases.bundles.archive import document_hashes, write_bundle_zip
from cases.documents.carried import read_stored
from cases.exports.scope import Codings, export_scope
from cases.models import Evidence, Membership, Project


def bundle_for(project: Project, *, viewer: Membership | None) -> dict[str, Any]:
    doc = export_bundle(project)
    scope = export_scope(viewer)
    if scope.codings is Codings.ALL:
        return doc
    mine = viewer.user.username if scope.codings is Codings.OWN else None
    doc["codings"] = [entry for entry in doc["codings"] if entry["coder"] == mine]
    doc["stage_judgments"] = [entry for entry in doc["stage_judgments"] if entry["coder"] == mine]
    if scope.visibility.hidden:
        hidden = set(
            Evidence.objects.filter(pk__in=scope.visibility.hidden).values_list("key", flat=True)
        )
        doc["consensus"] = [entry for entry in doc["consensus"] if entry["evidence"] not in hidden]
    if scope.visibility.rationales_for is not None:
        readable = set(
            Evidence.objects.filter(pk__in=scope.visibility.rationales_for).values_list(
                "key", flat=True
            )
        )
        for entry in doc["consensus"]:
            if entry["evidence"] not in readable:
                entry["rationale"] = ""
                entry.pop("rationales", None)
    return doc


def write_bundle_zip_for(out: BinaryIO | str, project: Project, *, viewer) -> None:
    """The zip form of ``bundle_for``: ``bundle.json`` and each source's document."""
    doc = bundle_for(project, viewer=viewer)
    write_bundle_zip(out, doc, stored_files(document_hashes(doc)))


def stored_files(hashes: list[str]) -> dict[str, bytes]:
    """SHA-256 → the stored file's bytes, for those the storage still holds."""
    files = {}
    for sha256 in hashes:
        data = read_stored(sha256)
        if data is not None:
            files[sha256] = data
    return files
