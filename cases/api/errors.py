"""Errors the API answers with, and the exception handler that shapes every error body.

Every error is a JSON object: ``{"detail": "..."}``, or for invalid input one list of messages
per field (``{"value": ["3 is not on the scale ..."]}``). Database refusals never echo the
database's own text: a unique-key message would print the ids of other coders' rows.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext, gettext_lazy
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

# Lazy: each answer speaks the language of its request (Accept-Language, the language cookie).
STALE = gettext_lazy(
    "Someone changed this record since you read it (version {sent} was sent, the current one "
    "is {current}); nothing was saved. Read it again and repeat your change."
)


class Conflict(exceptions.APIException):
    """409: the write collides with the record's current state (stale version, duplicate)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The change conflicts with the current state of the record.")
    default_code = "conflict"

    def __init__(self, detail=None, *, current=None, current_version=None):
        super().__init__(detail)
        self.current = current
        self.current_version = current_version


class PreconditionFailed(exceptions.APIException):
    """412: the If-Match header names a version that is no longer the current one."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy(
        "If-Match does not match the current version of this record; nothing was saved."
    )
    default_code = "precondition_failed"


def field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A model's ValidationError as the API's field -> messages object."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(field_errors(exc))
    elif isinstance(exc, ProtectedError | RestrictedError):
        # Never list the protected rows: they may be other coders' codings.
        exc = Conflict(
            gettext(
                "This record is still referred to (by evidence, codings, decisions or judgments) "
                "and cannot be deleted."
            )
        )
    elif isinstance(exc, IntegrityError):
        exc = Conflict(gettext("Refused by the database: the change conflicts with existing data."))
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, Conflict):
        if exc.current_version is not None:
            response.data["current_version"] = exc.current_version
        if exc.current is not None:
            response.data["current"] = exc.current
    return response
