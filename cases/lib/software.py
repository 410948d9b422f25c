"""Which sccoder made a file: its version (pyproject.toml) and the commit of the running code.

Both are read once per process, so every file a process writes names the same code, and two
replication packages of unchanged data made by unchanged code stay identical.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tomllib
from functools import lru_cache
from pathlib import Path

NAME = "sccoder"
UNKNOWN = "unknown"
ROOT = Path(__file__).resolve().parents[2]  # the repository: cases/lib/software.py
_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


@lru_cache(maxsize=1)
def version() -> str:
    """The version in pyproject.toml, or "unknown" where the file is not deployed."""
    try:
        with (ROOT / "pyproject.toml").open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        return UNKNOWN


@lru_cache(maxsize=1)
def commit() -> str:
    """The git commit of the running code: ``git rev-parse HEAD`` in a checkout; otherwise the
    ``SCCODER_COMMIT`` environment variable (for a deployment that ships no ``.git``); otherwise
    "unknown"."""
    if (ROOT / ".git").exists():
        try:
            done = subprocess.run(
                ["git", "rev-parse", "HEAD"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            )
        except (OSError, subprocess.SubprocessError):
            pass
        else:
            if _SHA.fullmatch(done.stdout.strip()):
                return done.stdout.strip()
    given = os.environ.get("SCCODER_COMMIT", "").strip()
    return given.splitlines()[0][:100] if given else UNKNOWN


def file_sha256(relative: str) -> str:
    """The SHA-256 of one of sccoder's own source files, e.g. the classification rule's code:
    identifies the code even where neither a commit nor a version says which it was."""
    return hashlib.sha256((ROOT / relative).read_bytes()).hexdigest()
