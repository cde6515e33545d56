"""Webhook API for the host's staff: endpoints, secrets, the delivery log, redelivery.

Staff only (``is_staff``): a staff user manages the endpoints they registered, a superuser all of
them; anyone else's endpoint is "not found". Anonymous callers get 401, signed-in non-staff 403.
Errors are ``{"code", "message", "fields"}``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from .events import EVENT_TYPES
from .models import DeliveryStatus
from .selectors import (
    user_manages_webhooks,
    webhook_deliveries_of,
    webhook_delivery_for_viewer,
    webhook_endpoint_for_viewer,
    webhook_endpoints_visible_to,
)
from .serializers import (
    WebhookDeliveryDetailSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointSerializer,
    WebhookEndpointWithSecretSerializer,
    WebhookEndpointWriteSerializer,
    WebhookErrorSerializer,
    WebhookEventTypeSerializer,
)
from .services import (
    WebhookRefused,
    webhook_delivery_redeliver,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_update,
)

ERRORS = dict.fromkeys((400, 401, 403, 404, 409), WebhookErrorSerializer)


def error(code: str, message, http_status=status.HTTP_400_BAD_REQUEST, fields=None) -> Response:
    return Response({"code": code, "message": str(message), "fields": fields or {}}, status=http_status)


class IsHostStaff(BasePermission):
    message = _("Only the platform's staff manage webhooks.")

    def has_permission(self, request, view) -> bool:
        return user_manages_webhooks(request.user)


class WebhookApiView(APIView):
    permission_classes = [IsHostStaff]

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, exceptions.APIException):
            code = exc.get_codes() if isinstance(exc.get_codes(), str) else "invalid_input"
            response.data = {"code": code, "message": str(exc.detail), "fields": {}}
        return response

    def endpoint_or_404(self, endpoint_id: int):
        endpoint = webhook_endpoint_for_viewer(user=self.request.user, endpoint_id=endpoint_id)
        if endpoint is None:
            raise exceptions.NotFound(_("No such webhook endpoint."))
        return endpoint


def _invalid(serializer) -> Response:
    return error("invalid_input", _("Some fields are not valid."), fields=serializer.errors)


def _refused(exc: WebhookRefused) -> Response:
    return error(exc.code, exc.message, fields={k: [str(m) for m in v] for k, v in exc.fields.items()})


class WebhookEndpointListView(WebhookApiView):
    """The endpoints you registered; register one (its secret is in this answer only)."""

    @extend_schema(responses={200: WebhookEndpointSerializer(many=True), **ERRORS})
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(webhook_endpoints_visible_to(request.user), request, view=self)
        return paginator.get_paginated_response(WebhookEndpointSerializer(page, many=True).data)

    @extend_schema(
        request=WebhookEndpointWriteSerializer, responses={201: WebhookEndpointWithSecretSerializer, **ERRORS}
    )
    def post(self, request):
        serializer = WebhookEndpointWriteSerializer(data=request.data)
        if not serializer.is_valid():
            return _invalid(serializer)
        try:
            endpoint, secret = webhook_endpoint_create(owner=request.user, **serializer.validated_data)
        except WebhookRefused as exc:
            return _refused(exc)
        body = WebhookEndpointWithSecretSerializer(endpoint, context={"secret": secret}).data
        return Response(body, status=status.HTTP_201_CREATED)


class WebhookEndpointDetailView(WebhookApiView):
    @extend_schema(responses={200: WebhookEndpointSerializer, **ERRORS})
    def get(self, request, endpoint_id: int):
        return Response(WebhookEndpointSerializer(self.endpoint_or_404(endpoint_id)).data)

    @extend_schema(
        request=WebhookEndpointWriteSerializer, responses={200: WebhookEndpointSerializer, **ERRORS}
    )
    def patch(self, request, endpoint_id: int):
        endpoint = self.endpoint_or_404(endpoint_id)
        serializer = WebhookEndpointWriteSerializer(data=request.data, partial=True)
        if not serializer.is_valid():
            return _invalid(serializer)
        try:
            endpoint = webhook_endpoint_update(endpoint=endpoint, **serializer.validated_data)
        except WebhookRefused as exc:
            return _refused(exc)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request, endpoint_id: int):
        webhook_endpoint_delete(endpoint=self.endpoint_or_404(endpoint_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookEndpointRotateSecretView(WebhookApiView):
    """A new secret (in this answer only); the old one keeps signing for the grace period."""

    @extend_schema(request=None, responses={200: WebhookEndpointWithSecretSerializer, **ERRORS})
    def post(self, request, endpoint_id: int):
        endpoint = self.endpoint_or_404(endpoint_id)
        secret = webhook_endpoint_secret_rotate(endpoint=endpoint)
        endpoint.refresh_from_db()
        return Response(WebhookEndpointWithSecretSerializer(endpoint, context={"secret": secret}).data)


class WebhookDeliveryListView(WebhookApiView):
    """The delivery log of one endpoint, newest first (``?status=pending|succeeded|failed``)."""

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=DeliveryStatus.values, required=False)],
        responses={200: WebhookDeliverySerializer(many=True), **ERRORS},
    )
    def get(self, request, endpoint_id: int):
        endpoint = self.endpoint_or_404(endpoint_id)
        wanted = request.query_params.get("status", "")
        if wanted and wanted not in DeliveryStatus.values:
            return error("invalid_input", _("Unknown delivery status."), fields={"status": [wanted]})
        paginator = PageNumberPagination()
        deliveries = webhook_deliveries_of(endpoint=endpoint, status=wanted)
        page = paginator.paginate_queryset(deliveries, request, view=self)
        return paginator.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)


class WebhookDeliveryDetailView(WebhookApiView):
    """One delivery with its payload and every attempt."""

    def delivery_or_404(self, endpoint_id: int, delivery_id: int):
        delivery = webhook_delivery_for_viewer(
            user=self.request.user, endpoint_id=endpoint_id, delivery_id=delivery_id
        )
        if delivery is None:
            raise exceptions.NotFound(_("No such delivery."))
        return delivery

    @extend_schema(responses={200: WebhookDeliveryDetailSerializer, **ERRORS})
    def get(self, request, endpoint_id: int, delivery_id: int):
        return Response(WebhookDeliveryDetailSerializer(self.delivery_or_404(endpoint_id, delivery_id)).data)


class WebhookDeliveryRedeliverView(WebhookDeliveryDetailView):
    """Send a delivery again now, with the same ``webhook-id`` (receivers deduplicate by it)."""

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer, **ERRORS})
    def post(self, request, endpoint_id: int, delivery_id: int):
        delivery = self.delivery_or_404(endpoint_id, delivery_id)
        try:
            delivery = webhook_delivery_redeliver(delivery=delivery)
        except WebhookRefused as exc:
            return error(exc.code, exc.message, status.HTTP_409_CONFLICT)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookEventTypeListView(WebhookApiView):
    """The event types an endpoint can receive, with their payload fields."""

    @extend_schema(responses={200: WebhookEventTypeSerializer(many=True), **ERRORS})
    def get(self, request):
        return Response(WebhookEventTypeSerializer(list(EVENT_TYPES.values()), many=True).data)
