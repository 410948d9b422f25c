"""The Django forms of the review pages: the filter bar (GET), an item's decision and a period
override (POST).

They read requests only. A filter that names nothing in the project is dropped with a message
naming it, and the other filters still apply; what a decision or an override must satisfy
beyond its form is checked by the writes themselves (``cases.review.adjudication``,
``cases.review.overrides``), so the API and the admin refuse the same things.
"""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy

from cases.lib import limits
from cases.models import Criterion, Dyad, Period, PeriodOverride, Project
from cases.review.submitted_codes import coders_with_submissions

# --- the filter bar ------------------------------------------------------------------------


class ReviewFilterForm(forms.Form):
    """The agreement page's filters: a dyad and a pair of coders with submitted items.

    The choices are read once, in a fixed number of queries, and kept for the filter bar;
    ``filters()`` gives the chosen objects (None: not filtered), ``problems()`` one line per
    filter that was dropped.
    """

    dyad = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": gettext_lazy("this project has no dyad %(value)s.")},
    )
    pair = forms.ChoiceField(
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("%(value)s is not two coders with submitted items.")
        },
    )

    def __init__(self, data, *, project: Project, coders: list[str] | None = None):
        """``coders``: the coders with submitted items, when the caller has them (kept as
        figures: the agreement page's); read here otherwise."""
        super().__init__(data)
        self.dyads = list(Dyad.objects.filter(project=project).order_by("code"))
        if coders is None:
            coders = coders_with_submissions(project)
        self.pairs = [
            (f"{a},{b}", f"{a} & {b}") for i, a in enumerate(coders) for b in coders[i + 1 :]
        ]
        self.fields["dyad"].choices = [(d.code, d.code) for d in self.dyads]
        self.fields["pair"].choices = self.pairs

    def clean_dyad(self) -> Dyad | None:
        code = self.cleaned_data["dyad"]
        return next((d for d in self.dyads if d.code == code), None)

    def clean_pair(self) -> tuple[str, ...] | None:
        pair = self.cleaned_data["pair"]
        return tuple(pair.split(",")) if pair else None

    def filters(self) -> dict:
        """The valid filters and the filter bar's choices, for the views and the templates."""
        self.is_valid()
        return {
            "dyads": self.dyads,
            "pairs": self.pairs,
            "dyad": self.cleaned_data.get("dyad"),
            "pair": self.cleaned_data.get("pair"),
        }

    def problems(self) -> list[str]:
        """One line per dropped filter, named as in the query string."""
        self.is_valid()
        return [f"{name}: {errors[0]}" for name, errors in self.errors.items()]


class QueueFilterForm(ReviewFilterForm):
    """The disagreement queue's filters: those of the agreement page, a period, a criterion,
    and which list is shown (awaiting adjudication unless "decided")."""

    period = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": gettext_lazy("no such period in this project.")},
    )
    criterion = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": gettext_lazy("the codebook has no criterion %(value)s.")},
    )
    show = forms.CharField(required=False, strip=False)

    def __init__(self, data, *, project: Project):
        super().__init__(data, project=project)
        self.periods = list(
            Period.objects.filter(dyad__project=project)
            .select_related("dyad")
            .order_by("dyad__code", "start_year")
        )
        self.criteria = list(
            Criterion.objects.filter(codebook_id=project.codebook_id).in_codebook_order()
        )
        self.fields["period"].choices = [(str(p.pk), p.code) for p in self.periods]
        self.fields["criterion"].choices = [(c.code, c.code) for c in self.criteria]

    def clean_period(self) -> Period | None:
        pk = self.cleaned_data["period"]
        return next((p for p in self.periods if str(p.pk) == pk), None)

    def clean_criterion(self) -> str | None:
        return self.cleaned_data["criterion"] or None

    def clean_show(self) -> str:
        return "decided" if self.cleaned_data["show"] == "decided" else "awaiting"

    def narrowing(self) -> dict:
        """The filters ``cases.review.queue.disagreement_queues`` takes, by its names."""
        filters = self.filters()
        return {name: filters[name] for name in ("dyad", "period", "criterion", "pair")}

    def filters(self) -> dict:
        return {
            **super().filters(),
            "periods": self.periods,
            "criteria": self.criteria,
            "period": self.cleaned_data.get("period"),
            "criterion": self.cleaned_data.get("criterion"),
            "show": self.cleaned_data["show"],
        }


def filter_query(filters: dict, **extra) -> str:
    """The filters as a query string, for links that keep them."""
    params = {}
    if filters.get("dyad"):
        params["dyad"] = filters["dyad"].code
    if filters.get("period"):
        params["period"] = filters["period"].pk
    if filters.get("criterion"):
        params["criterion"] = filters["criterion"]
    if filters.get("pair"):
        params["pair"] = ",".join(filters["pair"])
    if filters.get("show") == "decided":
        params["show"] = "decided"
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return urlencode(params)


# --- posted values -------------------------------------------------------------------------


class SeenVersion(forms.Field):
    """The version a page showed (empty: none, 0). Anything but a whole number is no version
    ever stored, so the write it comes with is refused as stale, like any outdated one."""

    def to_python(self, value) -> int:
        try:
            return int(value or 0)
        except ValueError:
            return -1


UNPICKED = object()  # no button of a picker was chosen


