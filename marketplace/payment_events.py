"""Where payouts' payment events reach the deal (``FACE_MARKET["PAYMENT_EVENT_HANDLERS"]``).

payouts never imports the marketplace: it calls the dotted paths configured there, from a task,
after its own transaction committed. Each event may arrive more than once and out of order, so
every branch is idempotent.
"""

from __future__ import annotations

from payouts import events

from .services import licence_issue_for_payment, order_payment_failed, usage_report_top_up_paid


def payment_event_handle(payload: dict) -> None:
    event_type = payload.get("type")
    reference = payload.get("reference") or ""
    if event_type == events.PAYMENT_CAPTURED:
        licence_issue_for_payment(reference=reference)
        usage_report_top_up_paid(reference=reference)  # a no-op unless it is a usage report's top-up
    elif event_type in (events.PAYMENT_FAILED, events.PAYMENT_CANCELED):
        order_payment_failed(reference=reference, reason=event_type)
