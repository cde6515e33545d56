"""The plugin's base API view: it declares its own authentication, permissions, throttles,
pagination, schema and error handling, so a host's global ``REST_FRAMEWORK`` settings neither open
nor break the plugin's endpoints (a host on DRF's ``AllowAny`` default still gets 401/403 from every
private endpoint, and one without ``DEFAULT_THROTTLE_RATES`` gets the plugin's own rates).

Every plugin API view inherits :class:`PluginAPIView` (or mixes in :class:`PluginAPIMixin` before a
DRF generic view). Public endpoints say so with ``permission_classes = [AllowAny]``.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.apps import apps
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers, throttling
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from .conf import kernel_settings
from .errors import exception_handler
from .input_guard import refuse_nul_bytes


class OptionalTokenAuthentication(TokenAuthentication):
    """DRF token authentication when the host installed ``rest_framework.authtoken``; else none."""

    def authenticate(self, request):
        if not apps.is_installed("rest_framework.authtoken"):
            return None
        return super().authenticate(request)


class OptionalTokenScheme(OpenApiAuthenticationExtension):
    target_class = OptionalTokenAuthentication
    name = "faceMarketToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }


class _PluginRates:
    """Rates come from ``FACE_MARKET["API_THROTTLE_RATES"]``, not the host's DRF settings."""

    def get_rate(self):
        return kernel_settings.API_THROTTLE_RATES.get(self.scope)


class PluginAnonThrottle(_PluginRates, throttling.AnonRateThrottle):
    pass


class PluginUserThrottle(_PluginRates, throttling.UserRateThrottle):
    pass


class PluginScopedThrottle(_PluginRates, throttling.ScopedRateThrottle):
    """Per-view scope (``throttle_scope = "reports"``)."""

    def allow_request(self, request, view):
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope or self.get_rate() is None:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return throttling.SimpleRateThrottle.allow_request(self, request, view)


class PluginPagination(PageNumberPagination):
    page_size = 24
    page_size_query_param = "page_size"
    max_page_size = 100


class ErrorSerializer(serializers.Serializer):
    """The one error body of every plugin endpoint."""

    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `not_found`.")
    message = serializers.CharField(help_text="A sentence for a person, in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field name -> messages, when input was refused field by field; else empty.",
    )


ERROR_RESPONSES = {
    "400": "Bad input",
    "401": "Not signed in",
    "403": "Not allowed",
    "404": "Not found",
    "429": "Too many requests",
}


class PluginAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the one error body documented on every operation."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = dict(ERROR_RESPONSES)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes["409"] = "Not possible in the current state"
        for code, description in codes.items():
            if code not in responses:
                body = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                body["description"] = description
                responses[code] = body
        return responses


class PluginAPIMixin:
    authentication_classes = [OptionalTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [PluginAnonThrottle, PluginUserThrottle, PluginScopedThrottle]
    pagination_class = PluginPagination
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    schema = PluginAutoSchema()

    def get_exception_handler(self):
        return exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # after authentication and throttling, before any view code reaches the database
        refuse_nul_bytes(query=request.query_params, path_kwargs=kwargs, data=request.data)


class PluginAPIView(PluginAPIMixin, APIView):
    pass


@contextmanager
def plugin_schema_class():
    """While the plugin's API modules are imported (the plugin's URLconf includes them inside this),
    method-level ``@extend_schema`` builds on :class:`PluginAutoSchema` even when the host's DRF
    ``DEFAULT_SCHEMA_CLASS`` is DRF's own (drf-spectacular picks the base class at import, from that
    setting). The host's setting is restored at once."""
    cached = api_settings.__dict__.get("DEFAULT_SCHEMA_CLASS", _UNSET)
    api_settings.DEFAULT_SCHEMA_CLASS = PluginAutoSchema
    try:
        yield
    finally:
        if cached is _UNSET:
            api_settings.__dict__.pop("DEFAULT_SCHEMA_CLASS", None)
        else:
            api_settings.DEFAULT_SCHEMA_CLASS = cached


_UNSET = object()
