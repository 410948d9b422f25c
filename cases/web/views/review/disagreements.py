"""The disagreement queue: the items whose submitted coders disagree, awaiting adjudication or
already decided (for revision), filtered by dyad, period, criterion and coder pair.

Admins and reviewers only (the "review" need): the queue shows where coders' codes differ.
The lists come from ``cases.review.queue``.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.access import get_project_for
from cases.review.queue import disagreement_queues
from cases.web.forms.review import QueueFilterForm, filter_query

PAGE_SIZE = 25


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="review")
    form = QueueFilterForm(request.GET, project=project)
    filters = form.filters()
    queues = disagreement_queues(project, **form.narrowing())
    page = Paginator(queues[filters["show"]], PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/review/disagreements.html",
        {
            "project": project,
            "membership": membership,
            "filters": filters,
            "problems": form.problems(),
            "counts": {name: len(items) for name, items in queues.items()},
            "page": page,
            "query": filter_query(filters),
            "awaiting_query": filter_query({**filters, "show": "awaiting"}),
            "decided_query": filter_query({**filters, "show": "decided"}),
        },
    )
