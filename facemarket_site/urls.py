"""URLs of the standalone site. A host platform includes the same app URLconfs under its own prefixes."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from marketplace.views import healthz

api_v1 = [
    path("", include("marketplace.api.urls")),
    path("verification/", include("verification.api.urls")),
    path("listings/", include("listings.api.urls")),
    path("payouts/", include("payouts.api.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("verification/", include("verification.urls")),
    path("listings/", include("listings.urls")),
    path("payouts/", include("payouts.urls")),
    path("", include("marketplace.urls")),
]

# Media is never served blindly: uploads (faces) go out only through views that check permissions.
