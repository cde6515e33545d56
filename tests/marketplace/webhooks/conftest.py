"""Fixtures of the webhook tests: a real receiver on loopback, settings that allow it, a staff host."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from .receiver import Receiver, serve

FAST = {
    "WEBHOOK_ALLOW_LOOPBACK_URLS": True,  # the receiver is on 127.0.0.1; tests run with DEBUG off
    "WEBHOOK_TIMEOUT_SECONDS": 0.5,
    "WEBHOOK_RETRY_SCHEDULE_SECONDS": [0],  # a failed attempt is due again at once (for the sweeper)
}


@pytest.fixture
def webhook_settings(settings):
    settings.FACE_MARKET = {**settings.FACE_MARKET, **FAST}
    return settings


@pytest.fixture
def receiver(webhook_settings):
    receiver = Receiver()
    server, thread = serve(receiver)
    yield receiver
    receiver.wait_idle()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def host_staff(make_user):
    return make_user("host_staff", is_staff=True)


@pytest.fixture
def endpoint(receiver, host_staff):
    from marketplace.webhooks.services import webhook_endpoint_create

    endpoint, secret = webhook_endpoint_create(owner=host_staff, url=receiver.url, description="host CRM")
    receiver.secrets.append(secret)
    return endpoint


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Publish an event as the outbox handler will, and run what happens after commit (eager tasks)."""
    from marketplace.webhooks.services import webhook_event_publish

    def publish_event(event_type="licence.issued", *, subject="licence:LIC-T-1", data=None, event_id=None):
        with django_capture_on_commit_callbacks(execute=True):
            return webhook_event_publish(
                event_type=event_type,
                event_id=event_id or f"evt_{uuid.uuid4().hex}",
                occurred_at=timezone.now(),
                subject=subject,
                payload=data if data is not None else {"licence": subject.split(":", 1)[1]},
            )

    return publish_event


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """One run of the periodic sweeper (its attempts run eagerly)."""
    from marketplace.webhooks.tasks import webhook_deliveries_retry

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return webhook_deliveries_retry()

    return run
