"""Admins give items to coders — every coder or k per item; all items, a dyad, a period, a list
of items or a seeded random sample of them — set the project's coders per item and
auto-assignment, and watch coverage and each coder's progress."""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext

from cases.access import get_project_for
from cases.coding.assignments import (
    SEED_LIMIT,
    AssignmentRefused,
    Sample,
    assign_batch,
)
from cases.lib.fresh_figures import figures_for
from cases.models import AssignmentBatch, Dyad, Evidence, Membership, Period, Role
from cases.web.collation import sorted_for_reader


class AssignmentForm(forms.Form):
    coders = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    dyad = forms.ChoiceField(required=False, label="Dyad")
    period = forms.ChoiceField(required=False, label="Period")
    keys = forms.CharField(
        required=False,
        label="Only these items",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Item keys separated by spaces, commas or lines; empty for every item.",
    )
    only_unassigned = forms.BooleanField(
        required=False, initial=True, label="Only items nobody has been assigned yet"
    )
    sample_size = forms.IntegerField(
        required=False, min_value=1, label="Random sample: number of items"
    )
    sample_share = forms.IntegerField(
        required=False, min_value=1, max_value=100, label="or share of the items (%)"
    )
    seed = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=SEED_LIMIT - 1,
        label="Seed",
        help_text="The same seed draws the same sample from the same items; empty draws a "
        "new seed, which is shown and recorded.",
    )
    per_item = forms.IntegerField(
        required=False,
        min_value=1,
        label="Coders per item",
        help_text="Leave empty to give every item to every chosen coder. "
        "A number spreads items evenly, e.g. 2 for a double-coded reliability sample.",
    )

    def __init__(self, *args, project, coders: list[str], dyads, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["coders"].choices = [(c, c) for c in coders]
        self.fields["coders"].initial = coders
        self.dyads = {str(d.pk): d for d in dyads}
        self.periods = {str(p.pk): p for p in periods}
        self.fields["dyad"].choices = [("", "every dyad")] + [
            (pk, f"{d.code} {d.name}") for pk, d in self.dyads.items()
        ]
        self.fields["period"].choices = [("", "every period")] + [
            (pk, f"{p.dyad.code} {p.code} ({p.span})") for pk, p in self.periods.items()
        ]

    def clean_keys(self):
        keys = [k for k in re.split(r"[\s,;]+", self.cleaned_data["keys"]) if k]
        if not keys:
            return None
        found = dict(
            Evidence.objects.filter(project=self.project, key__in=keys).values_list("key", "pk")
        )
        unknown = [k for k in keys if k not in found]
        if unknown:
            raise forms.ValidationError(
                gettext("No such item in this project: %(keys)s.") % {"keys": ", ".join(unknown)}
            )
        return list(found.values())

    def clean(self):
        data = super().clean()
        per_item, chosen = data.get("per_item"), data.get("coders") or []
        if per_item and per_item > len(chosen):
            self.add_error(
                "per_item",
                ngettext(
                    "You chose %(count)s coder; ask for at most that.",
                    "You chose %(count)s coders; ask for at most that.",
                    len(chosen),
                )
                % {"count": len(chosen)},
            )
        dyad, period = (
            self.dyads.get(data.get("dyad") or ""),
            self.periods.get(data.get("period") or ""),
        )
        if dyad and period and period.dyad_id != dyad.pk:
            self.add_error(
                "period",
                gettext("%(period)s is a period of %(its)s, not of %(dyad)s.")
                % {"period": period.code, "its": period.dyad.code, "dyad": dyad.code},
            )
        data["dyad_obj"], data["period_obj"] = dyad, period
        if data.get("sample_size") and data.get("sample_share"):
            self.add_error("sample_share", gettext("Give a number of items or a share, not both."))
        if data.get("seed") is not None and not (
            data.get("sample_size") or data.get("sample_share")
        ):
            self.add_error(
                "seed", gettext("A seed draws a random sample: give its size or share too.")
            )
        return data

    def sample(self) -> Sample | None:
        data = self.cleaned_data
        if data.get("sample_size"):
            return Sample(size=data["sample_size"], seed=data.get("seed"))
        if data.get("sample_share"):
            return Sample(share=data["sample_share"] / 100, seed=data.get("seed"))
        return None


class ProjectAssignmentSettingsForm(forms.Form):
    coders_per_item = forms.IntegerField(
        min_value=1,
        max_value=100,
        label="Coders per item",
        help_text="Items with fewer coders are listed at the top of this page.",
    )
    auto_assign_coders = forms.IntegerField(
        min_value=0,
        max_value=100,
        label="Auto-assign new evidence to",
        help_text="coders (those with the fewest open items; ties by name). 0: off. Applies to "
        "items added on the evidence page, through the API and by a bundle import.",
    )


@login_required
def assignments(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="manage")
    coder_memberships = sorted_for_reader(
        Membership.objects.filter(project=project, role=Role.CODER).select_related("user"),
        lambda m: m.user.username,
    )
    names = [m.user.username for m in coder_memberships]
    dyads = Dyad.objects.filter(project=project).order_by("code")
    periods = (
        Period.objects.filter(dyad__project=project)
        .select_related("dyad")
        .order_by("dyad__code", "start_year")
    )
    posted_settings = request.method == "POST" and "save_settings" in request.POST
    settings_form = ProjectAssignmentSettingsForm(
        request.POST if posted_settings else None,
        initial={
            "coders_per_item": project.coders_per_item,
            "auto_assign_coders": project.auto_assign_coders,
        },
    )
    form = AssignmentForm(
        request.POST if request.method == "POST" and not posted_settings else None,
        project=project,
        coders=names,
        dyads=dyads,
        periods=periods,
    )
    if posted_settings and settings_form.is_valid():
        project.coders_per_item = settings_form.cleaned_data["coders_per_item"]
        project.auto_assign_coders = settings_form.cleaned_data["auto_assign_coders"]
        project.save(update_fields=["coders_per_item", "auto_assign_coders"])
        messages.success(request, gettext("Assignment settings saved."))
        return redirect("cases:assignments", slug=slug)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        chosen = [m.user for m in coder_memberships if m.user.username in data["coders"]]
        try:
            made = assign_batch(
                project=project,
                coders=chosen,
                dyad=data["dyad_obj"],
                period=data["period_obj"],
                items=None
                if data["keys"] is None
                else Evidence.objects.filter(pk__in=data["keys"]),
                only_unassigned=data["only_unassigned"],
                per_item=data["per_item"],
                sample=form.sample(),
                made_by=request.user,
            )
        except AssignmentRefused as exc:
            form.add_error(None, str(exc))
        else:
            message = ngettext(
                "%(count)d assignment created.", "%(count)d assignments created.", made.created
            ) % {"count": made.created}
            if made.seed:
                message += " " + gettext("Seed %(seed)s: the same seed draws the same items.") % {
                    "seed": made.seed
                }
            messages.success(request, message)
            return redirect("cases:assignments", slug=slug)
    # Coverage and each coder's progress count every assignment of the project (a large
    # project: a few hundred milliseconds): background figures, shown at once after a write,
    # marked updating.
    figures = figures_for("assignment-progress", project, {})
    return render(
        request,
        "cases/coding/assignments.html",
        {
            "project": project,
            "membership": membership,
            "form": form,
            "settings_form": settings_form,
            "progress": figures.value["progress"],
            "coverage": figures.value["coverage"],
            "figures": figures,
            "batches": AssignmentBatch.objects.filter(project=project).select_related("made_by")[
                :10
            ],
        },
    )
