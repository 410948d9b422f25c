"""Coding rounds: the list and the trend, opening a round, a round's page, its gold set, closing.

Who sees what (DESIGN.md: assignments are the admins'; agreement figures and other people's
codes the admins' and reviewers'):

- admins open and close rounds; admins and reviewers record gold sets and see every coder's
  score and the round's agreement, open or closed;
- a coder sees only the rounds they code in, and in a calibration round, once it is closed,
  their own score and where they differed from the reference, on the items they submitted;
  never a gold value while the round is open, never another coder's score (a round they are
  not in is a 404, as if it did not exist);
- observers take no part in rounds (403), outsiders get 404 as everywhere.
"""

from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from cases.access import get_project_for
from cases.lib.cache import fingerprint_once
from cases.lib.fresh_figures import figures_for
from cases.models import Assignment, Criterion, Evidence, GoldValue, Membership, Role, Round
from cases.review.consensus import consensus_for
from cases.review.reliability import TENTATIVE
from cases.review.rounds.actions import (
    RoundRefused,
    close_round,
    create_round,
    items_without_gold,
    record_gold,
)
from cases.review.rounds.figures import coder_scores, round_agreement
from cases.web.collation import sorted_for_reader
from cases.web.forms.rounds import NOT_CODED, GoldForm, RoundForm
from cases.web.views.figures import figures_image

ROUNDS_PER_PAGE, ITEMS_PER_PAGE, DIFFERENCES_PER_PAGE = 20, 25, 50


def _text(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _takes_part(membership) -> None:
    if not (membership.can_code or membership.can_review):
        raise PermissionDenied(
            gettext("Your role (%(role)s) takes no part in coding rounds.")
            % {"role": membership.get_role_display()}
        )


def _round_for(request, slug: str, pk: int, need: str = "read"):
    """The project, the reader's membership and the round, or 404/403: a coder reaches only
    the rounds they code in."""
    project, membership = get_project_for(request.user, slug, need=need)
    _takes_part(membership)
    round_ = get_object_or_404(Round.objects.select_related("project"), project=project, pk=pk)
    if not membership.can_review and not round_.coders.filter(pk=request.user.pk).exists():
        raise Http404("No such round.")
    return project, membership, round_


# --- the list and the trend -----------------------------------------------------------------


@login_required
@fingerprint_once
def rounds(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug)
    _takes_part(membership)
    listed = Round.objects.filter(project=project)
    if not membership.can_review:
        # A subquery, not a join: a join on coders would make the count below count one coder.
        listed = listed.filter(pk__in=Round.objects.filter(coders=request.user).values("pk"))
    listed = listed.annotate(
        n_items=Count("items", distinct=True), n_coders=Count("coders", distinct=True)
    ).order_by("-opened_at", "-pk")
    page = Paginator(listed, ROUNDS_PER_PAGE).get_page(request.GET.get("page"))
    trend = figures = None
    if membership.can_review:
        # Current, or the newest computed while a background task recomputes them.
        figures = figures_for("rounds-trend", project, {})
        trend = [
            {
                **line,
                "application_text": _text((line["application"] or {}).get("alpha")),
                "value_text": _text((line["value"] or {}).get("alpha")),
            }
            for line in figures.value
        ]
    return render(
        request,
        "cases/rounds/list.html",
        {
            "project": project,
            "membership": membership,
            "page": page,
            "trend": trend,
            "figures": figures,
        },
    )


@login_required
@fingerprint_once
def trend_chart(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = get_project_for(request.user, slug, need="review")
    return figures_image(figures_for("rounds-trend-chart", project, {}))


# --- opening a round -----------------------------------------------------------------------


@login_required
def round_new(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="manage")
    coders = {
        m.user.username: m.user
        for m in sorted_for_reader(
            Membership.objects.filter(project=project, role=Role.CODER).select_related("user"),
            lambda m: m.user.username,
        )
    }
    form = RoundForm(request.POST or None, coders=list(coders))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        items = None
        if data["item_keys"]:
            items = list(Evidence.objects.filter(project=project, key__in=data["item_keys"]))
            unknown = sorted(set(data["item_keys"]) - {item.key for item in items})
            if unknown:
                form.add_error(
                    "items",
                    gettext("No such item in the project: %(keys)s.")
                    % {"keys": ", ".join(unknown)},
                )
        if form.is_valid():
            try:
                round_ = create_round(
                    project=project,
                    name=data["name"],
                    kind=data["kind"],
                    reference=data["reference"],
                    coders=[coders[name] for name in data["coders"]],
                    created_by=request.user,
                    items=items,
                    sample_size=data["sample_size"],
                    seed=data["seed"],
                )
            except RoundRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, gettext("Round %(name)s opened.") % {"name": round_.name})
                return redirect("cases:round", slug=slug, pk=round_.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "cases/rounds/new.html",
        {"project": project, "membership": membership, "form": form},
        status=status,
    )


# --- a round's page ------------------------------------------------------------------------


def _score_lines(scores) -> list[dict]:
    lines = []
    for score in scores:
        lines.append(
            {
                "coder": score.coder,
                "n_items": len(score.items),
                "overall": _shown_score(score.overall),
                "criteria": [_shown_score(s) for s in score.criteria],
            }
        )
    return lines


def _shown_score(score) -> dict:
    return {
        "criterion": score.criterion,
        "n_units": score.n_units,
        "n_agreeing": score.n_agreeing,
        "pa_text": _percent(score.percent_agreement),
        "kappa_text": _text(score.kappa),
        "reason": score.reason or "",
        "low": score.kappa is not None and score.kappa < TENTATIVE,
    }


def _agreement_lines(rows) -> dict | None:
    """The round's agreement rows, application and value side by side per criterion."""
    if rows is None:
        return None
    lines: dict[tuple, dict] = {}
    for row in rows:
        if row["scope"] == "group":
            continue
        line = lines.setdefault((row["scope"], row["key"]), {"key": row["key"]})
        line[row["measure"]] = {
            **row,
            "alpha_text": _text(row["alpha"]),
            "pa_text": _text(row["percent_agreement"]),
        }
    found = list(lines.values())
    return {"criteria": found[:-1], "overall": found[-1]}


@login_required
def round_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, membership, round_ = _round_for(request, slug, pk)
    context = {"project": project, "membership": membership, "round": round_}
    total = round_.items.count()
    if membership.can_review:
        context.update(_reviewer_view(request, round_, total))
    else:
        context.update(_coder_view(request, round_, total))
    return render(request, "cases/rounds/detail.html", context)


def _criteria_codes(project) -> list[str]:
    return list(
        Criterion.objects.filter(codebook_id=project.codebook_id)
        .in_codebook_order()
        .values_list("code", flat=True)
    )


def _reviewer_view(request, round_: Round, total: int) -> dict:
    coders = sorted_for_reader(round_.coders.all(), lambda user: user.username)
    items = round_.items.order_by("key").annotate(
        has_gold=Exists(GoldValue.objects.filter(round=round_, evidence=OuterRef("pk"))),
        n_submitted=Count(
            "assignments",
            filter=Q(
                assignments__status=Assignment.Status.SUBMITTED,
                assignments__coder__in=coders,
            ),
        ),
    )
    progress = dict(
        Assignment.objects.filter(
            evidence__rounds=round_, coder__in=coders, status=Assignment.Status.SUBMITTED
        )
        .values_list("coder__username")
        .annotate(n=Count("id"))
    )
    scores = None
    if round_.is_calibration:
        found, _ = coder_scores(round_, coders)
        scores = _score_lines(found)
    return {
        "criteria": _criteria_codes(round_.project),
        "items": Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page")),
        "coders": [{"name": c.username, "submitted": progress.get(c.username, 0)} for c in coders],
        "total": total,
        "missing_gold": items_without_gold(round_).count() if round_.uses_gold else 0,
        "scores": scores,
        "agreement": _agreement_lines(round_agreement(round_)),
    }


def _coder_view(request, round_: Round, total: int) -> dict:
    """The coder's own progress, and once a calibration round is closed their own score: the
    score of no one else is ever computed here."""
    submitted = Assignment.objects.filter(
        evidence__rounds=round_, coder=request.user, status=Assignment.Status.SUBMITTED
    ).count()
    found = {"total": total, "submitted": submitted, "mine": None}
    if round_.is_calibration and not round_.is_open:
        (score,), items = coder_scores(round_, [request.user])
        differences = [{"key": items[d.item], **asdict(d)} for d in score.differences]
        found["mine"] = {
            "overall": _shown_score(score.overall),
            "criteria": [_shown_score(s) for s in score.criteria],
            "n_items": len(score.items),
            "differences": Paginator(differences, DIFFERENCES_PER_PAGE).get_page(
                request.GET.get("page")
            ),
        }
    return found


@login_required
@require_POST
def round_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _, _, round_ = _round_for(request, slug, pk, need="manage")
    try:
        close_round(round_=round_)
    except RoundRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            gettext("Round %(name)s closed: its coders now see their scores.")
            % {"name": round_.name},
        )
    return redirect("cases:round", slug=slug, pk=pk)


