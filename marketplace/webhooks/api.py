"""Webhook API for the host's staff: endpoints, secrets, the delivery log, redelivery.

Staff only (``is_staff``): a staff user manages the endpoints they registered, a superuser all of
them; anyone else's endpoint is "not found". Anonymous callers get 401, signed-in non-staff 403.
Errors are ``{"code", "message", "fields"}``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from kernel.api import PluginAPIView
from kernel.errors import InvalidInput
from marketplace.webhooks.events import EVENT_TYPES
from marketplace.webhooks.models import DeliveryStatus
from marketplace.webhooks.selectors import (
    user_manages_webhooks,
    webhook_deliveries_of,
    webhook_delivery_for_viewer,
    webhook_endpoint_for_viewer,
    webhook_endpoints_visible_to,
)
from marketplace.webhooks.serializers import (
    WebhookDeliveryDetailSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointSerializer,
    WebhookEndpointWithSecretSerializer,
    WebhookEndpointWriteSerializer,
    WebhookEventTypeSerializer,
)
from marketplace.webhooks.services import (
    webhook_delivery_redeliver,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_update,
)


class IsHostStaff(BasePermission):
    message = _("Only the platform's staff manage webhooks.")

    def has_permission(self, request, view) -> bool:
        return user_manages_webhooks(request.user)


class WebhookApiView(PluginAPIView):
    permission_classes = [IsAuthenticated, IsHostStaff]

    def endpoint_or_404(self, endpoint_id: int):
        endpoint = webhook_endpoint_for_viewer(user=self.request.user, endpoint_id=endpoint_id)
        if endpoint is None:
            raise exceptions.NotFound(_("No such webhook endpoint."))
        return endpoint


class WebhookEndpointListView(WebhookApiView):
    """The endpoints you registered; register one (its secret is in this answer only)."""

    @extend_schema(responses={200: WebhookEndpointSerializer(many=True)})
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(webhook_endpoints_visible_to(request.user), request, view=self)
        return paginator.get_paginated_response(WebhookEndpointSerializer(page, many=True).data)

    @extend_schema(
        request=WebhookEndpointWriteSerializer, responses={201: WebhookEndpointWithSecretSerializer}
    )
    def post(self, request):
        serializer = WebhookEndpointWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint, secret = webhook_endpoint_create(owner=request.user, **serializer.validated_data)
        body = WebhookEndpointWithSecretSerializer(endpoint, context={"secret": secret}).data
        return Response(body, status=status.HTTP_201_CREATED)


class WebhookEndpointDetailView(WebhookApiView):
    @extend_schema(responses={200: WebhookEndpointSerializer})
    def get(self, request, endpoint_id: int):
        return Response(WebhookEndpointSerializer(self.endpoint_or_404(endpoint_id)).data)

    @extend_schema(request=WebhookEndpointWriteSerializer, responses={200: WebhookEndpointSerializer})
    def patch(self, request, endpoint_id: int):
        endpoint = self.endpoint_or_404(endpoint_id)
        serializer = WebhookEndpointWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_update(endpoint=endpoint, **serializer.validated_data)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(responses={204: None})
    def delete(self, request, endpoint_id: int):
        webhook_endpoint_delete(endpoint=self.endpoint_or_404(endpoint_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookEndpointRotateSecretView(WebhookApiView):
    """A new secret (in this answer only); the old one keeps signing for the grace period."""

    @extend_schema(request=None, responses={200: WebhookEndpointWithSecretSerializer})
    def post(self, request, endpoint_id: int):
        endpoint = self.endpoint_or_404(endpoint_id)
        secret = webhook_endpoint_secret_rotate(endpoint=endpoint)
        endpoint.refresh_from_db()
        return Response(WebhookEndpointWithSecretSerializer(endpoint, context={"secret": secret}).data)


class WebhookDeliveryListView(WebhookApiView):
    """The delivery log of one endpoint, newest first (``?status=pending|succeeded|failed``)."""

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=DeliveryStatus.values, required=False)],
        responses={200: WebhookDeliverySerializer(many=True)},
    )
    def get(self, request, endpoint_id: int):
        endpoint = self.endpoint_or_404(endpoint_id)
        wanted = request.query_params.get("status", "")
        if wanted and wanted not in DeliveryStatus.values:
            raise InvalidInput(_("Unknown delivery status."), fields={"status": [wanted]})
        paginator = self.pagination_class()
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

    @extend_schema(responses={200: WebhookDeliveryDetailSerializer})
    def get(self, request, endpoint_id: int, delivery_id: int):
        return Response(WebhookDeliveryDetailSerializer(self.delivery_or_404(endpoint_id, delivery_id)).data)


class WebhookDeliveryRedeliverView(WebhookDeliveryDetailView):
    """Send a delivery again now, with the same ``webhook-id`` (receivers deduplicate by it)."""

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    def post(self, request, endpoint_id: int, delivery_id: int):
        delivery = self.delivery_or_404(endpoint_id, delivery_id)
        delivery = webhook_delivery_redeliver(delivery=delivery)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookEventTypeListView(WebhookApiView):
    """The event types an endpoint can receive, with their payload fields."""

    @extend_schema(responses={200: WebhookEventTypeSerializer(many=True)})
    def get(self, request):
        return Response(WebhookEventTypeSerializer(list(EVENT_TYPES.values()), many=True).data)
