"""Where payouts' payment events reach the deal: outbox handlers, registered in ``AppConfig.ready()``.

Each payment names its purpose when the deal starts it, so a capture goes to one handler: an order's
capture issues a licence, a top-up's capture moves its usage report on. Each event may arrive more
than once and out of order, so every handler is idempotent.
"""

from __future__ import annotations

from kernel import outbox
from payouts import events

PAYMENT_PURPOSE_ORDER = "order"
PAYMENT_PURPOSE_TOP_UP = "usage_top_up"


def order_payment_captured(event) -> None:
    from marketplace.services import licence_issue_for_payment

    licence_issue_for_payment(reference=event.payload.get("reference") or "")


def order_payment_failed_or_canceled(event) -> None:
    from marketplace.services import order_payment_failed

    order_payment_failed(reference=event.payload.get("reference") or "", reason=event.payload.get("type", ""))


def top_up_payment_captured(event) -> None:
    from marketplace.services import usage_report_top_up_paid

    usage_report_top_up_paid(reference=event.payload.get("reference") or "")


def legacy_payment_captured(event) -> None:
    """A payment started before payments named their purpose: try both (each is a no-op if not its own)."""
    order_payment_captured(event)
    top_up_payment_captured(event)


def payment_handlers_register() -> None:
    order = PAYMENT_PURPOSE_ORDER
    outbox.handler_register(events.payment_event_type(events.PAYMENT_CAPTURED, order), order_payment_captured)
    for failed in (events.PAYMENT_FAILED, events.PAYMENT_CANCELED):
        outbox.handler_register(events.payment_event_type(failed, order), order_payment_failed_or_canceled)
        outbox.handler_register(failed, order_payment_failed_or_canceled)
    outbox.handler_register(
        events.payment_event_type(events.PAYMENT_CAPTURED, PAYMENT_PURPOSE_TOP_UP), top_up_payment_captured
    )
    outbox.handler_register(events.PAYMENT_CAPTURED, legacy_payment_captured)
