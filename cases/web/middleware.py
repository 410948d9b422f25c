"""Request/response tweaks that belong to the whole site."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from cases.lib.limits import visible
from cases.web.forms.sources import size_problem


class AdminStyleAttributesMiddleware:
    """Let the admin keep its inline style attributes, and nothing else.

    Django's admin and django-simple-history's history pages set a few style="" attributes;
    under the strict policy the browser would refuse them and log errors. Only the admin gets
    'unsafe-inline' for styles; scripts stay 'self' everywhere, and sccoder's own pages have no
    inline style at all. Must sit below csp.middleware.CSPMiddleware, which reads the update.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response


class RefuseUnreadableInputMiddleware:
    """Refuse, before any view, what no view could use, with a message that names it:

    - a NUL character (%00) in the address, in a query parameter or in a form field: a 400.
      PostgreSQL stores no NUL in text, and no key, code or word sccoder keeps contains one, so
      such a request is a mistake or a probe; answering here spares every page, fragment and
      API endpoint from having to (they used to answer it with a server error);
    - a form Django will not read (larger than DATA_UPLOAD_MAX_MEMORY_SIZE, or too many fields):
      a 413 or 400 that says so, instead of a bare "Bad Request". A view may answer a form too
      large to read itself, with its own page, through a ``too_large(request, *args, **kwargs)``
      attribute (the source import does: a pasted text gets the message an uploaded file gets).
      That answer comes before the CSRF check and sees no form at all, so it must write nothing.

    API requests are answered in the API's JSON shape; their bodies are JSON, which
    ``cases.api.parsers`` checks. Sits below the authentication and messages middleware, so that
    the pages it answers with know who is signed in. It reads the form on the way in, before
    CsrfViewMiddleware's process_view would (and fail on a form too large to read).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return refusal(
                request,
                400,
                "The address contains a NUL character (%00), which no project, record, code or "
                "page has in its name: check the link.",
            )
        try:
            problem = _nul_in(request.GET, "query parameter")
            if problem is None and request.method == "POST" and _is_form(request):
                problem = _nul_in(request.POST, "form field")
        except RequestDataTooBig:
            return self.too_large(request)
        except (TooManyFieldsSent, TooManyFilesSent) as exc:
            return refusal(request, 400, f"{exc} Nothing was saved.")
        if problem:
            return refusal(request, 400, *problem)
        return self.get_response(request)

    def too_large(self, request):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        answer = getattr(match and match.func, "too_large", None)
        if answer is not None:
            return answer(request, *match.args, **match.kwargs)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        problem = size_problem(content_length(request), limit) or "too large"
        return refusal(request, 413, f"What was sent is {problem}. Nothing was saved.")


def _is_form(request) -> bool:
    return request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _nul_in(params, kind: str) -> tuple[str, str] | None:
    """(message, parameter name) for the first parameter whose name or value holds a NUL."""
    for name, values in params.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            shown = visible(name)
            message = f'The {kind} "{shown}" contains a NUL character (%00), which cannot be '
            if kind == "form field":
                return message + "stored. Nothing was saved.", shown
            return message + "looked up or stored.", shown
    return None


def refusal(request, status: int, message: str, field: str | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({field: [message]} if field else {"detail": message}, status=status)
    return render(request, "400.html", {"message": message}, status=status)
