"""Sources: bibliographic records typed in, pasted or exported from Zotero, read into CSL-JSON
with a project-unique key, and cited. Pure (no Django); the forms are cases.web.forms.sources.

Three ways in, one shape out (``ParsedSource``: a key and a CSL-JSON dict): ``parse_csl_json``,
``parse_bibtex`` and the source form (``csl_from_form`` / ``update_csl``). Every problem is
reported with where it is ("item 3: …", "line 12: …"); a parse either returns every record or
raises ``SourceImportError``, never a part.
"""

from cases.sources.bibtex import parse_bibtex
from cases.sources.csl_json import CSL_TYPES, parse_csl_json
from cases.sources.form_fields import (
    FORM_VARIABLES,
    FormFieldErrors,
    csl_from_form,
    form_fields_from_csl,
    names_to_lines,
    parse_name_lines,
    update_csl,
)
from cases.sources.keys import KEY_MAX_LENGTH, check_key
from cases.sources.records import ParsedSource, SourceImportError, detect_format, record_digest

__all__ = [
    "CSL_TYPES",
    "FORM_VARIABLES",
    "KEY_MAX_LENGTH",
    "FormFieldErrors",
    "ParsedSource",
    "SourceImportError",
    "check_key",
    "csl_from_form",
    "detect_format",
    "form_fields_from_csl",
    "names_to_lines",
    "parse_bibtex",
    "parse_csl_json",
    "parse_name_lines",
    "record_digest",
    "update_csl",
]
