from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from cases.api.docs import SwaggerDocs


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's, the API docs).
    Resolved per request: with hashed static names the URL exists only after collectstatic."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    # The language switcher posts here (set_language): the choice goes into the language cookie.
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerDocs.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("cases.api.urls")),
    path("", include("cases.web.urls")),
]
