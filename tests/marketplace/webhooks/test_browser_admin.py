"""The webhook admin in headless Chromium: register an endpoint, read the secret once, read the log."""

from __future__ import annotations

import os
import uuid

import pytest
from django.utils import timezone

from marketplace.webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a sturdy pass phrase 42"
SHOTS = os.environ.get("FACE_MARKET_SCREENSHOTS", "")  # a folder to keep screenshots in, for review


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_register_an_endpoint_then_read_its_delivery_log(page, make_user, receiver):
    from marketplace.webhooks.services import webhook_event_publish

    make_user("root", password=PASSWORD, is_staff=True, is_superuser=True)
    page.goto("/admin/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.goto("/admin/fm_marketplace/webhookendpoint/add/")
    page.fill("input[name=url]", receiver.url)
    page.fill("input[name=description]", "Studio CRM")
    page.check("input[name=event_types][value='licence.issued']")
    shot(page, "admin-endpoint-add-en")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in page.inner_text(".messagelist")
    shot(page, "admin-endpoint-saved-en")
    page.goto(f"/admin/fm_marketplace/webhookendpoint/{endpoint.pk}/change/")
    assert endpoint.secret not in page.content()

    receiver.secrets.append(endpoint.secret)
    receiver.plan = [(500, 0)]
    webhook_event_publish(
        event_type="licence.issued",
        event_id=f"evt_{uuid.uuid4().hex}",
        occurred_at=timezone.now(),
        subject="licence:LIC-B-1",
        payload={"licence": "LIC-B-1"},
    )
    delivery = WebhookDelivery.objects.get()
    page.goto(f"/admin/fm_marketplace/webhookdelivery/{delivery.pk}/change/")
    assert "The receiver answered with an error status" in page.inner_text("#content")
    shot(page, "admin-delivery-en")
    page.goto("/admin/fm_marketplace/webhookdelivery/")
    shot(page, "admin-deliveries-en")
