"""Memos and notifications: an item's discussion thread (shown on the evidence page), the
project's memo page, and each member's own notifications. Who may read and write what is in
``cases.discussion.memos``; nobody ever reads another member's notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from cases.access import get_project_for
from cases.discussion.memos import (
    MemoRefused,
    can_read_item_memos,
    can_write_project_memos,
    post_memo,
    project_memos,
)
from cases.discussion.notifications import mark_read, notifications_for
from cases.models import Evidence

PER_PAGE = 50


@login_required
@require_POST
def item_memo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Add a memo to an item's thread, then back to the evidence page's discussion."""
    project, membership = get_project_for(request.user, slug)
    item = get_object_or_404(Evidence, project=project, pk=pk)
    if not can_read_item_memos(membership, item):
        raise PermissionDenied(gettext("You may not take part in this item's discussion yet."))
    try:
        post_memo(membership=membership, evidence=item, body=request.POST.get("body", ""))
    except MemoRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Memo added."))
    return redirect(reverse("cases:evidence_detail", args=[slug, pk]) + "#discussion")


@login_required
def project_memo_page(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug)
    can_write = can_write_project_memos(membership)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied(gettext("Your role does not write the project's memos."))
        try:
            post_memo(membership=membership, body=request.POST.get("body", ""))
        except MemoRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("Memo added."))
        return redirect("cases:memos", slug=slug)
    memos = project_memos(project).order_by("-created_at", "-id")
    return render(
        request,
        "cases/discussion/memos.html",
        {
            "project": project,
            "membership": membership,
            "page": Paginator(memos, PER_PAGE).get_page(request.GET.get("page")),
            "can_write": can_write,
        },
    )


@login_required
def notifications(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug)
    rows = notifications_for(request.user, project).select_related("project")
    show = "unread" if request.GET.get("show") == "unread" else "all"
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    return render(
        request,
        "cases/discussion/notifications.html",
        {
            "project": project,
            "membership": membership,
            "page": Paginator(rows, PER_PAGE).get_page(request.GET.get("page")),
            "show": show,
        },
    )


@login_required
@require_POST
def read_notifications(request: HttpRequest, slug: str) -> HttpResponse:
    """Mark one notification (``id``) or all of the user's notifications read. A notification
    of someone else's simply matches nothing: the filter is by the signed-in user."""
    project, membership = get_project_for(request.user, slug)
    raw = request.POST.get("id", "")
    if raw and not raw.isdigit():
        messages.error(request, "id: not a notification.")
        return redirect("cases:notifications", slug=slug)
    mark_read(user=request.user, project=project, ids=[int(raw)] if raw else None)
    if raw and request.POST.get("open"):
        found = notifications_for(request.user, project).filter(pk=int(raw)).first()
        if found is not None:
            return redirect(target_of(found, membership))
    return redirect("cases:notifications", slug=slug)


def target_of(notification, membership) -> str:
    """Where a notification leads: the coding page of a returned or decided item (where the
    comment, or the comparison with the consensus, is), the queue for new assignments."""
    slug = notification.project.slug
    if notification.evidence_id and membership.can_code:
        return reverse("cases:code", args=[slug, notification.evidence_id])
    if notification.evidence_id:
        return reverse("cases:evidence_detail", args=[slug, notification.evidence_id])
    if membership.can_code:
        return reverse("cases:queue", args=[slug])
    return reverse("cases:project", args=[slug])
