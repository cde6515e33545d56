"""Deliveries to a real HTTP receiver on loopback: signatures, retries, deduplication, ordering."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.webhooks.models import DeliveryError, DeliveryStatus, WebhookDelivery, WebhookMessage

pytestmark = pytest.mark.django_db


def only_delivery() -> WebhookDelivery:
    (delivery,) = WebhookDelivery.objects.all()
    return delivery


def test_a_delivery_is_signed_and_the_standard_verifier_accepts_it(receiver, endpoint, publish):
    message = publish("licence.issued", subject="licence:LIC-T-1", data={"licence": "LIC-T-1"})

    (request,) = receiver.requests
    assert request.verified_with == receiver.secrets
    assert request.headers["webhook-id"] == message.event_id
    assert request.headers["webhook-signature"].startswith("v1,")
    assert request.headers["content-type"] == "application/json"
    body = json.loads(request.body)
    assert body == {
        "id": message.event_id,
        "type": "licence.issued",
        "timestamp": message.occurred_at.isoformat(),
        "subject": "licence:LIC-T-1",
        "sequence": 1,
        "data": {"licence": "LIC-T-1"},
    }
    delivery = only_delivery()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.last_status_code == 200 and delivery.delivered_at is not None
    assert delivery.next_attempt_at is None
    assert [(a.number, a.status_code) for a in delivery.attempts.all()] == [(1, 200)]


def test_a_tampered_body_or_a_wrong_secret_fails_verification(receiver, endpoint, publish):
    from standardwebhooks import Webhook
    from standardwebhooks.webhooks import WebhookVerificationError

    from marketplace.webhooks.signing import webhook_secret_generate

    publish()
    (request,) = receiver.requests
    with pytest.raises(WebhookVerificationError):
        Webhook(receiver.secrets[0]).verify(request.body.replace(b"LIC-T-1", b"LIC-T-2"), request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(webhook_secret_generate()).verify(request.body, request.headers)


def test_a_500_is_retried_with_the_same_id_and_processed_once(receiver, endpoint, publish, sweep):
    receiver.plan = [(500, 0)]
    message = publish()

    delivery = only_delivery()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_status_code == 500 and delivery.last_error == DeliveryError.HTTP_STATUS
    assert delivery.response_excerpt == "not processed"
    assert delivery.next_attempt_at is not None
    assert receiver.process_count == 0

    assert sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempt_count == 2
    assert [r.headers["webhook-id"] for r in receiver.requests] == [message.event_id] * 2
    assert all(r.verified_with for r in receiver.requests)
    assert receiver.process_count == 1
    assert [(a.number, a.status_code) for a in delivery.attempts.all()] == [(1, 500), (2, 200)]


def test_a_timeout_is_retried_and_the_receiver_processes_the_event_once(receiver, endpoint, publish, sweep):
    receiver.plan = [(200, 1.5)]  # answers after the platform's 0.5 s timeout, having processed it
    publish()

    delivery = only_delivery()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == DeliveryError.TIMEOUT and delivery.last_status_code is None
    (attempt,) = delivery.attempts.all()
    assert 400 <= attempt.duration_ms < 1400  # bounded by the timeout, not by the slow receiver

    sweep()
    receiver.wait_idle()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert len(receiver.requests) == 2
    assert receiver.process_count == 1  # the same webhook-id twice: the second is a duplicate


def test_a_refused_connection_is_recorded_and_retried(webhook_settings, host_staff, publish):
    import socket

    from marketplace.webhooks.services import webhook_endpoint_create

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    webhook_endpoint_create(owner=host_staff, url=f"http://127.0.0.1:{port}/hook")
    publish()

    delivery = only_delivery()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == DeliveryError.CONNECTION and delivery.next_attempt_at is not None


def test_a_success_is_never_sent_again_automatically(receiver, endpoint, publish, sweep):
    from marketplace.webhooks.tasks import webhook_delivery_attempt

    publish()
    delivery = only_delivery()
    assert webhook_delivery_attempt(delivery.pk) == "not_due"
    assert sweep() == 0
    assert len(receiver.requests) == 1


def test_a_manual_redeliver_keeps_the_id_so_the_receiver_does_not_process_twice(
    receiver, endpoint, publish, django_capture_on_commit_callbacks
):
    from marketplace.webhooks.services import webhook_delivery_redeliver

    message = publish()
    delivery = only_delivery()
    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_redeliver(delivery=delivery)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempt_count == 2
    assert [r.headers["webhook-id"] for r in receiver.requests] == [message.event_id] * 2
    assert receiver.requests[0].body == receiver.requests[1].body
    assert receiver.process_count == 1
    assert [a.manual for a in delivery.attempts.all()] == [False, True]


def test_publishing_the_same_event_twice_delivers_it_once(receiver, endpoint, publish):
    first = publish(event_id="evt_same")
    again = publish(event_id="evt_same", data={"licence": "something else"})

    assert again.pk == first.pk
    assert WebhookMessage.objects.count() == 1 and WebhookDelivery.objects.count() == 1
    assert len(receiver.requests) == 1


def test_sequence_numbers_let_the_receiver_order_a_licences_events(receiver, endpoint, publish, sweep):
    receiver.plan = [(500, 0)]  # the first event fails once, so it arrives after the second
    publish("licence.issued", subject="licence:LIC-A", data={"licence": "LIC-A"})
    publish("licence.issued", subject="licence:LIC-B", data={"licence": "LIC-B"})
    publish("escrow.released", subject="licence:LIC-A", data={"licence": "LIC-A"})
    publish("licence.expired", subject="licence:LIC-A", data={"licence": "LIC-A"})
    sweep()

    arrived = [json.loads(r.body) for r in receiver.requests if r.answered == 200]
    arrived_a = [(e["sequence"], e["type"]) for e in arrived if e["subject"] == "licence:LIC-A"]
    assert arrived_a == [(2, "escrow.released"), (3, "licence.expired"), (1, "licence.issued")]
    ordered = [(e["sequence"], e["type"]) for e in receiver.payloads_in_order("licence:LIC-A")]
    assert ordered == [(1, "licence.issued"), (2, "escrow.released"), (3, "licence.expired")]
    assert [e["sequence"] for e in receiver.payloads_in_order("licence:LIC-B")] == [1]


def test_a_given_sequence_is_kept_and_later_numbers_continue_after_it(receiver, endpoint, publish):
    from marketplace.webhooks.services import webhook_event_publish

    webhook_event_publish(
        event_type="licence.issued",
        event_id="evt_given",
        occurred_at=timezone.now(),
        subject="licence:LIC-G",
        payload={"licence": "LIC-G"},
        sequence=41,
    )
    later = publish("licence.revoked", subject="licence:LIC-G", data={"licence": "LIC-G"})
    assert later.sequence == 42


def test_after_rotation_both_secrets_sign_until_the_grace_period_ends(receiver, endpoint, publish):
    from marketplace.webhooks.services import webhook_endpoint_secret_rotate

    old_secret = receiver.secrets[0]
    new_secret = webhook_endpoint_secret_rotate(endpoint=endpoint)
    assert new_secret != old_secret
    receiver.secrets.append(new_secret)
    publish()
    request = receiver.requests[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert request.verified_with == [old_secret, new_secret]

    endpoint.refresh_from_db()
    endpoint.previous_secret_expires_at = timezone.now() - timedelta(seconds=1)
    endpoint.save()
    publish()
    request = receiver.requests[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 1
    assert request.verified_with == [new_secret]


def test_after_the_retry_window_a_delivery_fails_for_good(receiver, endpoint, publish, sweep):
    receiver.plan = [(500, 0), (503, 0)]
    publish()
    delivery = only_delivery()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        round_started_at=timezone.now() - timedelta(hours=72, seconds=1)
    )
    sweep()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    assert delivery.last_status_code == 503
    assert sweep() == 0


def test_the_default_backoff_follows_the_standard_schedule_for_three_days(settings):
    from marketplace.webhooks.delivery import next_attempt_after_failure

    start = timezone.now()
    at, waits = start, []
    for failures in range(1, 50):
        following = next_attempt_after_failure(round_started_at=start, round_attempts=failures, now=at)
        if following is None:
            break
        waits.append((following - at).total_seconds())
        at = following
    assert waits[:7] == [5, 300, 1800, 7200, 18000, 36000, 36000]
    assert set(waits[7:]) == {36000}
    assert timedelta(hours=62) < at - start <= timedelta(hours=72)
    assert len(waits) + 1 == 12  # attempts in all, the first one included


def test_endpoints_get_only_the_types_they_asked_for_and_inactive_ones_nothing(receiver, host_staff, publish):
    from marketplace.webhooks.services import webhook_endpoint_create

    licences_only, secret = webhook_endpoint_create(
        owner=host_staff, url=receiver.url, event_types=["licence.issued"]
    )
    webhook_endpoint_create(owner=host_staff, url=receiver.url, is_active=False)
    receiver.secrets.append(secret)
    publish("escrow.released")
    publish("licence.issued")

    assert [d.message.event_type for d in WebhookDelivery.objects.all()] == ["licence.issued"]
    assert len(receiver.requests) == 1


def test_an_endpoint_disabled_after_publishing_is_not_called(receiver, endpoint, publish, sweep):
    receiver.plan = [(500, 0)]
    publish()
    endpoint.is_active = False
    endpoint.save()
    sweep()
    delivery = only_delivery()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == DeliveryError.ENDPOINT_DISABLED
    assert len(receiver.requests) == 1


def test_a_receiver_trickling_its_answer_cannot_hold_the_worker(webhook_settings, host_staff, publish):
    import socket
    import threading
    import time

    from marketplace.webhooks.services import webhook_endpoint_create

    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle():
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            while not stop.is_set():  # one byte every 0.1 s: never idle long enough to time out
                try:
                    conn.sendall(b"x")
                except OSError:
                    return
                time.sleep(0.1)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    webhook_endpoint_create(owner=host_staff, url=f"http://127.0.0.1:{listener.getsockname()[1]}/")
    started = time.monotonic()
    try:
        publish()
    finally:
        stop.set()
        listener.close()
    assert time.monotonic() - started < 3
    delivery = only_delivery()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.response_excerpt.startswith("x")
