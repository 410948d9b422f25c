"""Whether a page's figures are current: what a page showing older figures, marked "updating",
asks every few seconds (static/js/figures.js) before reloading."""

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from cases.access import get_project_for
from cases.lib.fresh_figures import is_current, recomputation_pending

PAGE = re.compile(r"[a-z-]{1,40}:[0-9a-f]{32}")


@login_required
@require_GET
def status(request: HttpRequest, slug: str) -> JsonResponse:
    """{"current": whether the page's figures for the data as they are now are computed,
    "pending": whether a recomputation of the project's figures is queued}. The answer names
    nothing of the figures themselves, so every member may ask."""
    project, _ = get_project_for(request.user, slug, need="read")
    page = request.GET.get("page", "")
    if not PAGE.fullmatch(page):
        return JsonResponse({"error": "page: expected a figures page name"}, status=400)
    return JsonResponse(
        {"current": is_current(project, page), "pending": recomputation_pending(project.pk)}
    )
