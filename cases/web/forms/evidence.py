"""HTML forms for evidence: the add/edit form and the list's filter bar.

Source forms live in ``sources/forms.py``. Every choice field is limited to the project, so a
dyad, period or source of another project is refused as an unknown choice, named by its field.
"""

import re

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext, gettext_lazy

from cases.documents.taking import (
    PassageRefused,
    Taken,
    check_quote,
    passage_at,
    store_passage,
    stored_passage,
)
from cases.lib.locators import pages_outside
from cases.models import (
    Criterion,
    Dyad,
    Evidence,
    EvidencePassage,
    EvidenceType,
    Membership,
    Period,
    Project,
    Source,
)
from cases.sources import check_key
from cases.web.collation import ordered_for_reader

DATE_PLACEHOLDER = "1993 · 2008-10 · 2010-08-16 · 1994/1999"
_NUMBERED_KEY = re.compile(r"^(.*?)(\d+)$")


def suggest_evidence_key(project: Project) -> str:
    """The next key in the project's most recent numbering scheme: after KAR-N07 comes KAR-N08.

    Two queries whatever the number of items: the latest item, then the keys sharing its prefix.
    """
    latest = Evidence.objects.filter(project=project).order_by("-created_at", "-pk").first()
    match = _NUMBERED_KEY.match(latest.key) if latest else None
    prefix, width = (match.group(1), len(match.group(2))) if match else ("E", 1)
    keys = Evidence.objects.filter(project=project, key__startswith=prefix).values_list(
        "key", flat=True
    )
    numbers = [
        int(m.group(2)) for k in keys if (m := _NUMBERED_KEY.match(k)) and m.group(1) == prefix
    ]
    return f"{prefix}{max(numbers, default=0) + 1:0{width}d}"


def project_periods(project: Project) -> QuerySet[Period]:
    return (
        Period.objects.filter(dyad__project=project)
        .select_related("dyad")
        .order_by("dyad__code", "start_year")
    )


class DyadChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Dyad) -> str:
        return f"{obj.code} — {obj.name}" if obj.name else obj.code


class SourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Source) -> str:
        who = ", ".join(filter(None, [obj.authors.replace("; ", " & "), str(obj.year or "")]))
        title = obj.title if len(obj.title) <= 60 else obj.title[:59] + "…"
        return " — ".join(filter(None, [obj.key, who, title]))


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Period) -> str:
        label = f" {obj.label}" if obj.label else ""
        return f"{obj.dyad.code} {obj.code}{label} ({obj.span})"


