from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.access import get_project_for, memberships_of
from cases.projects.progress import project_progress, projects_at_a_glance


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in start page: the user's projects, their role and progress in each (what
    the role may know: see ``projects_at_a_glance``)."""
    memberships = list(memberships_of(request.user))
    glances = projects_at_a_glance(memberships)
    rows = [(m, glances[m.project_id]) for m in memberships]
    return render(request, "cases/projects/list.html", {"rows": rows})


@login_required
def project_home(request: HttpRequest, slug: str) -> HttpResponse:
    """Progress at a glance. Coders see only their own numbers: counts of other coders' work or
    of disagreements would tell them something about other people's codes."""
    project, membership = get_project_for(request.user, slug)
    progress = project_progress(project, membership)
    return render(
        request,
        "cases/projects/home.html",
        {
            "project": project,
            "membership": membership,
            "progress": progress,
            "figures": progress.figures,
        },
    )
