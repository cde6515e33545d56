"""Reads of the outbound webhooks, scoped to who may see them.

A host's staff user sees the endpoints they registered (and their deliveries); a superuser sees all.
What a user may not see is "not found".
"""

from __future__ import annotations

from django.db.models import QuerySet

from marketplace.webhooks.models import WebhookDelivery, WebhookEndpoint


def user_manages_webhooks(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def webhook_endpoints_visible_to(user) -> QuerySet[WebhookEndpoint]:
    if not user_manages_webhooks(user):
        return WebhookEndpoint.objects.none()
    endpoints = WebhookEndpoint.objects.all()
    return endpoints if user.is_superuser else endpoints.filter(owner=user)


def webhook_endpoint_for_viewer(*, user, endpoint_id: int) -> WebhookEndpoint | None:
    return webhook_endpoints_visible_to(user).filter(pk=endpoint_id).first()


def webhook_deliveries_of(*, endpoint: WebhookEndpoint, status: str = "") -> QuerySet[WebhookDelivery]:
    deliveries = endpoint.deliveries.select_related("message").order_by("-created_at", "-id")
    return deliveries.filter(status=status) if status else deliveries


def webhook_delivery_for_viewer(*, user, endpoint_id: int, delivery_id: int) -> WebhookDelivery | None:
    endpoint = webhook_endpoint_for_viewer(user=user, endpoint_id=endpoint_id)
    if endpoint is None:
        return None
    return (
        endpoint.deliveries.select_related("message", "endpoint")
        .prefetch_related("attempts")
        .filter(pk=delivery_id)
        .first()
    )
