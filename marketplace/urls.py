"""The one URLconf a host includes: every app's pages and the whole API with its schema.

``path("faces/", include("marketplace.urls"))`` under any prefix. Every name is namespaced:
pages under ``marketplace``, ``listings``, ``verification``, ``payouts``; the API under
``<app>_api``; the schema, docs and health check under ``face_market``.
"""

from django.urls import include, path

from kernel.api import plugin_schema_class
from kernel.input_guard import guard_page_patterns
from marketplace.api.schema import MarketSchemaView, MarketSwaggerView
from marketplace.views import healthz

with plugin_schema_class():  # include() imports the API modules here (see kernel.api)
    api_v1 = [
        path("", include("marketplace.api.urls")),
        path("verification/", include("verification.api.urls")),
        path("listings/", include("listings.api.urls")),
        path("payouts/", include("payouts.api.urls")),
    ]

face_market_patterns = (
    [
        path("healthz", healthz, name="healthz"),
        path("api/schema/", MarketSchemaView.as_view(), name="api-schema"),
        path("api/docs/", MarketSwaggerView.as_view(url_name="face_market:api-schema"), name="api-docs"),
    ],
    "face_market",
)

# the pages refuse NUL bytes at the door as the API's base view does (a 400 page, never a 500)
page_patterns = guard_page_patterns(
    [
        path("verification/", include("verification.urls")),
        path("listings/", include("listings.urls")),
        path("payouts/", include("payouts.urls")),
        path("", include("marketplace.pages_urls")),
    ]
)

urlpatterns = [
    path("", include(face_market_patterns)),
    path("api/v1/", include(api_v1)),
    *page_patterns,
]
