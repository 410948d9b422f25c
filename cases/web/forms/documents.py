"""The form that uploads a source's document (cases.documents checks what is in it)."""

from django import forms


class DocumentForm(forms.Form):
    file = forms.FileField(
        label="Document",
        help_text="A PDF with a text layer, an HTML page, plain text or Markdown.",
        error_messages={"required": "Choose a file to upload.", "empty": "The file is empty."},
    )
