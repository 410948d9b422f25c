"""A reviewer (or admin) returns a submitted item to one of its coders with a comment, from the
item's review page. ``cases.coding.actions.return_assignment`` holds the rules (the API shares
them): only a submitted item, only until a reviewer has decided it, never without a comment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from cases.access import get_project_for
from cases.coding.actions import CodingRefused, return_assignment
from cases.models import Assignment, Evidence


@login_required
@require_POST
def return_item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="review")
    item = get_object_or_404(Evidence.objects.select_related("project"), project=project, pk=pk)
    assignment = (
        Assignment.objects.filter(evidence=item, coder__username=request.POST.get("coder", ""))
        .select_related("coder")
        .first()
    )
    if assignment is None:
        messages.error(request, gettext("Coder: choose a coder assigned to this item."))
        return redirect("cases:review_item", slug=slug, pk=pk)
    try:
        return_assignment(
            evidence=item,
            coder=assignment.coder,
            reviewer=request.user,
            comment=request.POST.get("comment", ""),
        )
    except CodingRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            gettext("%(key)s returned to %(coder)s with your comment.")
            % {"key": item.key, "coder": assignment.coder.username},
        )
    return redirect("cases:review_item", slug=slug, pk=pk)
