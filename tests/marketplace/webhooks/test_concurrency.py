"""Two workers racing for one delivery (a task and the sweeper): exactly one request goes out."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from marketplace.webhooks.models import DeliveryStatus, WebhookDelivery

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_racing_attempts_send_a_delivery_once(receiver, endpoint):
    from marketplace.webhooks.delivery import webhook_delivery_send
    from marketplace.webhooks.services import webhook_event_publish

    receiver.plan = [(200, 0.3)]  # slow enough that both workers are in flight together
    message = webhook_event_publish(
        event_type="licence.issued",
        event_id=f"evt_{uuid.uuid4().hex}",
        occurred_at=timezone.now(),
        subject="licence:LIC-RACE",
        payload={"licence": "LIC-RACE"},
    )  # committed (transactional test); its on-commit attempt ran already, so reopen the delivery
    WebhookDelivery.objects.filter(message=message).update(
        status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), claim_token=""
    )
    receiver.requests.clear()
    receiver.processed.clear()
    delivery = WebhookDelivery.objects.get(message=message)
    start = threading.Barrier(4)
    outcomes = []

    def worker():
        start.wait()
        try:
            outcomes.append(webhook_delivery_send(delivery_id=delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert sorted(outcomes) == ["not_due"] * 3 + ["succeeded"]
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
