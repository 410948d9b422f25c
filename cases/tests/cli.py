"""Run ``manage.py`` as a researcher would: a real process, against its own database file."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def manage(*args: str, database: Path, check: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_DEBUG": "1"}
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


class MigratedDatabase:
    """Migrate one SQLite file per test session and hand out fresh copies of it."""

    def __init__(self, folder: Path):
        self.template = folder / "template.sqlite3"
        manage("migrate", "--no-input", database=self.template, check=True)
        self.count = 0

    def fresh_copy(self) -> Path:
        self.count += 1
        copy = self.template.with_name(f"db{self.count}.sqlite3")
        shutil.copy(self.template, copy)
        return copy
