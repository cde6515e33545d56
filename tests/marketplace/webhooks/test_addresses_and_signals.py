"""Which URLs may receive webhooks, and the public signals sent on commit."""

from __future__ import annotations

import pytest

from marketplace.webhooks.models import DeliveryError, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from marketplace.webhooks.services import WebhookRefused, webhook_endpoint_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example.com/in",
        "https://user:pass@93.184.215.14/in",
        "http://10.0.0.7/in",
        "http://192.168.1.20:8080/in",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata: refused even with private allowed
        "http://[::ffff:127.0.0.1]/in",
        "http://0.0.0.0/in",
        "http://127.0.0.1:9000/in",  # loopback: only with DEBUG or the setting
        "not a url",
    ],
)
def test_unsafe_urls_are_refused_and_nothing_is_stored(host_staff, url):
    with pytest.raises(WebhookRefused) as refused:
        webhook_endpoint_create(owner=host_staff, url=url)
    assert refused.value.code == "invalid_url" and "url" in refused.value.fields
    assert not WebhookEndpoint.objects.exists()


def test_a_public_address_is_accepted(host_staff):
    endpoint, secret = webhook_endpoint_create(owner=host_staff, url="https://93.184.215.14/hooks")
    assert endpoint.url == "https://93.184.215.14/hooks" and secret.startswith("whsec_")


def test_private_networks_need_the_setting_and_link_local_never_passes(host_staff, settings):
    settings.FACE_MARKET = {**settings.FACE_MARKET, "WEBHOOK_ALLOW_PRIVATE_URLS": True}
    webhook_endpoint_create(owner=host_staff, url="http://10.0.0.7/in")
    webhook_endpoint_create(owner=host_staff, url="http://127.0.0.1:9000/in")
    with pytest.raises(WebhookRefused):
        webhook_endpoint_create(owner=host_staff, url="http://169.254.169.254/")


def test_loopback_follows_debug_unless_set(host_staff, settings):
    settings.DEBUG = True
    webhook_endpoint_create(owner=host_staff, url="http://127.0.0.1:9000/in")
    settings.FACE_MARKET = {**settings.FACE_MARKET, "WEBHOOK_ALLOW_LOOPBACK_URLS": False}
    with pytest.raises(WebhookRefused):
        webhook_endpoint_create(owner=host_staff, url="http://localhost:9000/in")


def test_the_address_is_checked_again_when_sending(receiver, endpoint, publish, settings):
    settings.FACE_MARKET = {**settings.FACE_MARKET, "WEBHOOK_ALLOW_LOOPBACK_URLS": False}
    publish()
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.last_error == DeliveryError.ADDRESS_REFUSED
    assert delivery.status == DeliveryStatus.PENDING
    assert receiver.requests == []


def test_unknown_event_types_are_refused(host_staff):
    with pytest.raises(WebhookRefused) as refused:
        webhook_endpoint_create(owner=host_staff, url="https://93.184.215.14/", event_types=["licence.sold"])
    assert refused.value.code == "invalid_event_types"


def test_signals_are_sent_once_after_commit_with_the_documented_arguments(
    receiver, endpoint, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from marketplace.webhooks import signals
    from marketplace.webhooks.services import webhook_event_publish

    calls = []

    def on_issued(sender, **kwargs):
        calls.append(("licence_issued", kwargs))

    def on_any(sender, **kwargs):
        calls.append(("event_published", kwargs))

    def broken(sender, **kwargs):
        raise RuntimeError("a host receiver with a bug")

    signals.licence_issued.connect(on_issued)
    signals.licence_issued.connect(broken)
    signals.event_published.connect(on_any)
    try:
        occurred = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(2):
                webhook_event_publish(
                    event_type="licence.issued",
                    event_id="evt_signal",
                    occurred_at=occurred,
                    subject="licence:LIC-S",
                    payload={"licence": "LIC-S"},
                )
            assert calls == []  # not before commit
        with django_capture_on_commit_callbacks(execute=True):  # the outbox re-dispatching it later
            webhook_event_publish(
                event_type="licence.issued",
                event_id="evt_signal",
                occurred_at=occurred,
                subject="licence:LIC-S",
                payload={"licence": "LIC-S"},
            )
    finally:
        signals.licence_issued.disconnect(on_issued)
        signals.licence_issued.disconnect(broken)
        signals.event_published.disconnect(on_any)

    assert [name for name, _ in calls] == ["licence_issued", "event_published"]
    kwargs = calls[0][1]
    assert kwargs == {
        "signal": signals.licence_issued,
        "event_id": "evt_signal",
        "event_type": "licence.issued",
        "occurred_at": occurred,
        "subject": "licence:LIC-S",
        "sequence": 1,
        "data": {"licence": "LIC-S"},
    }
    assert len(receiver.requests) == 1


def test_every_event_type_has_its_signal():
    from marketplace.webhooks import signals
    from marketplace.webhooks.events import EVENT_TYPES

    for name, event in EVENT_TYPES.items():
        assert signals.signal_for(name) is getattr(signals, event.signal_name)
    assert len(EVENT_TYPES) == 15  # the 14 and licence.reinstated (the kill switch lifted)
