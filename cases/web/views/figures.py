"""Whether a page's figures are current: what a page showing older figures, marked "updating",
asks every few seconds (static/js/figures.js) before reloading."""

import re
from datetime import UTC

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from cases.access import get_project_for
from cases.lib.fresh_figures import Figures, is_current, recomputation_pending

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


def as_of(figures: Figures) -> str | None:
    """When figures that are not current were computed (ISO 8601, UTC), as their pages' stamp
    says; None for current figures, which carry no time: it would tell a coder when others
    wrote."""
    if figures.current:
        return None
    return figures.computed_at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def figures_image(figures: Figures) -> HttpResponse:
    """An SVG of figures. An image has no room for the pages' "updating" stamp: its headers
    say whether it is current (X-Figures-Current: true or false) and, when not, the time the
    figures it draws were computed (X-Figures-As-Of)."""
    response = HttpResponse(figures.value, content_type="image/svg+xml")
    response["X-Figures-Current"] = "true" if figures.current else "false"
    if not figures.current:
        response["X-Figures-As-Of"] = as_of(figures)
    return response
