"""The Django forms for sources: one record typed in, or many pasted or uploaded. The reading is in
the pure modules beside it; these add what needs the project (unique keys, the upload limit)."""

import hashlib
import json
import math

from django import forms
from django.conf import settings
from django.forms.utils import ErrorDict
from django.utils.translation import gettext, gettext_lazy

from cases.lib import limits
from cases.lib.validators import MaxCharacters
from cases.models import Project, Source
from cases.sources.bibtex import parse_bibtex
from cases.sources.csl_json import parse_csl_json
from cases.sources.form_fields import (
    FORM_VARIABLES,
    FormFieldErrors,
    csl_from_form,
    form_fields_from_csl,
    update_csl,
)
from cases.sources.keys import KEY_MAX_LENGTH, check_key
from cases.sources.records import ParsedSource, SourceImportError, detect_format, record_digest

# The kinds of source IR researchers cite most; an edited record of another CSL type keeps it.
COMMON_TYPES = [
    ("article-journal", "Journal article"),
    ("book", "Book"),
    ("chapter", "Book chapter"),
    ("report", "Report"),
    ("article-newspaper", "Newspaper article"),
    ("article-magazine", "Magazine article"),
    ("webpage", "Web page"),
    ("paper-conference", "Conference paper"),
    ("thesis", "Thesis"),
    ("treaty", "Treaty"),
    ("legislation", "Legislation"),
    ("speech", "Speech"),
    ("interview", "Interview"),
    ("dataset", "Dataset"),
    ("manuscript", "Manuscript"),
    ("document", "Document"),
    ("article", "Other article"),
]


def _kilobytes(size: int, rounding) -> str:
    """Sizes for messages: one decimal below 10 kB, whole kB above."""
    kb = size / 1024
    if kb < 10:
        return f"{rounding(kb * 10) / 10:.1f}"
    return f"{rounding(kb):,}"


def size_problem(size: int, limit: int | None = None) -> str | None:
    """The upload limit (or ``limit``) applies to pasted text as well as files."""
    limit = settings.SCCODER_MAX_UPLOAD_BYTES if limit is None else limit
    if size <= limit:
        return None
    # Round the size up and the limit down, so the two never print as the same number.
    return (
        f"too large ({_kilobytes(size, math.ceil)} kB; "
        f"the limit is {_kilobytes(limit, math.floor)} kB)"
    )


def _key_clash(project: Project, key: str, exclude_pk: int | None = None) -> Source | None:
    """A source of the project whose key is ``key`` up to case (the citation formatter looks
    keys up in lower case, so doe2020 and Doe2020 cannot both exist)."""
    others = Source.objects.filter(project=project, key__iexact=key)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.only("key").first()


_FORM_FIELD_OF = {variable: name for name, variable in FORM_VARIABLES.items()}


