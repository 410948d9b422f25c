"""Period overrides: the list of a project's overrides beside the value the rule derives, and
the form that adds one or edits it (``?edit=<id>``).

Admins and reviewers only (the "review" need). Overrides are written by
``cases.review.overrides.set_period_override``, as in the API and the admin.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from cases.access import get_project_for
from cases.lib.fresh_figures import figures_for
from cases.lib.versioning import StaleWrite
from cases.models import Criterion, Period, PeriodOverride, codebook_order
from cases.review.adjudication import AdjudicationRefused
from cases.review.overrides import set_period_override
from cases.web.forms.review import EditOverrideForm, OverrideForm


def _form_values(request, project, form: OverrideForm | None, *, refresh: bool) -> dict:
    """The form's values as text: as posted, or from the override being edited (?edit=id).

    ``refresh`` (after a stale write): the posted values against the current version, so the
    reviewer sees what is stored now and can decide again.
    """
    if form is not None:
        values = form.as_posted()
        period, criterion = form.cleaned_data.get("period"), form.cleaned_data.get("criterion")
        row = (
            PeriodOverride.objects.filter(period=period, criterion=criterion).first()
            if period and criterion
            else None
        )
        if row is not None and (refresh or values["version"] not in ("", "0")):
            values["editing"] = row
            if refresh:
                values["version"] = str(row.version)
        return values
    row = EditOverrideForm(request.GET, project=project).row()
    if row is None:
        return {"version": "0"}
    return {
        "period": str(row.period_id),
        "criterion": row.criterion.code,
        "value": str(row.value),
        "rationale": row.rationale,
        "version": str(row.version),
        "editing": row,
    }


def _save_override(request, form: OverrideForm) -> tuple[str, int]:
    """Record the posted override; return ("", 200) or the message and status to show."""
    if not form.is_valid():
        return form.problem(), 422
    period, criterion = form.cleaned_data["period"], form.cleaned_data["criterion"]
    version = form.cleaned_data["version"]
    try:
        row = set_period_override(
            period=period,
            criterion=criterion,
            reviewer=request.user,
            value=form.cleaned_data["value"],
            rationale=form.cleaned_data["rationale"],
            version=version,
        )
    except AdjudicationRefused as exc:
        return str(exc), 422
    except StaleWrite:
        if version == 0:
            return (
                f"{period.dyad.code} {period.code} already has an override for {criterion.code}; "
                "edit that one instead. Nothing was saved.",
                409,
            )
        return (
            "This override was changed by someone else since the page loaded; nothing was saved. "
            "The table shows the current value.",
            409,
        )
    messages.success(
        request,
        gettext("%(dyad)s %(period)s · %(criterion)s set to %(value)s.")
        % {
            "dyad": period.dyad.code,
            "period": period.code,
            "criterion": criterion.code,
            "value": row.value,
        },
    )
    return "", 200


@login_required
@require_http_methods(["GET", "POST"])
def overrides(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="review")
    form, error, status = None, "", 200
    if request.method == "POST":
        form = OverrideForm(request.POST, project=project)
        error, status = _save_override(request, form)
        if not error:
            return redirect("cases:review_overrides", slug=slug)
    rows = list(
        PeriodOverride.objects.filter(period__dyad__project=project)
        .select_related("period", "period__dyad", "criterion", "decided_by")
        .order_by("period__dyad__code", "period__start_year", *codebook_order(via="criterion__"))
    )
    # What the rule derives classifies the overridden dyads (seconds on a large project): kept
    # as background figures, shown at once after a write, marked updating. No override, no
    # figures.
    fresh = figures_for("override-derived", project, {}) if rows else None
    derived = fresh.value if fresh else {}
    for row in rows:
        row.derived = derived.get((row.period_id, row.criterion.code))
    return render(
        request,
        "cases/review/overrides.html",
        {
            "project": project,
            "membership": membership,
            "rows": rows,
            "form": _form_values(request, project, form, refresh=status == 409),
            "periods": Period.objects.filter(dyad__project=project)
            .select_related("dyad")
            .order_by("dyad__code", "start_year"),
            "criteria": Criterion.objects.filter(
                codebook_id=project.codebook_id
            ).in_codebook_order(),
            "scale": list(project.codebook.scale.all()),
            "error": error,
            "figures": fresh,
        },
        status=status,
    )