class PickedValue(forms.Field):
    """A criterion's picker on the item page: "" decides "not coded" (None), a number is a
    point of the scale (which the write checks), and no choice at all is ``UNPICKED``."""

    def to_python(self, value):
        if value is None:
            return UNPICKED
        if value == "":
            return None
        try:
            return int(value)
        except ValueError:
            raise forms.ValidationError(f'"{value}" is not a value on the scale.') from None


def _rationale_problem(rationale: str) -> None:
    problem = limits.text_problem(rationale, limits.RATIONALE)
    if problem:
        raise forms.ValidationError(f"{problem}; nothing was saved.")


# --- one item's decision -------------------------------------------------------------------


class DecisionForm(forms.Form):
    """The item page's decision: per criterion the page showed, the value picked and the
    consensus version shown beside it; and the rationale.

    ``codes`` are the criteria a decision covers now (``decision_codes``); when the page showed
    others, a coder submitted or reopened the item since it loaded (``is_stale()``).
    """

    codes = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    rationale = forms.CharField(required=False, strip=False, label=gettext_lazy("rationale"))

    def __init__(self, data, *, codes: list[str]):
        super().__init__(data)
        self.current_codes = codes
        self.shown_codes = list(self["codes"].value() or [])
        for code in self.shown_codes:
            self.fields[f"value-{code}"] = PickedValue(required=False, label=code)
            self.fields[f"version-{code}"] = SeenVersion(required=False)

    def clean_rationale(self) -> str:
        _rationale_problem(self.cleaned_data["rationale"])
        return self.cleaned_data["rationale"]

    def is_stale(self) -> bool:
        return sorted(self.shown_codes) != sorted(self.current_codes)

    def problem(self) -> str:
        """The first thing to fix, named ("" when none): the rationale, then the pickers in the
        page's order."""
        for name in ["rationale", *(f"value-{code}" for code in self.shown_codes)]:
            if name in self.errors:
                return f"{self.fields[name].label}: {self.errors[name][0]}"
        return ""

    def values(self) -> dict[str, int | None]:
        """The picked values, after is_valid(); an unpicked criterion is left out."""
        picked = {code: self.cleaned_data[f"value-{code}"] for code in self.shown_codes}
        return {code: value for code, value in picked.items() if value is not UNPICKED}

    def versions(self) -> dict[str, int]:
        return {code: self.cleaned_data[f"version-{code}"] for code in self.shown_codes}

    def as_posted(self) -> dict:
        """What was posted, as text, to show the page again with the reviewer's choices."""
        posted = {"rationale": self["rationale"].value() or ""}
        for code in self.shown_codes:
            raw = self[f"value-{code}"].value()
            if raw is not None:
                posted[code] = raw
        return posted


# --- period overrides ----------------------------------------------------------------------

CHOOSE_PERIOD = "choose a period of this project."
CHOOSE_CRITERION = "choose a criterion of the codebook."
CHOOSE_VALUE = "choose a value on the scale."


class OverrideForm(forms.Form):
    """One override as posted on the overrides page: new (version 0) or an edit."""

    period = forms.ModelChoiceField(
        queryset=Period.objects.none(),
        label=gettext_lazy("period"),
        error_messages={"required": CHOOSE_PERIOD, "invalid_choice": CHOOSE_PERIOD},
    )
    criterion = forms.ModelChoiceField(
        queryset=Criterion.objects.none(),
        to_field_name="code",
        label=gettext_lazy("criterion"),
        error_messages={"required": CHOOSE_CRITERION, "invalid_choice": CHOOSE_CRITERION},
    )
    value = forms.IntegerField(
        label=gettext_lazy("value"),
        error_messages={"required": CHOOSE_VALUE, "invalid": CHOOSE_VALUE},
    )
    rationale = forms.CharField(required=False, strip=False, label=gettext_lazy("rationale"))
    version = SeenVersion(required=False)

    def __init__(self, data, *, project: Project):
        super().__init__(data)
        self.fields["period"].queryset = Period.objects.filter(dyad__project=project)
        self.fields["criterion"].queryset = Criterion.objects.filter(
            codebook_id=project.codebook_id
        )

    def clean_rationale(self) -> str:
        _rationale_problem(self.cleaned_data["rationale"])
        return self.cleaned_data["rationale"]

    def problem(self) -> str:
        """The first thing to fix, named ("" when none), in the form's order."""
        for name, errors in self.errors.items():
            return f"{self.fields[name].label}: {errors[0]}"
        return ""

    def as_posted(self) -> dict[str, str]:
        """The posted fields as text, to show the form again."""
        names = ("period", "criterion", "value", "rationale", "version")
        return {name: self[name].value() or "" for name in names}


class EditOverrideForm(forms.Form):
    """``?edit=<id>`` on the overrides page: the override to edit. Anything that names no
    override of the project opens the form for a new one."""

    edit = forms.ModelChoiceField(queryset=PeriodOverride.objects.none(), required=False)

    def __init__(self, data, *, project: Project):
        super().__init__(data)
        self.fields["edit"].queryset = PeriodOverride.objects.filter(
            period__dyad__project=project
        ).select_related("period", "period__dyad", "criterion")

    def row(self) -> PeriodOverride | None:
        return self.cleaned_data["edit"] if self.is_valid() else None
