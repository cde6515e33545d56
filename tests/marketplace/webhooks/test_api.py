"""The webhook API: staff only, each staff user their own endpoints, secrets shown once."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from marketplace.webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(name: str, **kwargs) -> str:
    return reverse(f"marketplace_api:{name}", kwargs=kwargs)


def test_anonymous_callers_get_401_and_non_staff_403(buyer, seller, moderator):
    response = api().get(url("webhook-endpoint-list"))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    for user in (buyer, seller, moderator):
        response = api(user).post(
            url("webhook-endpoint-list"), {"url": "https://93.184.215.14/"}, format="json"
        )
        assert response.status_code == 403
        assert set(response.json()) == {"code", "message", "fields"}
    assert not WebhookEndpoint.objects.exists()


def test_staff_register_an_endpoint_and_see_its_secret_only_once(host_staff):
    response = api(host_staff).post(
        url("webhook-endpoint-list"),
        {"url": "https://93.184.215.14/hooks", "event_types": ["licence.issued", "escrow.released"]},
        format="json",
    )
    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert created["event_types"] == ["escrow.released", "licence.issued"]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.owner == host_staff and endpoint.secret == created["secret"]

    listed = api(host_staff).get(url("webhook-endpoint-list")).json()
    detail = api(host_staff).get(url("webhook-endpoint-detail", endpoint_id=endpoint.pk)).json()
    for shown in (listed["results"][0], detail):
        assert "secret" not in shown and created["secret"] not in str(shown)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://10.1.2.3/hook"}, "url"),
        ({"url": "gopher://93.184.215.14/"}, "url"),
        ({}, "url"),
        ({"url": "https://93.184.215.14/", "event_types": ["licence.sold"]}, "event_types"),
    ],
)
def test_bad_input_is_a_clear_400_and_nothing_is_written(host_staff, body, field):
    response = api(host_staff).post(url("webhook-endpoint-list"), body, format="json")
    assert response.status_code == 400
    error = response.json()
    assert error["code"] in ("invalid_input", "invalid_url") and field in error["fields"]
    assert error["message"]
    assert not WebhookEndpoint.objects.exists()


def test_another_staff_users_endpoint_is_not_found_and_superusers_see_all(host_staff, make_user, endpoint):
    other = make_user("other_staff", is_staff=True)
    root = make_user("root", is_staff=True, is_superuser=True)
    for name, method in [
        ("webhook-endpoint-detail", "get"),
        ("webhook-endpoint-detail", "patch"),
        ("webhook-endpoint-detail", "delete"),
        ("webhook-endpoint-rotate-secret", "post"),
        ("webhook-delivery-list", "get"),
    ]:
        response = getattr(api(other), method)(url(name, endpoint_id=endpoint.pk), {}, format="json")
        assert response.status_code == 404, (name, method)
        assert response.json()["code"] == "not_found"
    assert api(other).get(url("webhook-endpoint-list")).json()["count"] == 0
    assert api(root).get(url("webhook-endpoint-list")).json()["count"] == 1
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


def test_update_rotate_and_delete(host_staff, endpoint):
    client = api(host_staff)
    response = client.patch(
        url("webhook-endpoint-detail", endpoint_id=endpoint.pk),
        {"event_types": ["listing.published"], "is_active": False},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["event_types"] == ["listing.published"] and response.json()["is_active"] is False

    refused = client.patch(
        url("webhook-endpoint-detail", endpoint_id=endpoint.pk), {"url": "http://10.0.0.1/"}, format="json"
    )
    assert refused.status_code == 400
    endpoint.refresh_from_db()
    assert endpoint.url.startswith("http://127.0.0.1:")

    rotated = client.post(url("webhook-endpoint-rotate-secret", endpoint_id=endpoint.pk)).json()
    endpoint.refresh_from_db()
    assert rotated["secret"] == endpoint.secret != endpoint.previous_secret
    assert rotated["previous_secret_valid_until"] is not None

    assert client.delete(url("webhook-endpoint-detail", endpoint_id=endpoint.pk)).status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_the_delivery_log_and_a_redeliver(
    host_staff, make_user, receiver, endpoint, publish, django_capture_on_commit_callbacks
):
    receiver.plan = [(500, 0)]
    message = publish()
    delivery = WebhookDelivery.objects.get()
    client = api(host_staff)

    listed = client.get(url("webhook-delivery-list", endpoint_id=endpoint.pk)).json()
    (row,) = listed["results"]
    assert row["event_id"] == message.event_id and row["status"] == "pending"
    assert row["last_status_code"] == 500 and row["last_error"] == "http_status"
    assert row["last_error_text"] == "The receiver answered with an error status"
    assert (
        client.get(url("webhook-delivery-list", endpoint_id=endpoint.pk), {"status": "succeeded"}).json()[
            "count"
        ]
        == 0
    )
    assert (
        client.get(url("webhook-delivery-list", endpoint_id=endpoint.pk), {"status": "bogus"}).status_code
        == 400
    )

    detail_url = url("webhook-delivery-detail", endpoint_id=endpoint.pk, delivery_id=delivery.pk)
    detail = client.get(detail_url).json()
    assert detail["payload"]["id"] == message.event_id
    assert [a["status_code"] for a in detail["attempts"]] == [500]

    redeliver_url = url("webhook-delivery-redeliver", endpoint_id=endpoint.pk, delivery_id=delivery.pk)
    other = make_user("other_staff", is_staff=True)
    assert api(other).post(redeliver_url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(redeliver_url)
    assert response.status_code == 202
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempt_count == 2
    assert [r.headers["webhook-id"] for r in receiver.requests] == [message.event_id] * 2


def test_the_event_type_catalogue(host_staff, buyer):
    assert api(buyer).get(url("webhook-event-types")).status_code == 403
    types = api(host_staff).get(url("webhook-event-types")).json()
    assert len(types) == 15  # the 14 and licence.reinstated (the kill switch lifted)
    issued = next(t for t in types if t["name"] == "licence.issued")
    assert issued["subject"] == "licence" and "amount" in issued["fields"]
