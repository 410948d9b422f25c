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


_NUMBERED_RANGE = re.compile(r"^\s*(\d+)\s*[–-]\s*(\d+)\s*$")


def page_span(page_range: str) -> tuple[int, int] | None:
    """The first and last page of a work's page range ("383–400", "379-94", "1-11"), or None
    when it has none or it is not two arabic numbers ("xii–xx", "e123", "S12-S20", "12").
    A shortened end ("379-94", as Chicago prints it) takes the start's leading digits."""
    match = _NUMBERED_RANGE.match(page_range or "")
    if not match:
        return None
    first, last = match.groups()
    start, end = int(first), int(_expanded(first, last))
    return (start, end) if start <= end else None


def pages_outside(locator: str, page_range: str) -> list[str]:
    """The arabic page numbers of ``locator`` that lie outside the work's ``page_range``: page
    12 of an article printed on pages 383–400 is likely a typo. Nothing is outside a range
    that is missing or not numeric, and roman pages (front matter) are never checked."""
    span = page_span(page_range)
    if span is None or not is_valid_locator(locator) or not locator:
        return []
    pages = []
    for item in locator.split(","):
        ends = [end.strip() for end in re.split(r"[–-]", item)]
        if len(ends) == 2 and ends[0].isdigit() and ends[1].isdigit():
            ends[1] = _expanded(ends[0], ends[1])  # 395-96: pages 395 and 396
        pages += [end for end in ends if end.isdigit()]
    return [page for page in pages if not span[0] <= int(page) <= span[1]]


def _expanded(first: str, last: str) -> str:
    """The end of a range shortened as printed ("379-94"): the start's leading digits added."""
    return first[: len(first) - len(last)] + last if len(last) < len(first) else last
