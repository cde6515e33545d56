"""Payment events for the layer above (the deal's purchase flow), through the kernel outbox.

payouts knows a purchase only by its reference and the payment's purpose. When something happens to
the money of a reference (captured, failed, refunded, paid out), an outbox event is written in the
same transaction: ``<type>.<purpose>`` when the payment names a purpose (``payment.captured.order``),
else ``<type>``. The deal registers handlers for the types it cares about in its ``AppConfig.ready()``;
a rolled-back change announces nothing, a broker outage loses nothing, and a slow handler never holds
a lock here.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

from kernel import outbox

PAYMENT_CAPTURED = "payment.captured"  # the hold exists: issue the licence
PAYMENT_FAILED = "payment.failed"
PAYMENT_CANCELED = "payment.canceled"
PAYMENT_DUPLICATE = "payment.duplicate"  # paid again for a reference that already has a hold: refunded
REFUND_SUCCEEDED = "refund.succeeded"
REFUND_FAILED = "refund.failed"
REFUND_CREDITED = "refund.credited"  # the refund became the buyer's platform credit
HOLD_RELEASED = "hold.released"
HOLD_VOIDED = "hold.voided"
TRANSFER_PAID = "transfer.paid"


def payment_event_type(event_type: str, purpose: str = "") -> str:
    return f"{event_type}.{purpose}" if purpose else event_type


def payment_event_emit(event_type: str, *, reference: str, purpose: str = "", **data) -> None:
    """Write the event in the current transaction (dispatched to its handlers after commit)."""
    payload = {"type": event_type, "reference": reference, "purpose": purpose, **data}
    outbox.event_emit(
        payment_event_type(event_type, purpose), subject=f"payment:{reference}", payload=payload
    )


def enqueue_on_commit(task, *args) -> None:
    """``task.delay(*args)`` once the transaction commits. ``robust``: the money change is already
    committed, so a broker hiccup must not turn it into an error; the periodic retry picks it up."""
    transaction.on_commit(partial(task.delay, *args), robust=True)
