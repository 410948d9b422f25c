"""The disagreement queue: the items whose submitted coders disagree, awaiting adjudication or
already decided (for revision), filtered by dyad, period, criterion and coder pair.

Admins and reviewers only (the "review" need): the queue shows where coders' codes differ.
The lists come from ``cases.review.queue``: their ids are background figures
(``cases.lib.fresh_figures``), shown at once after a write, marked "updating", while a task
recomputes them; the page's own 25 items are read as they are now.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.access import get_project_for
from cases.lib.fresh_figures import Figures, figures_for
from cases.review.queue import queue_items
from cases.web.forms.review import QueueFilterForm, filter_query

PAGE_SIZE = 25


def queue_ids(project, narrowing: dict) -> Figures:
    """The ids of both lists ("awaiting", "decided") for the filters of ``narrowing``
    (``QueueFilterForm.narrowing``): current, or the newest computed while a task brings them
    up to date."""
    pair = narrowing["pair"]
    return figures_for(
        "disagreement-ids",
        project,
        {
            "dyad": getattr(narrowing["dyad"], "pk", None),
            "period": getattr(narrowing["period"], "pk", None),
            "criterion": narrowing["criterion"],
            "pair": list(pair) if pair else None,
        },
    )


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="review")
    form = QueueFilterForm(request.GET, project=project)
    filters = form.filters()
    fresh = queue_ids(project, form.narrowing())
    queues = fresh.value
    page = Paginator(queues[filters["show"]], PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queue_items(project, list(page.object_list))
    return render(
        request,
        "cases/review/disagreements.html",
        {
            "project": project,
            "membership": membership,
            "filters": filters,
            "problems": form.problems(),
            "counts": {name: len(ids) for name, ids in queues.items()},
            "page": page,
            "query": filter_query(filters),
            "awaiting_query": filter_query({**filters, "show": "awaiting"}),
            "decided_query": filter_query({**filters, "show": "decided"}),
            "figures": fresh,
        },
    )
