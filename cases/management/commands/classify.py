"""``python manage.py classify SLUG [--dyad CODE] [--rule v1|v2] [--members] --json`` (a
contract, see DESIGN.md).

Runs a decision rule (CODEBOOK.md §4 for v1, §4b for v2; without ``--rule`` the project's own)
over a project's consensus codes. A community of more than two states is classified as a whole;
``--members`` adds each of its member dyads, classified from the items naming both its states,
and says where one lags the community (a dyad's output never changes). With ``--json``
stdout carries exactly one JSON object; without it a readable table followed by each period's
explanation. An unknown slug or dyad is a ``CommandError`` naming it (non-zero exit).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.classification.inputs import UnknownDyad, classify_project
from cases.classification.rule import VERSIONS
from cases.models import Project

COLUMNS = ("dyad", "period", "years", "stage", "coupling", "loose", "tight", "pending")


class Command(BaseCommand):
    help = (
        "Classify each period of a project's dyads by decision rule v1 or v2 "
        "(CODEBOOK.md §4, §4b); without --rule, the project's own rule version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the project's slug")
        parser.add_argument("--dyad", metavar="CODE", help="only this dyad, e.g. TUR-AZE")
        parser.add_argument(
            "--rule",
            choices=sorted(VERSIONS),
            help="the rule version (default: the project's own, see its settings)",
        )
        parser.add_argument(
            "--members",
            action="store_true",
            help="also classify each member dyad of a community, from the items naming both "
            "its states, and say where one lags the community",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            raise CommandError(f'no project with slug "{slug}"')
        try:
            rule = VERSIONS[options["rule"]] if options["rule"] else None
            report = classify_project(
                project, dyad_code=options["dyad"], rule=rule, members=options["members"]
            )
        except UnknownDyad as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(format_table(report))


def format_table(report: dict[str, Any]) -> str:
    """Aligned columns, one row per period, then the blockers and explanations below."""
    rows = [COLUMNS]
    notes = []
    for dyad in report["dyads"]:
        for p in dyad["periods"]:
            end = "" if p["end_year"] is None else p["end_year"]
            rows.append(
                (
                    dyad["code"],
                    p["code"],
                    f"{p['start_year']}–{end}",
                    p["stage"],
                    p["coupling"] or "-",
                    str(p["loose_count"]),
                    str(p["tight_count"]),
                    str(p["pending_items"]),
                )
            )
            notes.append(f"{dyad['code']} {p['code']}: {p['explanation']}")
            if p["blocked_by"]:
                notes.append(f"  blocked by: {'; '.join(p['blocked_by'])}")
        for member in dyad.get("member_dyads", []):
            for p in member["periods"]:
                end = "" if p["end_year"] is None else p["end_year"]
                rows.append(
                    (
                        f"  {member['code']}",
                        p["code"],
                        f"{p['start_year']}–{end}",
                        p["stage"] + (" (lags)" if p["lags"] else ""),
                        p["coupling"] or "-",
                        str(p["loose_count"]),
                        str(p["tight_count"]),
                        str(p["pending_items"]),
                    )
                )
                if p["lags"]:
                    notes.append(
                        f"{member['code']} {p['code']} lags {dyad['code']}: {p['explanation']}"
                    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    header = f"Project {report['project']}, rule {report['rule']}"
    return "\n".join([header, "", *(line.rstrip() for line in lines), "", *notes])
