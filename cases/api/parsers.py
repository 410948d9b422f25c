"""Request body parsing for the API."""

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

from cases.lib import limits

TOO_DEEP = f"Nested more than {limits.JSON_DEPTH} levels deep."


class SafeJSONParser(JSONParser):
    """DRF's parser, with two more refusals that are a 400 rather than a server error:

    - JSON nested more than ``limits.JSON_DEPTH`` levels (a CSL record needs four; past Python's
      recursion limit the parser itself would fail);
    - text no database can store: NUL (PostgreSQL refuses it in text and JSON) and halves of
      surrogate pairs (from escapes like "\\ud800"), which are not characters at all.

    Both are named by the top-level field they are in, as every other invalid input is.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - " + TOO_DEEP) from None
        check_body(data)
        return data


def check_body(data) -> None:
    if not isinstance(data, dict):
        problem = value_problem(data, depth=limits.JSON_DEPTH)
        if problem:
            raise ParseError(problem)
        return
    errors = {}
    for name, value in data.items():
        problem = value_problem(value, depth=limits.JSON_DEPTH - 1)
        if problem:
            errors[limits.visible(str(name))] = [problem]
    if errors:
        raise ValidationError(errors)


def value_problem(value, *, depth: int) -> str | None:
    if limits.too_deep(value, depth):
        return TOO_DEEP
    for where, text in limits.strings_in(value):
        problem = limits.unstorable(text)
        if problem:
            where = f'"{limits.visible(where)}" ' if where else ""
            return (where + problem)[0].upper() + (where + problem)[1:] + "."
    return None
