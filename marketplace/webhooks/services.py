"""Writes of the outbound webhooks: endpoints, secrets, publishing an event, redelivering."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.atomic import atomic_join
from kernel.errors import ServiceError
from marketplace.conf import market_settings
from marketplace.webhooks.addresses import AddressRefused, url_check
from marketplace.webhooks.events import EVENT_TYPES
from marketplace.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
    WebhookSubjectSequence,
)
from marketplace.webhooks.signing import webhook_secret_generate


class WebhookRefused(ServiceError):
    """A refused request (the kernel's error contract): bad input (400) when it names fields, else a
    refusal in the current state (409)."""

    def __init__(self, code: str, message, fields: dict | None = None):
        super().__init__(message, code=code, fields=fields)
        self.status_code = 400 if fields else 409


URL_MAX = 500


def _checked_url(url: str) -> str:
    url = (url or "").strip()
    if not url or len(url) > URL_MAX:
        raise WebhookRefused("invalid_url", _("Give an http or https URL."), {"url": [_("Not a URL.")]})
    try:
        url_check(url)
    except AddressRefused as exc:
        raise WebhookRefused("invalid_url", exc.message, {"url": [exc.message]}) from None
    return url


def _checked_event_types(event_types) -> list[str]:
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown:
        message = _("Unknown event types: %(names)s.") % {"names": ", ".join(unknown)}
        raise WebhookRefused("invalid_event_types", message, {"event_types": [message]})
    return sorted(set(event_types))


@transaction.atomic
def webhook_endpoint_create(
    *, owner, url: str, event_types: list[str] | tuple = (), description: str = "", is_active: bool = True
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its secret (the only time the secret is shown)."""
    secret = webhook_secret_generate()
    endpoint = WebhookEndpoint.objects.create(
        owner=owner,
        url=_checked_url(url),
        event_types=_checked_event_types(event_types),
        description=description[:200],
        is_active=is_active,
        secret=secret,
    )
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    if url is not None:
        endpoint.url = _checked_url(url)
    if event_types is not None:
        endpoint.event_types = _checked_event_types(event_types)
    if description is not None:
        endpoint.description = description[:200]
    if is_active is not None:
        endpoint.is_active = is_active
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


@transaction.atomic
def webhook_endpoint_secret_rotate(*, endpoint: WebhookEndpoint) -> str:
    """A new secret signs from now on; the old one also signs for the grace period. Returns the new one."""
    endpoint = WebhookEndpoint.objects.select_for_update(no_key=True).get(pk=endpoint.pk)
    secret = webhook_secret_generate()
    grace = timedelta(hours=market_settings.WEBHOOK_SECRET_ROTATION_GRACE_HOURS)
    endpoint.previous_secret, endpoint.secret = endpoint.secret, secret
    endpoint.previous_secret_expires_at = timezone.now() + grace
    endpoint.save(update_fields=["previous_secret", "secret", "previous_secret_expires_at", "updated_at"])
    return secret


def _next_sequence(subject: str, given: int | None) -> int:
    """The subject's next number (or ``given``), the counter row locked until the transaction ends."""
    counter = WebhookSubjectSequence.objects.select_for_update(no_key=True).filter(subject=subject).first()
    if counter is None:  # the subject's first message: the new counter row starts at its number
        # a racing first message of the subject fails on the unique subject; the caller retries
        sequence = given if given is not None else 1
        WebhookSubjectSequence.objects.create(subject=subject, last=sequence)
        return sequence
    sequence = given if given is not None else counter.last + 1
    if sequence > counter.last:
        WebhookSubjectSequence.objects.filter(pk=counter.pk).update(last=sequence)
    return sequence


def message_body(
    *, event_id: str, event_type: str, occurred_at: datetime, subject: str, sequence: int, data: dict
) -> str:
    envelope = {
        "id": event_id,
        "type": event_type,
        "timestamp": occurred_at.isoformat(),
        "subject": subject,
        "sequence": sequence,
        "data": data,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)


@atomic_join  # an unknown type raises before any write; the insert keeps its savepoint
def webhook_event_publish(
    *,
    event_type: str,
    event_id: str,
    occurred_at: datetime,
    subject: str,
    payload: dict,
    sequence: int | None = None,
) -> WebhookMessage:
    """Fan an event out to every active endpoint that takes its type, and send its public signals,
    both after commit. Idempotent on ``event_id``: a second publish creates nothing (it only re-sends
    the signals if the first publish's were never sent), so the outbox may re-dispatch freely."""
    if event_type not in EVENT_TYPES:
        raise WebhookRefused("unknown_event_type", _("Unknown event type."), {"event_type": [event_type]})
    message = WebhookMessage.objects.filter(event_id=event_id).first()
    for _attempt in range(3):
        if message is not None:
            break
        try:
            with transaction.atomic():
                message = _message_create(event_type, event_id, occurred_at, subject, payload, sequence)
                _deliveries_create(message)
        except IntegrityError:  # a racing publisher of the same event, or of the subject's first event
            message = WebhookMessage.objects.filter(event_id=event_id).first()
    if message is None:
        raise RuntimeError(f"webhook message {event_id!r} could not be stored")
    if message.signals_sent_at is None:
        message_id = message.pk
        transaction.on_commit(lambda: _signals_send(message_id))
    return message


def _message_create(event_type, event_id, occurred_at, subject, payload, sequence) -> WebhookMessage:
    number = _next_sequence(subject, sequence)
    body = message_body(
        event_id=event_id,
        event_type=event_type,
        occurred_at=occurred_at,
        subject=subject,
        sequence=number,
        data=payload,
    )
    return WebhookMessage.objects.create(
        event_id=event_id,
        event_type=event_type,
        subject=subject,
        sequence=number,
        occurred_at=occurred_at,
        body=body,
    )


def _deliveries_create(message: WebhookMessage) -> None:
    now = timezone.now()
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if e.receives(message.event_type)]
    if not endpoints:  # no host listens for this type: nothing to deliver
        return
    created = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=e, message=message, round_started_at=now, next_attempt_at=now)
        for e in endpoints
    )
    ids = [delivery.pk for delivery in created]
    if None in ids:  # a backend that does not return the new ids
        ids = list(WebhookDelivery.objects.filter(message=message).values_list("pk", flat=True))
    transaction.on_commit(lambda: _attempts_enqueue(ids))


