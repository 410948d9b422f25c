"""Swagger UI at /api/docs/, served from the local static files of drf-spectacular-sidecar.

drf-spectacular's split view already loads its start-up script from a URL instead of inlining
it; its page template still carries a <style> block, so the page is written here without one
(sccoder's pages run under a strict Content-Security-Policy: no inline script or style).
"""

from django.http import HttpResponse
from django.utils.html import format_html
from drf_spectacular.plumbing import set_query_parameters as with_query
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView

PAGE = """<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{title}</title>
    <link rel="icon" href="{favicon}">
    <link rel="stylesheet" href="{css}">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="{bundle}"></script>
    <script src="{preset}"></script>
    <script src="{start}"></script>
  </body>
</html>
"""


class SwaggerDocs(SpectacularSwaggerSplitView):
    title = "sccoder API"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if request.GET.get("script") is not None:
            return super().get(request, *args, **kwargs)
        page = format_html(
            PAGE,
            title=self.title,
            favicon=self._swagger_ui_favicon(),
            css=self._swagger_ui_resource("swagger-ui.css"),
            bundle=self._swagger_ui_resource("swagger-ui-bundle.js"),
            preset=self._swagger_ui_resource("swagger-ui-standalone-preset.js"),
            start=with_query(url=request.path, script=""),
        )
        return HttpResponse(page)
