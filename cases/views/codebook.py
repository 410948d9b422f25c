from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..access import get_project_for


def grouped_criteria(codebook) -> list[tuple[str, list[tuple[str, list]]]]:
    """Criteria as [(framework, [(group, [criterion, …]), …]), …] in codebook order."""
    criteria = list(codebook.criteria.order_by("order", "code"))
    frameworks = []
    for framework, rows in groupby(criteria, lambda c: c.framework):
        groups = [(group, list(items)) for group, items in groupby(rows, lambda c: c.group)]
        frameworks.append((framework, groups))
    return frameworks


@login_required
def codebook(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug)
    return render(
        request,
        "cases/codebook.html",
        {
            "project": project,
            "membership": membership,
            "frameworks": grouped_criteria(project.codebook),
            "scale": project.codebook.scale.all(),
        },
    )
