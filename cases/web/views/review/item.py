"""One item's adjudication: each submitted coder's codes and notes side by side, the consensus
and its history, and the reviewer's decision, after which the page moves on to the next item of
the queue the reviewer came from.

Admins and reviewers only (the "review" need): coders must never learn another coder's codes.
Decisions are written by ``cases.review.adjudication.adjudicate_item``, whose checks the API shares.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods

from cases.access import get_project_for
from cases.coding.actions import review_started
from cases.lib.versioning import StaleWrite
from cases.models import Assignment, Coding, Consensus, Criterion, Evidence
from cases.review import adjudication
from cases.review.adjudication import AdjudicationRefused
from cases.review.queue import next_id
from cases.sources.citations import format_item_citation
from cases.web.collation import sorted_for_reader
from cases.web.forms.review import DecisionForm, QueueFilterForm, filter_query
from cases.web.views.review.disagreements import queue_ids

STALE_DECISION = gettext_lazy(
    "Someone changed this item's consensus since this page loaded, so your decision was not "
    "recorded. The page now shows the current state; check it and decide again."
)


def _item_rows(item: Evidence, codes: list[str], posted: dict | None) -> tuple[list, list, list]:
    """Per criterion of the decision: each submitted coder's value and note, the consensus, and
    the value the picker starts on (what was posted, the current decision, or the coders'
    common value; nothing where they disagree, so the reviewer has to choose)."""
    assignments = sorted_for_reader(
        Assignment.objects.filter(evidence=item).select_related("coder"), lambda a: a.coder.username
    )
    submitted = [a.coder for a in assignments if a.status == Assignment.Status.SUBMITTED]
    waiting = [a.coder.username for a in assignments if a.status != Assignment.Status.SUBMITTED]
    codings = {
        (c.coder_id, c.criterion.code): c
        for c in Coding.objects.filter(evidence=item, coder__in=submitted).select_related(
            "criterion"
        )
    }
    decisions = {
        c.criterion.code: c
        for c in Consensus.objects.filter(evidence=item).select_related("criterion", "decided_by")
    }
    criteria = {
        c.code: c
        for c in Criterion.objects.filter(codebook_id=item.project.codebook_id, code__in=codes)
    }
    labels = {point.value: point.label for point in item.project.codebook.scale.all()}

    def shown(value):
        if value is None:
            return {"value": "–", "label": "not coded", "missing": True}
        return {"value": str(value), "label": labels.get(value, ""), "missing": False}

    rows = []
    for code in codes:
        codings_here = [codings.get((coder.pk, code)) for coder in submitted]
        given = {c.value if c else None for c in codings_here}
        decision = decisions.get(code)
        if posted is not None and code in posted:
            chosen = posted[code]
        elif decision is not None:
            chosen = "" if decision.value is None else str(decision.value)
        elif len(given) == 1:
            (common,) = given
            chosen = "" if common is None else str(common)
        else:
            chosen = None
        rows.append(
            {
                "code": code,
                "criterion": criteria.get(code),
                "cells": [
                    {**shown(c.value if c else None), "note": c.note if c else ""}
                    for c in codings_here
                ],
                "disputed": len(given) > 1,
                "decision": decision,
                "decision_shown": shown(decision.value) if decision else None,
                "version": decision.version if decision else 0,
                "chosen": chosen,
            }
        )
    rows.sort(key=lambda row: not row["disputed"])  # the disputes first
    return rows, [c.username for c in submitted], waiting


def _item_page(request, project, membership, item, *, posted=None, error="", status=200):
    codes = adjudication.decision_codes(item)
    rows, coders, waiting = _item_rows(item, codes, posted)
    history = (
        Consensus.history.filter(evidence=item)
        .select_related("decided_by", "criterion")
        .order_by("-history_date", "-history_id")[:60]
    )
    return render(
        request,
        "cases/review/item.html",
        {
            "project": project,
            "membership": membership,
            "item": item,
            "citation": format_item_citation(
                item.cited_sources(), item.cite, project.citation_style
            ),
            "rows": rows,
            "codes": codes,
            "coders": coders,
            "waiting": waiting,
            "scale": list(project.codebook.scale.all()),
            "history": history,
            "current_rationales": sorted(
                {row["decision"].rationale for row in rows if row["decision"]} - {""}
            ),
            "rationale": (posted or {}).get("rationale", ""),
            # Returning an item to a coder: possible until a reviewer decides it.
            "returnable": [] if review_started(item) else coders,
            "returns": Assignment.objects.filter(evidence=item, returned_at__isnull=False)
            .select_related("coder", "returned_by")
            .order_by("-returned_at"),
            "error": error,
            "query": request.GET.urlencode(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def adjudicate_item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="review")
    item = get_object_or_404(
        Evidence.objects.select_related("dyad", "period", "source", "project"),
        project=project,
        pk=pk,
    )
    page = partial(_item_page, request, project, membership, item)
    if request.method == "GET":
        return page()
    form = DecisionForm(request.POST, codes=adjudication.decision_codes(item))
    form.is_valid()
    posted = form.as_posted()
    kept = {"rationale": posted["rationale"]}  # a stale page's picks are void; its text is kept
    if form.is_stale():
        # A coder submitted or reopened since the page loaded: the decision covers other codes.
        return page(posted=kept, error=STALE_DECISION, status=409)
    if form.problem():
        return page(posted=posted, error=form.problem(), status=422)
    # The queue the reviewer came from (its filters ride on the query string), read before the
    # decision takes the item out of it, so the next one is the one after this item.
    queue_filters = QueueFilterForm(request.GET, project=project)
    filters = queue_filters.filters()
    queue = queue_ids(project, queue_filters.narrowing()).value[filters["show"]]
    try:
        adjudication.adjudicate_item(
            evidence=item,
            reviewer=request.user,
            values=form.values(),
            rationale=posted["rationale"],
            versions=form.versions(),
        )
    except StaleWrite:
        return page(posted=kept, error=STALE_DECISION, status=409)
    except AdjudicationRefused as exc:
        return page(posted=posted, error=str(exc), status=422)
    following_pk = next_id(queue, item.pk)
    following = Evidence.objects.filter(project=project, pk=following_pk).first()
    query = filter_query(filters)
    if following is None:
        messages.success(
            request, gettext("%(key)s: decision recorded. The queue is empty.") % {"key": item.key}
        )
        target = reverse("cases:review_disagreements", args=[slug])
    else:
        messages.success(
            request,
            gettext("%(key)s: decision recorded. Next: %(next)s.")
            % {"key": item.key, "next": following.key},
        )
        target = reverse("cases:review_item", args=[slug, following.pk])
    return redirect(f"{target}?{query}" if query else target)
