"""Page locators: a page, a page range, or a comma-separated list of them.

Pure: no Django. Accepts "391", "380–381" (en dash, as printed), "380-381", "xii", "386, 389".
"""

import re

_PAGE = r"(?:\d+|[ivxlcdm]+)"
_ITEM = rf"{_PAGE}(?:\s*[–-]\s*{_PAGE})?"
_LOCATOR = re.compile(rf"^{_ITEM}(?:\s*,\s*{_ITEM})*$", re.IGNORECASE)


def is_valid_locator(text: str) -> bool:
    """An empty locator is allowed (web pages have no pages); anything else must look like pages."""
    return text == "" or bool(_LOCATOR.match(text))
