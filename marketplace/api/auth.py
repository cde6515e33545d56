"""The token endpoint, in the plugin's schema (DRF's own view is not: the schema lists plugin views only)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny

from kernel.api import PluginAPIMixin


class TokenObtainView(PluginAPIMixin, ObtainAuthToken):
    """Exchange a login (the user model's login field, sent as ``username``) and password for the API
    token; send it as ``Authorization: Token <token>``. Throttled per caller (``login`` rate), so
    guessing passwords here is as slow as on the login page."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_scope = "login"

    @extend_schema(
        request=inline_serializer(
            "TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses=inline_serializer("IssuedToken", {"token": serializers.CharField()}),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
