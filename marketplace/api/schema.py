"""The plugin's OpenAPI schema and docs, self-contained: they need no SPECTACULAR_SETTINGS from the host.

The schema lists only the plugin's own endpoints (the host's API is not ours to publish), wherever the
host mounted ``marketplace.urls``.
"""

from __future__ import annotations

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.settings import patched_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

PLUGIN_PACKAGES = ("marketplace.", "listings.", "verification.", "payouts.")

SCHEMA_SETTINGS = {
    "TITLE": "Face licence marketplace API",
    "DESCRIPTION": "Licences to a person's likeness: specific, consented, revocable, verifiable and paid.",
    "VERSION": "1.0.0",
    # any host prefix before /api/v1 is stripped when naming operations and tags
    "SCHEMA_PATH_PREFIX": r"(?:/[^/]+)*/api/v[0-9]+",
    "PREPROCESSING_HOOKS": ["marketplace.api.schema.plugin_endpoints_only"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "marketplace.api.schema.one_request_content_type",
    ],
    # Django's <int:...> matches digits only: a negative id never reaches a view (the resolver's 404 page)
    "PATH_CONVERTER_OVERRIDES": {"int": {"type": "integer", "minimum": 0}},
    "ENUM_NAME_OVERRIDES": {"ReportReasonEnum": "marketplace.moderation.claims_api.REPORT_REASON_CHOICES"},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}


def plugin_endpoints_only(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: keep the endpoints whose view lives in one of the plugin's apps."""
    kept = []
    for path, path_regex, method, callback in endpoints:
        view_class = getattr(callback, "cls", None) or callback
        if view_class.__module__.startswith(PLUGIN_PACKAGES) and view_class.__module__ != __name__:
            kept.append((path, path_regex, method, callback))
    return kept


#: the body each operation documents, in this order of preference: JSON, or a multipart upload
DOCUMENTED_REQUEST_TYPES = ("application/json", "multipart/form-data")


def one_request_content_type(result, generator=None, request=None, public=None):
    """drf-spectacular postprocessing hook: document one request body per operation, JSON (or multipart
    for uploads). The views also parse forms, but three identical bodies make clients generated from the
    schema ambiguous (openapi-python-client emits code that does not import)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content") if isinstance(operation, dict) else None
            if not content or len(content) < 2:
                continue
            keep = next((kind for kind in DOCUMENTED_REQUEST_TYPES if kind in content), next(iter(content)))
            operation["requestBody"]["content"] = {keep: content[keep]}
    return result


class MarketSchemaGenerator(SchemaGenerator):
    """Describes each view with drf-spectacular's AutoSchema even when the host's DRF
    ``DEFAULT_SCHEMA_CLASS`` is another (DRF's own default is): the plugin's schema must not depend on
    the host's REST_FRAMEWORK settings. A view that declares its own schema keeps it."""

    def create_view(self, callback, method, request=None):
        view = super().create_view(callback, method, request)
        schema = getattr(view, "schema", None)
        if schema is not None and not isinstance(schema, AutoSchema):
            self._set_schema_to_view(view, AutoSchema())  # a view left on the host's default class
        return view


class MarketSchemaView(SpectacularAPIView):
    schema = AutoSchema()  # drf-spectacular's, whatever the host's DEFAULT_SCHEMA_CLASS
    permission_classes = [AllowAny]
    generator_class = MarketSchemaGenerator
    serve_public = True
    custom_settings = SCHEMA_SETTINGS


class MarketSwaggerView(SpectacularSwaggerView):
    schema = AutoSchema()
    permission_classes = [AllowAny]
    title = SCHEMA_SETTINGS["TITLE"]

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        with patched_settings(SCHEMA_SETTINGS):
            return super().get(request, *args, **kwargs)