def _attempts_enqueue(delivery_ids: list[int]) -> None:
    from marketplace.webhooks.tasks import webhook_delivery_attempt

    for delivery_id in delivery_ids:
        webhook_delivery_attempt.delay(delivery_id)


def _signals_send(message_id: int) -> None:
    from marketplace.webhooks.signals import message_signals_send

    claimed = WebhookMessage.objects.filter(pk=message_id, signals_sent_at__isnull=True).update(
        signals_sent_at=timezone.now()
    )
    if claimed:
        message_signals_send(WebhookMessage.objects.get(pk=message_id))


@transaction.atomic
def webhook_delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now, under the same ``webhook-id``, with a fresh retry window (also one
    that succeeded: the receiver's deduplication by id decides). Refused while an attempt is in flight."""
    now = timezone.now()
    reopened = WebhookDelivery.objects.filter(pk=delivery.pk, claim_token="").update(
        status=DeliveryStatus.PENDING, round_started_at=now, round_attempts=0, next_attempt_at=now
    )
    if not reopened:
        raise WebhookRefused("delivery_in_flight", _("This delivery is being sent right now."))
    delivery.refresh_from_db()
    delivery_id = delivery.pk
    transaction.on_commit(lambda: _attempts_enqueue([delivery_id]))
    return delivery


def webhook_deliveries_due_dispatch(*, now: datetime | None = None) -> int:
    """Queue an attempt for every pending delivery that is due (including leases that ran out)."""
    now = now or timezone.now()
    ids = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: market_settings.WEBHOOK_SWEEP_BATCH]
    )
    _attempts_enqueue(ids)
    return len(ids)


__all__ = [
    "WebhookRefused",
    "webhook_deliveries_due_dispatch",
    "webhook_delivery_redeliver",
    "webhook_endpoint_create",
    "webhook_endpoint_delete",
    "webhook_endpoint_secret_rotate",
    "webhook_endpoint_update",
    "webhook_event_publish",
]