class SourceForm(forms.Form):
    """One source. Editing changes only the fields the user changed, so the parts of the CSL
    record the form does not show are kept (see ``form_fields.update_csl``)."""

    key = forms.CharField(
        max_length=KEY_MAX_LENGTH,
        help_text=gettext_lazy(
            "How evidence refers to this source, e.g. karayel2024. "
            "Renaming it keeps the evidence linked."
        ),
    )
    type = forms.ChoiceField(label=gettext_lazy("Kind"), choices=COMMON_TYPES)
    authors = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "One per line: Family, Given. A line without a comma is an organisation "
            "(World Bank); put one with a comma in braces: {Ministry of Foreign Affairs, Türkiye}."
        ),
    )
    title = forms.CharField(
        validators=[MaxCharacters(limits.CSL_TEXT)], widget=forms.Textarea(attrs={"rows": 2})
    )
    container_title = forms.CharField(
        label=gettext_lazy("Journal, book or website"),
        required=False,
        validators=[MaxCharacters(limits.CSL_TEXT)],
        help_text=gettext_lazy(
            "The journal of an article, the book of a chapter, the site of a web page."
        ),
    )
    volume = forms.CharField(required=False, max_length=40)
    issue = forms.CharField(required=False, max_length=40)
    page = forms.CharField(
        label=gettext_lazy("Pages"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("Of the whole work: 380–400"),
    )
    year = forms.CharField(
        label=gettext_lazy("Year"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("2024, 2024-03-15 or forthcoming"),
    )
    publisher = forms.CharField(required=False, validators=[MaxCharacters(limits.CSL_TEXT)])
    doi = forms.CharField(
        label="DOI",
        required=False,
        validators=[MaxCharacters(limits.CSL_TEXT)],
        help_text="10.1080/14683857.2024.2345678",
    )
    url = forms.CharField(label="URL", required=False, validators=[MaxCharacters(limits.CSL_TEXT)])
    accessed = forms.CharField(
        required=False,
        max_length=40,
        help_text=gettext_lazy("For web pages: 2024-05-01"),
        widget=forms.TextInput(attrs={"placeholder": "YYYY-MM-DD"}),
    )
    # A fingerprint of the record as the form was opened: an edit made meanwhile is not overwritten.
    csl_digest = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, project: Project, source: Source | None = None, **kwargs):
        self.project = project
        self.source = source
        self.csl: dict = {}
        if source is not None:
            kwargs.setdefault(
                "initial",
                {
                    "key": source.key,
                    "csl_digest": record_digest(source.key, source.csl),
                    **form_fields_from_csl(source.csl),
                },
            )
        super().__init__(*args, **kwargs)
        current_type = (source.csl.get("type") if source else None) or ""
        if current_type and current_type not in dict(COMMON_TYPES):
            self.fields["type"].choices = [*COMMON_TYPES, (current_type, current_type)]

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        problem = check_key(key)
        if problem:
            raise forms.ValidationError(problem)
        clash = _key_clash(self.project, key, self.source.pk if self.source else None)
        if clash:
            raise forms.ValidationError(
                f'"{clash.key}" is already a source of this project: choose another key'
            )
        return key

    def clean(self) -> dict:
        cleaned = super().clean()
        fields = {name: cleaned.get(name) or "" for name in FORM_VARIABLES}
        try:
            if self.source is None:
                self.csl = csl_from_form(fields)
            else:
                self.csl = update_csl(self.source.csl, fields)
        except FormFieldErrors as exc:
            for name, message in exc.errors.items():
                if name not in self.errors:
                    self.add_error(name, message)
            return cleaned
        # The record as a whole: the names, and what the form does not show but keeps.
        for variable, message in limits.csl_problems(self.csl)[:10]:
            name = _FORM_FIELD_OF.get(variable)
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def is_stale(self, source: Source) -> bool:
        """True when ``source`` changed after this form was opened."""
        return self.cleaned_data.get("csl_digest") != record_digest(source.key, source.csl)


FORMAT_CHOICES = [
    ("auto", "Recognise it"),
    ("csl-json", "CSL-JSON"),
    ("bibtex", "BibTeX"),
]


class SourceImportForm(forms.Form):
    """Many sources at once, pasted or from a file. ``new_sources`` are the records to create;
    ``duplicates`` those whose key the project already has (they are skipped)."""

    text = forms.CharField(
        label=gettext_lazy("Paste the records"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "code"}),
    )
    file = forms.FileField(
        label=gettext_lazy("or choose a file"),
        required=False,
        help_text=gettext_lazy(".json or .bib, UTF-8"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.bib,.bibtex,.txt"}),
    )
    format = forms.ChoiceField(choices=FORMAT_CHOICES, initial="auto", widget=forms.RadioSelect)
    # The preview's fingerprint; confirming a preview that no longer holds is refused.
    plan = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, project: Project, **kwargs):
        self.project = project
        self.new_sources: list[ParsedSource] = []
        self.duplicates: list[tuple[ParsedSource, str]] = []
        self.detected_format = ""
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        cleaned = super().clean()
        text = self._text(cleaned)
        if text is None:
            return cleaned
        cleaned["text"] = text
        chosen = cleaned.get("format") or "auto"
        detected = detect_format(text)
        fmt = detected if chosen == "auto" else chosen
        if fmt is None:
            self.add_error(
                "text",
                gettext(
                    "This is neither CSL-JSON (which starts with [ or {) nor BibTeX "
                    "(which starts with @): choose the format, or check what was copied."
                ),
            )
            return cleaned
        self.detected_format = fmt
        existing = {
            k.lower(): k
            for k in Source.objects.filter(project=self.project).values_list("key", flat=True)
        }
        parse = parse_csl_json if fmt == "csl-json" else parse_bibtex
        try:
            parsed = parse(text, taken=existing.values())
        except SourceImportError as exc:
            name = "file" if cleaned.get("file") and not self.data.get("text") else "text"
            label = "CSL-JSON" if fmt == "csl-json" else "BibTeX"
            self.add_error(name, [f"Nothing was imported. In the {label}:", *exc.problems])
            return cleaned
        for record in parsed:
            if record.key.lower() in existing:
                self.duplicates.append((record, existing[record.key.lower()]))
            else:
                self.new_sources.append(record)
        if not self.new_sources:
            self.add_error(
                "text",
                gettext(
                    "Every record's key is already in this project, so there is nothing to import."
                ),
            )
        return cleaned

    @classmethod
    def too_large(cls, size: int, *, project: Project) -> "SourceImportForm":
        """An empty form carrying the message of a paste of ``size`` bytes, for a request too
        large for Django to read at all (see cases.web.middleware)."""
        form = cls(project=project)
        problem = size_problem(size) or "too large"
        form._errors = ErrorDict({"text": form.error_class([f"The pasted text is {problem}."])})
        return form

    def _text(self, cleaned: dict) -> str | None:
        """The pasted text, or the file's; None (with an error added) when there is neither,
        or it is too large or not UTF-8."""
        upload = cleaned.get("file")
        if upload:
            problem = size_problem(upload.size)
            if problem:
                self.add_error("file", f"The file is {problem}.")
                return None
            try:
                return upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error(
                    "file", gettext("The file is not UTF-8 text; save it as UTF-8 and try again.")
                )
                return None
        text = cleaned.get("text") or ""
        problem = size_problem(len(text.encode("utf-8")))
        if problem:
            self.add_error("text", f"The pasted text is {problem}.")
            return None
        if not text.strip():
            self.add_error("text", gettext("Paste CSL-JSON or BibTeX here, or choose a file."))
            return None
        return text

    @property
    def plan_digest(self) -> str:
        """A fingerprint of what confirming would do: which records it creates, which it skips."""
        plan = {
            "create": [[r.key, r.csl] for r in self.new_sources],
            "skip": [r.key for r, _ in self.duplicates],
        }
        blob = json.dumps(plan, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()
