"""The server log's filter for refused requests (settings.LOGGING, on django.request)."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """Keep a refusal to one line: drop the traceback Django attaches to a 4xx.

    Django logs a PermissionDenied (and a bad request) with the exception attached, so the
    server's console and log printed a traceback under every 403: an expected answer (a coder
    following a link to a reviewer's page), not a bug. The warning line stays, with the status
    and the address; a server error (5xx) keeps its traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 0) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
