"""The forms of the coding-round pages: opening a round, and an item's gold set."""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from cases.lib import limits
from cases.models import Round

NOT_CODED = ""  # the choice "not coded" of a gold value


class RoundForm(forms.Form):
    """A new round: its name, kind and reference, its coders and its sample, either chosen
    items (by key) or a random sample of a given size, with an optional seed."""

    name = forms.CharField(max_length=limits.NAME)
    kind = forms.ChoiceField(choices=Round.Kind.choices, initial=Round.Kind.CALIBRATION)
    reference = forms.ChoiceField(
        choices=Round.Reference.choices,
        initial=Round.Reference.GOLD,
        label=gettext_lazy("Scored against"),
        help_text=gettext_lazy(
            "A calibration round scores each coder against the gold set a reviewer "
            "records, or against the items' consensus. Production rounds are not scored."
        ),
    )
    coders = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    items = forms.CharField(
        required=False,
        label=gettext_lazy("Chosen items"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Evidence keys, separated by spaces, commas or lines. Leave empty to draw "
            "a random sample instead."
        ),
    )
    sample_size = forms.IntegerField(
        required=False,
        min_value=1,
        label=gettext_lazy("Random sample of"),
        help_text=gettext_lazy("items of the project"),
    )
    seed = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text=gettext_lazy(
            "Draws the same sample again; leave empty for a new one (it is recorded)."
        ),
    )

    def __init__(self, *args, coders: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coders"].choices = [(c, c) for c in coders]

    def clean(self):
        data = super().clean()
        keys = data.get("items", "").replace(",", " ").split()
        data["item_keys"] = list(dict.fromkeys(keys))
        if keys and data.get("sample_size"):
            self.add_error("items", gettext("Choose items or a random sample size, not both."))
        elif not keys and not data.get("sample_size"):
            self.add_error(
                "sample_size", gettext("Choose items, or give the size of a random sample.")
            )
        if data.get("seed") is not None and keys:
            self.add_error("seed", gettext("A seed draws a random sample; chosen items need none."))
        if data.get("kind") == Round.Kind.PRODUCTION and data.get("reference") == "gold":
            self.add_error(
                "reference", gettext("Only a calibration round is scored against a gold set.")
            )
        return data


class GoldForm(forms.Form):
    """One choice per criterion: a scale value or not coded."""

    def __init__(self, *args, criteria, scale: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(NOT_CODED, "not coded"), *((str(v), f"{v} {label}") for v, label in scale)]
        for i, criterion in enumerate(criteria):
            self.fields[criterion.code] = forms.ChoiceField(
                choices=choices, required=False, label=f"{criterion.code} {criterion.name}"
            )
            if i == 0:  # the keyboard starts on the first criterion
                self.fields[criterion.code].widget.attrs["autofocus"] = True

    def values(self) -> dict[str, int | None]:
        return {
            code: None if value == NOT_CODED else int(value)
            for code, value in self.cleaned_data.items()
        }
