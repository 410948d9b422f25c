"""Admins give items to coders: every coder, or k coders per item spread evenly."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cases.access import get_project_for
from cases.coding.assignments import assign_items
from cases.models import Assignment, Evidence, Membership, Period, Role


class AssignmentForm(forms.Form):
    coders = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    period = forms.ChoiceField(required=False, label="Items in")
    only_unassigned = forms.BooleanField(
        required=False, initial=True, label="Only items nobody has been assigned yet"
    )
    per_item = forms.IntegerField(
        required=False,
        min_value=1,
        label="Coders per item",
        help_text="Leave empty to give every item to every chosen coder. "
        "A number spreads items evenly, e.g. 2 for a double-coded reliability sample.",
    )

    def __init__(self, *args, coders: list[str], periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coders"].choices = [(c, c) for c in coders]
        self.fields["coders"].initial = coders
        self.fields["period"].choices = [("", "every dyad and period")] + [
            (str(p.pk), f"{p.dyad.code} {p.code} ({p.span})") for p in periods
        ]

    def clean(self):
        data = super().clean()
        per_item, chosen = data.get("per_item"), data.get("coders") or []
        if per_item and per_item > len(chosen):
            self.add_error("per_item", f"You chose {len(chosen)} coder(s); ask for at most that.")
        return data


@login_required
def assignments(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="manage")
    coder_memberships = (
        Membership.objects.filter(project=project, role=Role.CODER)
        .select_related("user")
        .order_by("user__username")
    )
    names = [m.user.username for m in coder_memberships]
    periods = (
        Period.objects.filter(dyad__project=project)
        .select_related("dyad")
        .order_by("dyad__code", "start_year")
    )
    form = AssignmentForm(request.POST or None, coders=names, periods=periods)
    if request.method == "POST" and form.is_valid():
        chosen = [
            m.user for m in coder_memberships if m.user.username in form.cleaned_data["coders"]
        ]
        period = (
            periods.filter(pk=form.cleaned_data["period"]).first()
            if form.cleaned_data["period"]
            else None
        )
        created = assign_items(
            project=project,
            coders=chosen,
            period=period,
            only_unassigned=form.cleaned_data["only_unassigned"],
            per_item=form.cleaned_data["per_item"],
        )
        messages.success(request, f"{created} assignment{'s' if created != 1 else ''} created.")
        return redirect("cases:assignments", slug=slug)
    submitted = Q(status=Assignment.Status.SUBMITTED)
    per_coder = (
        Assignment.objects.filter(evidence__project=project)
        .values("coder__username")
        .annotate(assigned=Count("id"), submitted=Count("id", filter=submitted))
        .order_by("coder__username")
    )
    unassigned = Evidence.objects.filter(project=project, assignments__isnull=True).count()
    return render(
        request,
        "cases/coding/assignments.html",
        {
            "project": project,
            "membership": membership,
            "form": form,
            "per_coder": per_coder,
            "unassigned": unassigned,
        },
    )