class EvidenceForm(forms.ModelForm):
    """Add or edit one evidence item. The model's clean() places the item in its period and
    checks the date, the locator and the quote; its messages land beside those fields.

    On edit the form carries the version it was opened at; the view refuses a save when the
    item has moved on since (see ``views.evidence``).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # The passage of the source's document the quote was taken from (the reader's "Take as
    # evidence"): offsets in the document's whole text that this server found, read again on
    # save; the quote must keep saying what they hold.
    passage_start = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    passage_end = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = Evidence
        fields = [
            "key",
            "dyad",
            "states",
            "date",
            "period",
            "evidence_type",
            "source",
            "locator",
            "footnote",
            "locator_note",
            "via_source",
            "via_locator",
            "quote",
            "summary",
            "assessed_stage",
            "assessed_coupling",
        ]
        field_classes = {
            "dyad": DyadChoiceField,
            "source": SourceChoiceField,
            "via_source": SourceChoiceField,
            "period": PeriodChoiceField,
        }
        labels = {
            "locator": gettext_lazy("Page"),
            "states": gettext_lazy("States concerned"),
            "locator_note": gettext_lazy("Locator note"),
            "evidence_type": gettext_lazy("Evidence type"),
            "via_source": gettext_lazy("Quoted from (cited in)"),
            "via_locator": gettext_lazy("Page there"),
            "assessed_stage": gettext_lazy("Author's stage assessment"),
            "assessed_coupling": gettext_lazy("Assessed coupling"),
        }
        help_texts = {
            "states": gettext_lazy(
                "For a community: the member states the item speaks of, e.g. DNK NOR. "
                "Leave empty when it concerns the whole community (or the dyad)."
            ),
            "key": gettext_lazy(
                "Unique in the project, e.g. KAR-N08. Suggested from the last item's numbering."
            ),
            "period": gettext_lazy(
                "Leave empty to place the item by its date's start year. An item dated "
                "by a span may go in another period its span reaches (say why in the locator note)."
            ),
            "via_source": gettext_lazy(
                "When the passage rests on a work it cites (a footnoted source): the "
                "source above is that work, and this is the work the quote is taken from."
            ),
            "via_locator": gettext_lazy("The quote's page in the work it is taken from."),
            "assessed_stage": gettext_lazy(
                "Only for an author assessment that states a stage verdict and "
                "nothing else; such an item is not coded on criteria."
            ),
            "locator": gettext_lazy("A page (391), a range (380–381) or a list (386, 389)."),
            "footnote": gettext_lazy("The footnote number, when the quote is in a note."),
            "locator_note": gettext_lazy(
                "Anything else that helps find the passage, e.g. 'table 2'."
            ),
            "quote": gettext_lazy("Verbatim, as printed."),
            "summary": gettext_lazy("One or two sentences in your own words."),
        }
        widgets = {
            "key": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "date": forms.TextInput(attrs={"placeholder": DATE_PLACEHOLDER, "inputmode": "text"}),
            "locator": forms.TextInput(attrs={"placeholder": "391 or 380–381"}),
            "footnote": forms.TextInput(attrs={"placeholder": "e.g. 25"}),
            "quote": forms.Textarea(attrs={"rows": 5}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "quote": {"required": gettext_lazy("The verbatim quote cannot be empty.")},
            "date": {"required": "A date is required: " + DATE_PLACEHOLDER + "."},
            "dyad": {
                "invalid_choice": gettext_lazy("Unknown dyad: choose one of this project's dyads.")
            },
            "source": {
                "invalid_choice": gettext_lazy(
                    "Unknown source: choose one of this project's sources."
                ),
                "required": gettext_lazy("Choose the source the quote comes from."),
            },
            "via_source": {
                "invalid_choice": gettext_lazy(
                    "Unknown source: choose one of this project's sources."
                )
            },
            "period": {
                "invalid_choice": gettext_lazy(
                    "Unknown period: choose one of this project's periods."
                )
            },
        }

    def __init__(self, *args, project: Project, taken: Taken | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.stored_passage = _passage_of(self.instance)
        # The passage the form shows and, once valid, stores: offered by the reader, or stored.
        self.taken = taken or (self.stored_passage and stored_passage(self.stored_passage))
        if self.taken is not None:
            self.initial.setdefault("passage_start", self.taken.selection.start)
            self.initial.setdefault("passage_end", self.taken.selection.end)
        # The model's clean() checks the source and period against the item's project.
        self.instance.project = project
        self.fields["dyad"].queryset = Dyad.objects.filter(project=project).order_by("code")
        if not self.fields["dyad"].queryset.exclude(extra_states="").exists():
            del self.fields["states"]  # only dyads: an item always concerns both states
        self.fields["source"].queryset = ordered_for_reader(
            Source.objects.filter(project=project), lambda source: source.key
        )
        self.fields["via_source"].queryset = self.fields["source"].queryset
        self.fields["via_source"].empty_label = gettext("— the source itself —")
        self.fields["period"].queryset = project_periods(project)
        self.fields["period"].empty_label = gettext("— from the date —")
        if self.instance.pk:
            # A stored period that contains the date's start year is the derived one: leave the
            # field empty, and a changed date moves the item to its new period instead of failing
            # against the old one. A period a coder chose for a span (a cumulative figure placed
            # where most of it falls) stays chosen.
            current = self.instance.period
            derived = current.contains_year(self.instance.date_start.year)
            self.initial["period"] = None if derived else current.pk
            self.initial.setdefault("version", self.instance.version)
            self.fields["period"].help_text = (
                f"Now {current.code} ({current.span}). " + self.fields["period"].help_text
            )
        else:
            del self.fields["version"]
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("key", suggest_evidence_key(project))
            dyads = list(self.fields["dyad"].queryset[:2])
            if len(dyads) == 1:  # one dyad: nothing to choose
                self.initial.setdefault("dyad", dyads[0].pk)

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        if not key:
            raise forms.ValidationError(gettext("A key is required."))
        problem = check_key(key)  # the same rule as source keys: no spaces, no markup
        if problem:
            raise forms.ValidationError(as_sentence(problem))
        taken = Evidence.objects.filter(project=self.project, key=key).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                f'The key "{key}" is already used in this project: choose another.'
            )
        return key

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("passage_start"), cleaned.get("passage_end")
        stored = self.stored_passage
        # Hidden fields left out do not detach a stored passage: its quote stays checked.
        keeps_stored = stored is not None and (
            start is None or end is None or (start, end) == (stored.start, stored.end)
        )
        if keeps_stored:
            self.taken = stored_passage(stored)
        elif start is None or end is None:
            self.taken = None
        else:
            work = cleaned.get("via_source") or cleaned.get("source")
            if work is None:
                return cleaned  # the source's own error says what is missing
            try:
                self.taken = passage_at(work, start, end)
            except PassageRefused as refusal:
                self.taken = None
                self.add_error("quote" if refusal.field == "passage" else "source", str(refusal))
                return cleaned
        if self.taken is None:
            return cleaned
        if keeps_stored:
            was = self.instance.via_source_id or self.instance.source_id
            work = cleaned.get("via_source") or cleaned.get("source")
            if work is not None and work.pk != was:
                self.add_error(
                    "source" if cleaned.get("via_source") is None else "via_source",
                    gettext(
                        "The quote is a passage of another source's document: keep that source, "
                        "or take the passage from this source's document in its reader."
                    ),
                )
        if "quote" in cleaned:
            try:
                check_quote(cleaned["quote"], self.taken)
            except PassageRefused as refusal:
                self.add_error("quote", str(refusal))
        return cleaned

    def save_passage(self, item: Evidence) -> None:
        """Store the passage with the item, in the caller's transaction."""
        if self.taken is not None:
            store_passage(item, self.taken)

    def full_clean(self) -> None:
        """The model's clean() repeats checks the fields make (an empty quote) and words its
        messages for the API ("the source belongs to another project"): beside each field,
        each message once, as a sentence, like Django's own ("This field is required.")."""
        super().full_clean()
        for errors in (self._errors or {}).values():
            messages = list(dict.fromkeys(as_sentence(message) for message in errors))
            # "A date is required." says less than the field's "A date is required: 1993 · …".
            errors.data[:] = [
                m for m in messages if not any(n.startswith(m[:-1]) and n != m for n in messages)
            ]

    def page_warnings(self) -> dict[str, str]:
        """Pages outside the cited work's page range, by field: a warning beside the page, never
        a refusal. Page 12 of an article printed on pages 383–400 is likely a typo, but a page
        range the form cannot read ("xii–xx"), a roman page or a work without a range (a book)
        is never warned about. From the posted values once validated, else the stored item."""
        if self.is_bound:
            values = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        elif self.instance.pk:
            values = {
                name: getattr(self.instance, name) for pair in _PAGES.items() for name in pair
            }
        else:
            return {}
        warnings = {}
        for page_field, work_field in _PAGES.items():
            work, locator = values.get(work_field), values.get(page_field) or ""
            page_range = str((work.csl or {}).get("page") or "") if work else ""
            outside = pages_outside(locator, page_range)
            if outside:
                pages = " and ".join(outside)
                warnings[page_field] = (
                    f"Page{'s' if len(outside) > 1 else ''} {pages} "
                    f"{'are' if len(outside) > 1 else 'is'} outside the pages of {work.key} "
                    f"({page_range.replace('-', '–')}): check for a typo."
                )
        return warnings


