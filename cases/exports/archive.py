"""Zip archives whose bytes depend only on their contents (fixed dates, fixed order)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO, TextIO

FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # the zip format's epoch: no export timestamp leaks in


class _Hashing(io.RawIOBase):
    """Passes writes through to an archive entry and keeps their SHA-256."""

    def __init__(self, raw: BinaryIO, digest):
        self.raw, self.digest = raw, digest

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.digest.update(data)
        return self.raw.write(data)


class Archive:
    """A zip being written; ``digests`` maps each entry written so far to its SHA-256."""

    def __init__(self, out: BinaryIO | str):
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
        self.digests: dict[str, str] = {}

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def write_text(self, name: str, text: str) -> None:
        self.write_bytes(name, text.encode("utf-8"))

    def write_bytes(self, name: str, data: bytes) -> None:
        self.digests[name] = hashlib.sha256(data).hexdigest()
        self.zip.writestr(self._info(name), data)

    @contextmanager
    def text_entry(self, name: str) -> Iterator[TextIO]:
        """A text file inside the archive, written as a stream (UTF-8, LF)."""
        digest = hashlib.sha256()
        with self.zip.open(self._info(name), "w") as raw:
            text = io.TextIOWrapper(
                io.BufferedWriter(_Hashing(raw, digest), 64 * 1024),
                encoding="utf-8",
                newline="\n",
            )
            try:
                yield text
            finally:
                text.flush()
                text.detach().detach()
        self.digests[name] = digest.hexdigest()

    def size(self, name: str) -> int:
        """The size in bytes of an entry written so far (before compression)."""
        return self.zip.getinfo(name).file_size

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
