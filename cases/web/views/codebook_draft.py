"""The codebook draft (admins only): edit the next version, preview what publishing it does to
the codings, publish. Every write goes through ``cases.codebooks.drafts`` and
``cases.codebooks.publishing``; a refusal is shown as a message naming the field or the code.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from cases.access import get_project_for
from cases.codebooks.drafts import (
    DraftRefused,
    add_draft_criterion,
    add_draft_operation,
    discard_draft,
    draft_criteria,
    draft_for,
    edit_draft_criterion,
    remove_draft_criterion,
    remove_draft_operation,
    start_draft,
)
from cases.codebooks.plan import describe
from cases.codebooks.publishing import preview_publication, publish_codebook_version
from cases.codebooks.snapshots import current_number
from cases.models import Evidence


def _codes(raw: str) -> list[str]:
    return [code.strip() for code in raw.replace(",", " ").split() if code.strip()]


def _criterion_fields(post) -> dict:
    order = post.get("order", "0").strip() or "0"
    if not order.isdigit():
        raise DraftRefused("order: a whole number, 0 or more.")
    return {
        "code": post.get("code", "").strip(),
        "framework": post.get("framework", "").strip(),
        "name": post.get("name", "").strip(),
        "group": post.get("group", "").strip(),
        "definition": post.get("definition", "").strip(),
        "indicators": [
            line.strip() for line in post.get("indicators", "").splitlines() if line.strip()
        ],
        "order": int(order),
    }


def _operation(post) -> dict:
    op = post.get("op", "")
    if op == "rename":
        return {
            "op": op,
            "from": post.get("source", "").strip(),
            "to": post.get("target", "").strip(),
        }
    if op == "merge":
        return {
            "op": op,
            "from": _codes(post.get("source", "")),
            "to": post.get("target", "").strip(),
        }
    if op == "split":
        return {
            "op": op,
            "from": post.get("source", "").strip(),
            "to": _codes(post.get("target", "")),
        }
    if op == "retire":
        return {"op": op, "code": post.get("source", "").strip()}
    raise DraftRefused("change: choose rename, merge, split or retire.")


def _apply(action: str, codebook, user, post) -> str:
    """One edit of the draft; returns what to tell the admin."""
    if action == "start":
        start_draft(codebook=codebook, user=user)
        return gettext("Draft started from the published codebook.")
    if action == "add":
        fields = _criterion_fields(post)
        add_draft_criterion(codebook=codebook, user=user, fields=fields)
        return gettext("%(code)s added to the draft.") % {"code": fields["code"]}
    if action == "edit":
        fields = _criterion_fields(post)
        fields.pop("framework")
        code = fields.pop("code")
        edit_draft_criterion(codebook=codebook, user=user, code=code, fields=fields)
        return gettext("%(code)s changed in the draft.") % {"code": code}
    if action == "remove":
        code = post.get("code", "")
        remove_draft_criterion(codebook=codebook, user=user, code=code)
        return gettext("%(code)s taken out of the draft.") % {"code": code}
    if action == "operation":
        operation = _operation(post)
        add_draft_operation(codebook=codebook, user=user, operation=operation)
        return gettext("Added to the map: %(change)s.") % {"change": describe(operation)}
    if action == "unmap":
        try:
            index = int(post.get("index", ""))
        except ValueError:
            raise DraftRefused("That change is no longer in the draft.") from None
        remove_draft_operation(codebook=codebook, user=user, index=index)
        return gettext("Change taken out of the map.")
    if action == "discard":
        discard_draft(codebook=codebook)
        return gettext("Draft discarded.")
    raise DraftRefused("Unknown action.")


@login_required
def draft(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="manage")
    codebook = project.codebook
    if request.method == "POST":
        try:
            messages.success(
                request,
                _apply(request.POST.get("action", ""), codebook, request.user, request.POST),
            )
        except DraftRefused as refused:
            messages.error(request, str(refused))
        return redirect("cases:codebook_draft", slug=project.slug)
    current = draft_for(codebook)
    criteria = draft_criteria(current) if current else []
    return render(
        request,
        "cases/codebook/draft.html",
        {
            "project": project,
            "membership": membership,
            "draft": current,
            "criteria": criteria,
            "active_codes": [c["code"] for c in criteria if not c["retired"]],
            "operations": [describe(op) for op in current.operations] if current else [],
            "next_number": current_number(codebook) + 1,
        },
    )


def _marks_shown(preview, limit: int = 50) -> list[dict]:
    """The first marks the preview lists, with the items' keys and the coders' names."""
    marks = (preview.codings.marks + preview.consensus.marks)[:limit]
    keys = dict(Evidence.objects.filter(pk__in={m.item for m in marks}).values_list("pk", "key"))
    names = dict(
        get_user_model()
        .objects.filter(pk__in={m.coder for m in marks if m.coder})
        .values_list("pk", "username")
    )
    return [
        {
            "item": keys.get(m.item, m.item),
            "who": names.get(m.coder, "?") if m.coder else "consensus",
            "reason": m.reason,
        }
        for m in marks
    ]


@login_required
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the preview of exactly what publishing does; POST: publish what was previewed."""
    project, membership = get_project_for(request.user, slug, need="manage")
    codebook = project.codebook
    current = draft_for(codebook)
    if current is None:
        messages.error(request, gettext("There is no draft to publish: start one first."))
        return redirect("cases:codebook_draft", slug=project.slug)
    if request.method == "POST":
        try:
            version = publish_codebook_version(
                codebook=codebook,
                user=request.user,
                note=request.POST.get("note", "").strip(),
                previewed=request.POST.get("previewed", ""),
            )
        except DraftRefused as refused:
            messages.error(request, str(refused))
            return redirect("cases:codebook_publish", slug=project.slug)
        messages.success(
            request, gettext("Version %(number)s published.") % {"number": version.number}
        )
        diff_page = reverse("cases:codebook_diff", kwargs={"slug": project.slug})
        return redirect(f"{diff_page}?from={version.number - 1}&to={version.number}")
    try:
        preview = preview_publication(current)
    except DraftRefused as refused:
        messages.error(request, str(refused))
        return redirect("cases:codebook_draft", slug=project.slug)
    return render(
        request,
        "cases/codebook/publish.html",
        {
            "project": project,
            "membership": membership,
            "preview": preview,
            "codings": preview.codings.counts(),
            "consensus": preview.consensus.counts(),
            "marks": _marks_shown(preview),
            "operations": [describe(op) for op in current.operations],
            "marked_total": len(preview.codings.marks) + len(preview.consensus.marks),
        },
    )
