"""What the ``export_*`` commands share: find the project, write to stdout or ``-o PATH``.

The command line is the operator's, so every command exports with full access (``viewer=None``,
the same contents as a project admin). Text goes out as UTF-8; binary files (XLSX, zip) are
written to a temporary file first and copied, so stdout may be a pipe.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from typing import Any, BinaryIO, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import Project


class _Stdout:
    """Text written through Django's OutputWrapper without the newline it would append."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> int:
        self.wrapper.write(text, ending="")
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)


class ExportCommand(BaseCommand):
    binary = False  # True for XLSX and zip files
    writes_csv = False  # True for the commands whose output is or holds CSV files: adds --raw

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the project's slug")
        parser.add_argument("-o", "--output", metavar="PATH", help="write here instead of stdout")
        if self.writes_csv:
            parser.add_argument(
                "--raw",
                action="store_true",
                help="write CSV text exactly as stored (for R and pandas); by default a text "
                "cell starting with =, +, -, @, a tab or a carriage return gets a leading ' so "
                "that spreadsheets do not run it as a formula",
            )

    def export(self, out: TextIO | BinaryIO, project: Project, options: dict[str, Any]) -> None:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        project = find_project(options["slug"])

        def write(out) -> None:
            self.export(out, project, options)

        if self.binary:
            write_binary(write, options["output"], self.stdout)
        else:
            write_text(write, options["output"], self.stdout)


def find_project(slug: str) -> Project:
    project = Project.objects.filter(slug=slug).select_related("codebook").first()
    if project is None:
        raise CommandError(f'no project with slug "{slug}"')
    return project


def write_text(write: Callable[[TextIO], None], output: str | None, stdout) -> None:
    if not output:
        write(_Stdout(stdout))
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as out:
            write(out)
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror}") from None


def write_binary(write: Callable[[BinaryIO], None], output: str | None, stdout) -> None:
    with tempfile.TemporaryFile() as spooled:
        write(spooled)
        spooled.seek(0)
        if not output:
            stream = getattr(getattr(stdout, "_out", sys.stdout), "buffer", None)
            if stream is None:
                raise CommandError("this file is binary: give -o PATH")
            shutil.copyfileobj(spooled, stream)
            stream.flush()
            return
        try:
            with open(output, "wb") as out:
                shutil.copyfileobj(spooled, out)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from None
