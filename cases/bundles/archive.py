"""The zip form of a bundle: ``bundle.json`` and each source's document as
``documents/<sha256>`` (docs/bundle-format.md), written and read.

Reading is careful with what it is given: a file that is not a zip, an archive of more entries
or bytes than a bundle can hold, an entry that inflates past its limit (a zip bomb), a document
missing or not matching its hash: each is refused with a message, before anything is written.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from typing import BinaryIO

from cases.bundles.format import BundleError, dump_bundle, parse_bundle

BUNDLE_ENTRY = "bundle.json"
DOCUMENTS = "documents/"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
MAX_ENTRIES = 10_000
BUNDLE_JSON_BYTES = 512 * 1024 * 1024  # the largest bundle.json read (a very large project)
# Text compresses well, but not a thousandfold: an entry that claims to, is a bomb.
MAX_RATIO = 1000
_DOCUMENT_NAME = re.compile(r"^documents/([0-9a-f]{64})$")


def is_zip(data: bytes) -> bool:
    return data[:4] in ZIP_MAGIC


def document_hashes(doc: dict) -> list[str]:
    """The SHA-256 of each document the bundle's sources name, in their order, once each."""
    found: list[str] = []
    for source in doc.get("sources") or []:
        document = source.get("document") if isinstance(source, dict) else None
        sha256 = document.get("sha256") if isinstance(document, dict) else None
        if isinstance(sha256, str) and sha256 not in found:
            found.append(sha256)
    return found


def write_bundle_zip(out: BinaryIO | str, doc: dict, files: dict[str, bytes]) -> None:
    """The bundle and the documents it names (``files``: SHA-256 → bytes); a source whose file
    is not in ``files`` loses its ``document`` entry, so the archive never names a file it lacks."""
    for source in doc.get("sources", []):
        document = source.get("document")
        if document is not None and document["sha256"] not in files:
            del source["document"]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_entry(archive, BUNDLE_ENTRY, dump_bundle(doc).encode("utf-8"))
        for sha256 in document_hashes(doc):
            _write_entry(archive, DOCUMENTS + sha256, files[sha256])


def _write_entry(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    # A fixed date: two exports of unchanged data are the same bytes.
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def read_bundle_zip(data: bytes, *, max_document_bytes: int) -> tuple[dict, dict[str, bytes]]:
    """The bundle and its documents (SHA-256 → bytes), each document's hash checked; raise
    BundleError naming what is wrong."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise BundleError(["bundle: not a zip archive, or a damaged one"]) from None
    if len(entries) > MAX_ENTRIES:
        raise BundleError(
            [f"bundle: the archive holds {len(entries):,} entries; at most {MAX_ENTRIES:,}"]
        )
    names = [e.filename for e in entries]
    if BUNDLE_ENTRY not in names:
        raise BundleError([f"bundle: the archive has no {BUNDLE_ENTRY}"])
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise BundleError([f"bundle: the archive holds {duplicates[0]} twice"])
    problems: list[str] = []
    limits = {BUNDLE_ENTRY: BUNDLE_JSON_BYTES}
    for entry in entries:
        if entry.is_dir():
            continue
        if entry.filename != BUNDLE_ENTRY and not _DOCUMENT_NAME.match(entry.filename):
            problems.append(
                f"bundle: the archive holds {entry.filename!r}: only {BUNDLE_ENTRY} and "
                f"{DOCUMENTS}<sha256> belong in a bundle"
            )
            continue
        limits.setdefault(entry.filename, max_document_bytes)
        if entry.flag_bits & 0x1:
            problems.append(f"bundle: {entry.filename} is encrypted")
        elif entry.file_size > limits[entry.filename]:
            problems.append(_too_large(entry.filename, entry.file_size, limits[entry.filename]))
        elif entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            ratio = entry.file_size // max(entry.compress_size, 1)
            problems.append(
                f"bundle: {entry.filename} would inflate {ratio:,} times: refused as a zip bomb"
            )
    if problems:
        raise BundleError(problems)
    doc = parse_bundle(_read(archive, BUNDLE_ENTRY, limits[BUNDLE_ENTRY]))
    if not isinstance(doc, dict):
        raise BundleError(["bundle: the document must be a JSON object"])
    files: dict[str, bytes] = {}
    for sha256 in document_hashes(doc):
        name = DOCUMENTS + sha256
        if name not in names:
            problems.append(
                f"bundle: the document {name} that a source names is not in the archive"
            )
            continue
        content = _read(archive, name, limits[name])
        if hashlib.sha256(content).hexdigest() != sha256:
            problems.append(f"bundle: {name} does not match its SHA-256 (the file was changed)")
            continue
        files[sha256] = content
    if problems:
        raise BundleError(problems)
    return doc, files


def _read(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """The entry's bytes, never more than ``limit`` of them: the sizes an archive declares may
    lie, what inflates is counted."""
    try:
        with archive.open(name) as entry:
            content = entry.read(limit + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        raise BundleError([f"bundle: {name} cannot be read from the archive ({error})"]) from None
    if len(content) > limit:
        raise BundleError([_too_large(name, len(content), limit, at_least=True)])
    return content


def _too_large(name: str, size: int, limit: int, *, at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    return f"bundle: {name} inflates to {more}{_size(size)}; at most {_size(limit)} are read"


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count:,} bytes"
    return f"{count / 1024 / 1024:,.1f} MB"
