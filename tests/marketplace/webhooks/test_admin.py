"""The webhook admin: registered, endpoints created through the service, secrets shown once."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from marketplace.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(make_user):
    return make_user("root", is_staff=True, is_superuser=True)


def test_the_models_are_registered():
    for model in (WebhookEndpoint, WebhookMessage, WebhookDelivery):
        assert admin.site.is_registered(model)


def test_adding_an_endpoint_generates_its_secret_and_shows_it_once(client, root, webhook_settings):
    client.force_login(root)
    response = client.post(
        reverse("admin:fm_marketplace_webhookendpoint_add"),
        {"url": "http://127.0.0.1:9000/hooks", "description": "CRM", "event_types": ["licence.issued"]},
        follow=True,
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.owner == root and endpoint.event_types == ["licence.issued"]
    shown = [str(m) for m in response.context["messages"]]
    assert any(endpoint.secret in m for m in shown)
    change = client.get(reverse("admin:fm_marketplace_webhookendpoint_change", args=[endpoint.pk]))
    assert change.status_code == 200 and endpoint.secret not in change.content.decode()


def test_a_private_url_is_refused_by_the_form(client, root):
    client.force_login(root)
    response = client.post(
        reverse("admin:fm_marketplace_webhookendpoint_add"), {"url": "http://10.0.0.9/hooks"}
    )
    assert response.status_code == 200 and not WebhookEndpoint.objects.exists()
    assert "private or reserved" in response.content.decode()


def test_the_delivery_log_pages_and_the_redeliver_action(
    client, root, receiver, endpoint, publish, django_capture_on_commit_callbacks
):
    publish()
    delivery = WebhookDelivery.objects.get()
    client.force_login(root)
    for name in ("webhookdelivery_changelist", "webhookmessage_changelist", "webhookendpoint_changelist"):
        assert client.get(reverse(f"admin:fm_marketplace_{name}")).status_code == 200
    page = client.get(reverse("admin:fm_marketplace_webhookdelivery_change", args=[delivery.pk]))
    assert page.status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:fm_marketplace_webhookdelivery_changelist"),
            {"action": "redeliver", "_selected_action": [delivery.pk]},
        )
    delivery.refresh_from_db()
    assert delivery.attempt_count == 2 and len(receiver.requests) == 2


def test_a_delivery_in_flight_cannot_be_redelivered(receiver, endpoint, publish):
    from marketplace.webhooks.services import WebhookRefused, webhook_delivery_redeliver

    receiver.plan = [(500, 0)]
    publish()
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(claim_token="held-by-a-worker")
    with pytest.raises(WebhookRefused) as refused:
        webhook_delivery_redeliver(delivery=delivery)
    assert refused.value.code == "delivery_in_flight"
