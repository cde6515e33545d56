"""Staff API for hosts: grant and revoke a person's marketplace roles (the host owns sign-up).

``GET staff/users/<id>/roles/``, ``PUT`` / ``DELETE staff/users/<id>/roles/<role>/``. Staff only.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response

from kernel.api import PluginAPIView
from kernel.roles import Role
from marketplace.selectors import user_roles
from marketplace.services import user_role_grant, user_role_revoke

UserRoles = inline_serializer(
    "UserRoles",
    {"user": serializers.IntegerField(), "roles": serializers.ListField(child=serializers.CharField())},
)


def _error(code: str, message: str, http_status: int, fields: dict | None = None) -> Response:
    return Response({"code": code, "message": message, "fields": fields or {}}, status=http_status)


class _StaffRolesView(PluginAPIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, IsAdminUser]

    def _user(self, user_id: int):
        return get_user_model()._default_manager.filter(pk=user_id).first()

    def _answer(self, user) -> Response:
        user = get_user_model()._default_manager.get(pk=user.pk)  # fresh: no cached permissions
        return Response({"user": user.pk, "roles": user_roles(user)})


class UserRolesView(_StaffRolesView):
    """A person's marketplace roles."""

    @extend_schema(responses=UserRoles)
    def get(self, request, user_id: int):
        user = self._user(user_id)
        if user is None:
            return _error("user_not_found", "No such user.", status.HTTP_404_NOT_FOUND)
        return self._answer(user)


class UserRoleView(_StaffRolesView):
    """Grant (PUT) or revoke (DELETE) one role."""

    def _change(self, user_id: int, role: str, change) -> Response:
        if role not in Role.values:
            return _error(
                "unknown_role",
                "Unknown role.",
                status.HTTP_400_BAD_REQUEST,
                {"role": [f"One of: {', '.join(Role.values)}."]},
            )
        user = self._user(user_id)
        if user is None:
            return _error("user_not_found", "No such user.", status.HTTP_404_NOT_FOUND)
        change(user=user, role=role)
        return self._answer(user)

    @extend_schema(request=None, responses=UserRoles)
    def put(self, request, user_id: int, role: str):
        return self._change(user_id, role, user_role_grant)

    @extend_schema(request=None, responses=UserRoles)
    def delete(self, request, user_id: int, role: str):
        return self._change(user_id, role, user_role_revoke)
