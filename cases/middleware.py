"""Request/response tweaks that belong to the whole site."""


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
