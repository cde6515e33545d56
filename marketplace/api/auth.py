"""The token endpoint, in the plugin's schema (DRF's own view is not: the schema lists plugin views only)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny

from kernel.api import PluginAPIMixin
from kernel.login_throttle import (
    client_ip,
    login_failure_note,
    login_refused_for,
    login_success_note,
    too_many_logins_message,
)


class TokenObtainView(PluginAPIMixin, ObtainAuthToken):
    """Exchange a login (the user model's login field, sent as ``username``) and password for the API
    token; send it as ``Authorization: Token <token>``. Throttled per caller (``login`` rate), and
    refused for a while after a few wrong passwords for one account, as on the login page."""

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
        username, ip = str(request.data.get("username", ""))[:254], client_ip(request)
        wait = login_refused_for(username=username, ip=ip)
        if wait:
            raise Throttled(wait=wait, detail=too_many_logins_message(wait))
        try:
            response = super().post(request, *args, **kwargs)
        except ValidationError:
            login_failure_note(username=username, ip=ip)
            raise
        login_success_note(username=username, ip=ip)
        return response
