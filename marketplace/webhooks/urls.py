"""Routes of the webhook API, included by ``marketplace/api/urls.py`` (namespace ``marketplace_api``)."""

from django.urls import path

from marketplace.webhooks import api

DELIVERY = "webhook-endpoints/<int:endpoint_id>/deliveries/<int:delivery_id>/"

urlpatterns = [
    path("webhook-event-types/", api.WebhookEventTypeListView.as_view(), name="webhook-event-types"),
    path("webhook-endpoints/", api.WebhookEndpointListView.as_view(), name="webhook-endpoint-list"),
    path(
        "webhook-endpoints/<int:endpoint_id>/",
        api.WebhookEndpointDetailView.as_view(),
        name="webhook-endpoint-detail",
    ),
    path(
        "webhook-endpoints/<int:endpoint_id>/rotate-secret/",
        api.WebhookEndpointRotateSecretView.as_view(),
        name="webhook-endpoint-rotate-secret",
    ),
    path(
        "webhook-endpoints/<int:endpoint_id>/deliveries/",
        api.WebhookDeliveryListView.as_view(),
        name="webhook-delivery-list",
    ),
    path(DELIVERY, api.WebhookDeliveryDetailView.as_view(), name="webhook-delivery-detail"),
    path(
        DELIVERY + "redeliver/", api.WebhookDeliveryRedeliverView.as_view(), name="webhook-delivery-redeliver"
    ),
]
