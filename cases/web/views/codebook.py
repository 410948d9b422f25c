from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.access import get_project_for
from cases.models import Criterion


def grouped_criteria(codebook) -> list[tuple[str, list[tuple[str, list]]]]:
    """The current criteria (not retired by a codebook version) as
    [(framework, [(group, [criterion, …]), …]), …] in codebook order."""
    criteria = list(codebook.criteria.current().in_codebook_order())
    frameworks = []
    for framework, rows in groupby(criteria, lambda c: c.framework):
        groups = [(group, list(items)) for group, items in groupby(rows, lambda c: c.group)]
        frameworks.append((framework, groups))
    return frameworks


@login_required
def codebook(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug)
    # Definitions may be refined while coding goes on; every edit is kept and counted here.
    revisions = {
        row["id"]: row
        for row in Criterion.history.filter(codebook=project.codebook)
        .values("id")
        .annotate(versions=Count("history_id"), last=Max("history_date"))
    }
    return render(
        request,
        "cases/projects/codebook.html",
        {
            "project": project,
            "membership": membership,
            "frameworks": grouped_criteria(project.codebook),
            "scale": project.codebook.scale.all(),
            "revisions": revisions,
        },
    )
