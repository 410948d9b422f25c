"""A bundle checked before anything is written: its schema, then what no schema can state."""

from typing import Any

from cases.bundles.definitions import Checked, check_definitions
from cases.bundles.documents import check_passages
from cases.bundles.format import BundleError
from cases.bundles.problems import Problems
from cases.bundles.records import check_records
from cases.bundles.shape import check_shape


def check_bundle(doc: Any) -> Checked:
    """Raise BundleError listing every problem; return the gathered names when all is well."""
    if not isinstance(doc, dict):
        raise BundleError(["bundle: the document must be a JSON object"])
    problems = Problems(doc)
    try:
        check_shape(doc, problems)
        checked = check_definitions(problems, doc)
        check_records(problems, checked, doc)
        check_passages(problems, doc)
        if problems:
            raise BundleError(problems.messages())
    except RecursionError:
        # A value nested nearly as deep as Python parses, quoted back in a message.
        raise BundleError(["bundle: JSON nested too deeply to be a bundle"]) from None
    return checked
