"""The form that uploads a source's document (cases.documents checks what is in it)."""

from django import forms
from django.utils.translation import gettext_lazy


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Document"),
        help_text=gettext_lazy("A PDF with a text layer, an HTML page, plain text or Markdown."),
        error_messages={
            "required": gettext_lazy("Choose a file to upload."),
            "empty": gettext_lazy("The file is empty."),
        },
    )