def _passage_of(item: Evidence) -> EvidencePassage | None:
    if item.pk is None:
        return None
    return EvidencePassage.objects.filter(evidence=item).first()


# Each page field and the work whose pages it counts.
_PAGES = {"locator": "source", "via_locator": "via_source"}


def as_sentence(message: str) -> str:
    """A message as a sentence: its first letter a capital, a full stop at its end."""
    text = str(message).strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".?!" else text + "."


_UNKNOWN = '"%(value)s" is not one of the choices'


class EvidenceFilterForm(forms.Form):
    """The list's filter bar (GET). A filter that names nothing in the project is reported and
    ignored; the other filters still apply."""

    q = forms.CharField(
        required=False,
        label=gettext_lazy("Search"),
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Search quotes, summaries, notes and rationales  ( / )",
                "data-slash-focus": "",
                "autocomplete": "off",
            }
        ),
    )
    dyad = DyadChoiceField(
        queryset=Dyad.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All"),
        error_messages={"invalid_choice": _UNKNOWN},
    )
    period = PeriodChoiceField(
        queryset=Period.objects.none(),
        required=False,
        empty_label=gettext_lazy("All"),
        error_messages={"invalid_choice": _UNKNOWN},
    )
    evidence_type = forms.ChoiceField(
        label=gettext_lazy("Type"),
        required=False,
        choices=[("", "All"), *EvidenceType.choices],
        error_messages={"invalid_choice": _UNKNOWN},
    )
    source = forms.ModelChoiceField(
        queryset=Source.objects.none(),
        to_field_name="key",
        required=False,
        empty_label=gettext_lazy("All"),
        error_messages={"invalid_choice": _UNKNOWN},
    )
    criterion = forms.ModelChoiceField(
        queryset=Criterion.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All"),
        error_messages={"invalid_choice": _UNKNOWN},
    )
    coded = forms.ChoiceField(
        label=gettext_lazy("My coding"),
        required=False,
        choices=[
            ("", gettext_lazy("All")),
            ("mine", gettext_lazy("Coded by me")),
            ("notmine", gettext_lazy("Not coded by me")),
        ],
        error_messages={"invalid_choice": _UNKNOWN},
    )

    def __init__(self, *args, project: Project, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dyad"].queryset = Dyad.objects.filter(project=project).order_by("code")
        self.fields["period"].queryset = project_periods(project)
        self.fields["source"].queryset = ordered_for_reader(
            Source.objects.filter(project=project), lambda source: source.key
        )
        self.fields["criterion"].queryset = project.codebook.criteria.in_codebook_order()
        if membership.can_code:
            self.fields["criterion"].help_text = gettext("Among your own codes.")
        else:
            # "Coded by me" means nothing to someone who does not code.
            del self.fields["coded"]

    def filters(self) -> dict:
        """The valid filters, after is_valid(): invalid ones are left out."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    def problems(self) -> list[str]:
        """One line per refused filter, naming it."""
        self.is_valid()
        return [
            f"{self.fields[name].label or name.capitalize()}: {' '.join(errors)} "
            "— this filter was ignored."
            for name, errors in self.errors.items()
        ]
