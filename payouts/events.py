"""Payment events for the layer above (the marketplace's purchase flow), without importing it.

payouts knows a purchase only by its reference. When something happens to the money of a
reference (captured, failed, refunded, paid out) the callables named in
``FACE_MARKET["PAYMENT_EVENT_HANDLERS"]`` are called with a small JSON-able dict, from a task
enqueued on commit: a rolled-back change notifies nobody, and a slow handler never holds a lock here.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

PAYMENT_CAPTURED = "payment.captured"  # the hold exists: issue the licence
PAYMENT_FAILED = "payment.failed"
PAYMENT_CANCELED = "payment.canceled"
PAYMENT_DUPLICATE = "payment.duplicate"  # paid again for a reference that already has a hold: refunded
REFUND_SUCCEEDED = "refund.succeeded"
REFUND_FAILED = "refund.failed"
HOLD_RELEASED = "hold.released"
HOLD_VOIDED = "hold.voided"
TRANSFER_PAID = "transfer.paid"


def payment_event_emit(event_type: str, *, reference: str, **data) -> None:
    """Notify the handlers after the current transaction commits."""
    payload = {"type": event_type, "reference": reference, **data}
    transaction.on_commit(partial(_enqueue, payload), robust=True)


def _enqueue(payload: dict) -> None:
    from .tasks import payment_event_dispatch

    payment_event_dispatch.delay(payload)


def enqueue_on_commit(task, *args) -> None:
    """``task.delay(*args)`` once the transaction commits. ``robust``: the money change is already
    committed, so a broker hiccup must not turn it into an error; the periodic retry picks it up."""
    transaction.on_commit(partial(task.delay, *args), robust=True)
