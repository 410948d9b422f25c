"""``python manage.py agreement PATH.csv [...] --json`` (a contract, see docs and DESIGN.md).

A thin shell around the pure engine: read the CSV, build the report, print it. With ``--json``
stdout carries exactly one JSON object and nothing else, so scripts can pipe it; without it a
readable table. Any bad input becomes a ``CommandError`` (non-zero exit) naming the line.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.review.agreement import LEVELS, WEIGHTS, agreement_report
from cases.review.agreement.reliability_csv import parse_categories, read_reliability_csv

LABELS = {
    "percent_agreement": "Percent agreement",
    "krippendorff_alpha": "Krippendorff's alpha",
    "fleiss_kappa": "Fleiss' kappa",
    "gwet_ac1": "Gwet's AC1",
    "brennan_prediger": "Brennan-Prediger",
    "cohen_kappa": "Cohen's kappa",
    "scott_pi": "Scott's pi",
    "weighted_cohen_kappa": "Weighted Cohen's kappa",
    "gwet_ac2": "Gwet's AC2",
}


class Command(BaseCommand):
    help = (
        "Inter-coder agreement of reliability data in a CSV file "
        "(header unit,<coder>,<coder>,...; one row per unit; empty cell = missing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the reliability CSV file")
        parser.add_argument("--level", choices=LEVELS, default="nominal", help="for alpha")
        parser.add_argument(
            "--categories",
            metavar="A,B,C",
            help="the ordered category list (default: the sorted distinct observed values)",
        )
        parser.add_argument(
            "--weights",
            choices=WEIGHTS,
            default="identity",
            help="linear or quadratic adds weighted Cohen's kappa and Gwet's AC2",
        )
        parser.add_argument(
            "--bootstrap", type=int, metavar="N", help="add alpha's 95%% bootstrap interval"
        )
        parser.add_argument("--seed", type=int, metavar="S", help="seed for the bootstrap")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        report = self._report(options)
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(format_table(report))

    def _report(self, options: dict[str, Any]) -> dict[str, Any]:
        path = options["path"]
        try:
            categories = parse_categories(options["categories"]) if options["categories"] else None
            table = read_reliability_csv(path, level=options["level"], categories=categories)
            return agreement_report(
                table.values,
                level=options["level"],
                categories=categories,
                weights=options["weights"],
                bootstrap=options["bootstrap"],
                seed=options["seed"],
            )
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        except ValueError as error:
            raise CommandError(f"{path}: {error}") from None


def format_table(report: dict[str, Any]) -> str:
    """The report as aligned text for a person at a terminal."""
    categories = ", ".join(str(category) for category in report["categories"])
    lines = [
        f"{report['n_units']} units, {report['n_coders']} coders, "
        f"{report['n_pairable_units']} pairable units",
        f"level {report['level']}; categories {categories}; weights {report['weights']}",
        "",
    ]
    for key, label in LABELS.items():
        if key in report:
            lines.append(f"{label:<26}{_number(report[key])}")
    if "krippendorff_alpha_ci" in report:
        lines.extend(_bootstrap_lines(report))
    for key, reason in report["undefined"].items():
        lines.append(f"undefined {key}: {reason}")
    return "\n".join(lines)


def _bootstrap_lines(report: dict[str, Any]) -> list[str]:
    interval = report["krippendorff_alpha_ci"]
    shown = "undefined" if interval is None else f"[{interval[0]:.4f}, {interval[1]:.4f}]"
    lines = ["", f"{'alpha 95% interval':<26}{shown}"]
    for minimum, share in (report["krippendorff_alpha_p_below"] or {}).items():
        lines.append(f"{'P(alpha < ' + minimum + ')':<26}{share:.4f}")
    lines.append(f"({report['krippendorff_alpha_ci_method']})")
    reading = report["krippendorff_alpha_reading"]
    notes = f" ({'; '.join(reading['notes'])})" if reading["notes"] else ""
    lines.append(f"{'reading of alpha':<26}{reading['label']}{notes}")
    lines.append("")
    return lines


def _number(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.4f}"
