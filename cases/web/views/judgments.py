"""A coder's holistic stage verdict per dyad and period. Coders see and write only their own."""

from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.access import get_project_for
from cases.classification.rule import has_coupling
from cases.lib import limits
from cases.lib.versioning import StaleWrite, claim_version
from cases.models import Coupling, Period, Stage, StageJudgment

STALE = gettext_lazy(
    "Changed in another tab or window since this page loaded; your verdict was not saved."
)


def _card(period, judgment, *, message: str = "", level: str = "", form: dict | None = None):
    return {
        "period": period,
        "judgment": judgment,
        "version": judgment.version if judgment else 0,
        "form": form
        or (
            {
                "stage": judgment.stage,
                "coupling": judgment.coupling or "",
                "rationale": judgment.rationale,
            }
            if judgment
            else {}
        ),
        "message": message,
        "level": level,
    }


@login_required
def judgments(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="code")
    periods = (
        Period.objects.filter(dyad__project=project)
        .select_related("dyad")
        .order_by("dyad__code", "start_year")
    )
    mine = {
        j.period_id: j
        for j in StageJudgment.objects.filter(period__dyad__project=project, coder=request.user)
    }
    cards = [_card(p, mine.get(p.pk)) for p in periods]
    return render(
        request,
        "cases/coding/judgments.html",
        {
            "project": project,
            "membership": membership,
            "cards": cards,
            "stages": Stage.choices,
            "couplings": Coupling.choices,
        },
    )


def _validate(post) -> tuple[dict, str]:
    form = {k: post.get(k, "").strip() for k in ("stage", "coupling", "rationale")}
    if form["stage"] not in Stage.values:
        return form, "Choose a stage."
    if form["coupling"] and form["coupling"] not in Coupling.values:
        return form, "Choose loosely or tightly coupled."
    if form["coupling"] and not has_coupling(form["stage"]):
        return form, "Only a mature community is loosely or tightly coupled: clear the coupling."
    if has_coupling(form["stage"]) and not form["coupling"]:
        return form, "A mature community is loosely or tightly coupled: choose one."
    problem = limits.text_problem(form["rationale"], limits.RATIONALE)
    if problem:
        return form, f"Rationale: {problem}; nothing was saved."
    return form, ""


@login_required
@require_POST
def save_judgment(request: HttpRequest, slug: str, period_pk: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="code")
    period = get_object_or_404(
        Period.objects.select_related("dyad"), pk=period_pk, dyad__project=project
    )
    context = {"project": project, "stages": Stage.choices, "couplings": Coupling.choices}
    current = StageJudgment.objects.filter(period=period, coder=request.user).first()
    form, problem = _validate(request.POST)
    if problem:
        context["card"] = _card(period, current, message=problem, level="error", form=form)
        return render(request, "cases/coding/_judgment_card.html", context, status=422)
    try:
        version = int(request.POST.get("version", "0"))
    except ValueError:
        version = -1
    try:
        current = _write(period, request.user, current, form, version)
    except StaleWrite:
        context["card"] = _card(period, current, message=STALE, level="error")
        return render(request, "cases/coding/_judgment_card.html", context, status=409)
    context["card"] = _card(period, current, message="Saved", level="ok")
    return render(request, "cases/coding/_judgment_card.html", context)


def _write(period, coder, current, form: dict, version: int) -> StageJudgment:
    """Create the verdict (the page showed none: version 0) or compare-and-set the shown one."""
    with transaction.atomic():
        if current is None:
            if version != 0:
                raise StaleWrite
            try:
                with transaction.atomic():
                    return StageJudgment.objects.create(
                        period=period,
                        coder=coder,
                        stage=form["stage"],
                        coupling=form["coupling"] or None,
                        rationale=form["rationale"],
                    )
            except IntegrityError:  # saved a moment ago in another tab
                raise StaleWrite from None
        claim_version(StageJudgment, current.pk, version)
        current.refresh_from_db()
        current.stage, current.coupling = form["stage"], form["coupling"] or None
        current.rationale = form["rationale"]
        current.save(update_fields=["stage", "coupling", "rationale", "updated_at"])
        return current
