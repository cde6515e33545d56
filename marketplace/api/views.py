from django.apps import apps
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse

from kernel.api import PluginAPIView
from marketplace.selectors import user_roles


class ApiRootView(PluginAPIView):
    """Entry point of the face-market API: links to each part."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses=inline_serializer(
            "ApiRoot",
            {name: serializers.URLField() for name in ("me", "token", "schema", "docs")},
        )
    )
    def get(self, request, format=None):
        links = {
            "me": reverse("marketplace_api:me", request=request, format=format),
            "schema": reverse("face_market:api-schema", request=request),
            "docs": reverse("face_market:api-docs", request=request),
        }
        if apps.is_installed("rest_framework.authtoken"):
            links["token"] = reverse("marketplace_api:token", request=request, format=format)
        return Response(links)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField(source="get_username")
    email = serializers.EmailField()
    roles = serializers.ListField(child=serializers.CharField())


class MeView(PluginAPIView):
    """The signed-in account and its marketplace roles."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        return Response(
            MeSerializer(
                {
                    "pk": user.pk,
                    "get_username": user.get_username(),
                    "email": getattr(user, user.get_email_field_name(), "") or "",
                    "roles": user_roles(user),
                }
            ).data
        )