# --- the gold set ----------------------------------------------------------------------------


def _gold_initial(round_: Round, item: Evidence, criteria) -> tuple[dict, str]:
    """The form's starting values: the gold recorded, or else the item's consensus."""
    recorded = dict(
        GoldValue.objects.filter(round=round_, evidence=item).values_list(
            "criterion__code", "value"
        )
    )
    if recorded:
        source = "recorded"
    else:
        recorded = dict(consensus_for([item.pk]).get(item.pk).values)
        source = "consensus" if recorded else ""
    initial = {
        c.code: NOT_CODED if recorded.get(c.code) is None else str(recorded[c.code])
        for c in criteria
    }
    return initial, source


@login_required
def gold_item(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    project, membership, round_ = _round_for(request, slug, pk, need="review")
    if not round_.uses_gold:
        raise Http404("This round has no gold set.")
    item = get_object_or_404(round_.items.select_related("source"), pk=item_pk)
    criteria = list(Criterion.objects.filter(codebook_id=project.codebook_id).in_codebook_order())
    scale = list(project.codebook.scale.values_list("value", "label"))
    initial, source = _gold_initial(round_, item, criteria)
    form = GoldForm(request.POST or None, criteria=criteria, scale=scale, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record_gold(
                round_=round_, evidence=item, values=form.values(), recorded_by=request.user
            )
        except RoundRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, gettext("Gold set of %(key)s recorded.") % {"key": item.key})
            following = items_without_gold(round_).order_by("key").first()
            if following is None:
                return redirect("cases:round", slug=slug, pk=pk)
            return redirect("cases:round_gold", slug=slug, pk=pk, item_pk=following.pk)
    return render(
        request,
        "cases/rounds/gold.html",
        {
            "project": project,
            "membership": membership,
            "round": round_,
            "item": item,
            "form": form,
            "source": source,
        },
        status=422 if request.method == "POST" else 200,
    )
