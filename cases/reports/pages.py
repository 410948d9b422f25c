"""What the report pages show, computed outside the request: a dyad's report rendered as its
article, and the rows of one page of the comparison across dyads.

The pages (``cases.web.views.report``) and the background recomputation
(``cases.lib.fresh_figures``) both call these, so a figure computed by either is the same.
"""

from django.template.loader import render_to_string

from cases.classification.inputs import classify_dyads
from cases.lib.dates import span_text


def report_article(project, data: dict, quote_problems: dict[str, str] | None = None) -> str:
    context = {
        "project": project,
        "report": data,
        "quote_problems": quote_problems or {},
        **_page(data),
    }
    return render_to_string("cases/reports/_article.html", context)


def compare_rows(project, shown, visibility, rule) -> list[dict]:
    """Each dyad of one comparison page classified, one entry per period."""
    rows = []
    for classified in classify_dyads(project, shown, visibility=visibility, rule=rule):
        labels = classified.labels
        rows.append(
            {
                "code": classified.dyad.code,
                "name": classified.dyad.name,
                "periods": [
                    {
                        "code": r.code,
                        "label": labels.get(r.code, ""),
                        "start_year": r.start_year,
                        "end_year": r.end_year,
                        "span": span_text(r.start_year, r.end_year),
                        "stage": r.stage,
                        "coupling": r.coupling,
                        "indeterminate": r.indeterminate,
                    }
                    for r in classified.results
                ],
            }
        )
    return rows


# --- the report page's view of the report data -------------------------------------------------


def _page(data: dict) -> dict:
    """What the template needs beyond the report itself: each grid cell's anchor, the citation
    numbers behind it, and one evidence section per cell (shown when its anchor is targeted)."""
    entries = {e["key"]: e for e in data["evidence"]}
    labels = {s["value"]: s["label"] for s in data["scale"]}
    spans = {p["code"]: p["span"] for p in data["periods"]}
    sections = []
    grid = []
    for framework in data["grid"]:
        groups = []
        for group in framework["groups"]:
            criteria = []
            for criterion in group["criteria"]:
                cells = []
                for cell in criterion["cells"]:
                    shown = _cell(cell, criterion, entries, labels, spans)
                    if shown["anchor"]:
                        sections.append(shown)
                    cells.append(shown)
                criteria.append({**criterion, "cells": cells})
            groups.append({**group, "criteria": criteria})
        grid.append({**framework, "groups": groups})
    agreement = data["agreement"] or []
    return {
        "grid": grid,
        "cell_sections": sections,
        # The whole codebook first, then its groups.
        "agreement_summary": sorted(
            (r for r in agreement if r["scope"] != "criterion"),
            key=lambda r: r["scope"] != "overall",
        ),
        "agreement_criteria": [r for r in agreement if r["scope"] == "criterion"],
        "scale_labels": labels,
        "entries": entries,
        "robustness": [
            {**r, "hangs_on": [{**h, "entry": entries.get(h["key"])} for h in r["hangs_on"]]}
            for r in data["robustness"]
        ],
    }


def _cell(cell: dict, criterion: dict, entries: dict, labels: dict, spans: dict) -> dict:
    items = [entries[k] for k in cell["items"] if k in entries]
    others = [
        {"entry": entries[o["key"]], "value": o["value"], "label": labels.get(o["value"], "")}
        for o in cell["other_items"]
        if o["key"] in entries
    ]
    has_detail = bool(items or others or cell["override"] or cell["carried_from"])
    return {
        **cell,
        "code": criterion["code"],
        "name": criterion["name"],
        "span": spans.get(cell["period"], ""),
        "label": labels.get(cell["value"], "not coded") if cell["value"] is not None else "",
        "anchor": f"cell-{cell['period']}-{criterion['code']}" if has_detail else "",
        "entries": sorted(items, key=lambda e: e["number"]),
        "others": others,
        "numbers": sorted(e["number"] for e in items),
    }
