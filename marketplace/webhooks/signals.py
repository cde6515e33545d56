"""Public Django signals for host platforms: one per event type, plus ``event_published`` for all.

They are sent once per event, after the transaction that published it commits, by
:func:`marketplace.webhooks.services.webhook_event_publish` (the same moment webhooks are queued).
Every receiver gets the keyword arguments::

    sender      the WebhookMessage model class
    event_id    str, the event's unique id (also the webhooks' ``webhook-id``)
    event_type  str, e.g. "licence.issued"
    occurred_at datetime (aware), when it happened
    subject     str, e.g. "licence:LIC-2026-0001"
    sequence    int, increasing per subject
    data        dict, the payload (fields listed per event type in marketplace/webhooks/events.py)

A receiver that raises is logged and does not stop the others (``send_robust``). These signals are for
the host: the plugin's own apps never listen to them (DESIGN.md).
"""

from __future__ import annotations

import json
import logging

from django.dispatch import Signal
from django.utils.dateparse import parse_datetime

logger = logging.getLogger(__name__)

event_published = Signal()  # every event type

licence_issued = Signal()
licence_revoked = Signal()
licence_expired = Signal()
licence_suspended = Signal()
licence_reinstated = Signal()
listing_published = Signal()
listing_taken_down = Signal()
usage_report_accepted = Signal()
usage_report_rejected = Signal()
escrow_released = Signal()
escrow_refunded = Signal()
verification_verified = Signal()
verification_blocked = Signal()
revocation_requested = Signal()
revocation_effective = Signal()


def signal_for(event_type: str) -> Signal:
    return globals()[event_type.replace(".", "_")]


def message_signals_send(message) -> None:
    envelope = json.loads(message.body)
    kwargs = {
        "event_id": message.event_id,
        "event_type": message.event_type,
        "occurred_at": parse_datetime(envelope["timestamp"]),
        "subject": message.subject,
        "sequence": message.sequence,
        "data": envelope["data"],
    }
    sender = type(message)
    for signal in (signal_for(message.event_type), event_published):
        for receiver, result in signal.send_robust(sender=sender, **kwargs):
            if isinstance(result, Exception):
                # the payload is not logged: it names people
                logger.error("receiver %r of %s failed: %r", receiver, message.event_type, result)
