"""Statuses of holds, payments, refunds, transfers and payout accounts, with their allowed transitions.

Moves go through the kernel's one engine (``kernel.transitions.transition``): one conditional
``UPDATE ... SET status=<to> WHERE id=<id> AND status=<from>`` plus a history row in the same database
transaction. Two racing callers can both *try*; the database lets exactly one of them see ``1 row
updated``, which is what makes "a hold ends exactly once" hold even without a lock (the services
still lock, for the ledger's sake).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HoldStatus(models.TextChoices):
    PENDING = "pending", _("Held in escrow")
    RELEASED = "released", _("Released")
    VOIDED = "voided", _("Voided (refunded)")


class PaymentStatus(models.TextChoices):
    REQUIRES_PAYMENT = "requires_payment", _("Awaiting payment")
    PROCESSING = "processing", _("Processing")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Canceled")


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RefundFallback(models.TextChoices):
    """Where a refund goes when the buyer's payment method can no longer take it."""

    CREDIT = "credit", _("Paid as platform credit")
    STAFF = "staff", _("Waiting for staff to pay the buyer")


class RefundFallbackReason(models.TextChoices):
    WINDOW_PASSED = "window_passed", _("The payment method's refund window had passed")
    GATEWAY_REFUSED = "gateway_refused", _("The payment provider refused the refund")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be paid out")
    PAID = "paid", _("Paid out")
    FAILED = "failed", _("Failed")
    REVERSED = "reversed", _("Reversed")


class PayoutAccountStatus(models.TextChoices):
    PENDING = "pending", _("Onboarding not finished")
    ACTIVE = "active", _("Active")
    RESTRICTED = "restricted", _("Restricted")


class WebhookEventStatus(models.TextChoices):
    RECEIVED = "received", _("Received, not yet processed")
    PROCESSED = "processed", _("Processed")
    #: failed the same way ``WEBHOOK_EVENT_MAX_SAME_FAILURES`` times: no longer retried, shown to staff
    FAILED = "failed", _("Failed")


HOLD_TRANSITIONS: dict[str, frozenset[str]] = {
    HoldStatus.PENDING: frozenset({HoldStatus.RELEASED, HoldStatus.VOIDED}),
    HoldStatus.RELEASED: frozenset(),
    HoldStatus.VOIDED: frozenset(),
}

PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentStatus.REQUIRES_PAYMENT: frozenset(
        {PaymentStatus.PROCESSING, PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.CANCELED}
    ),
    PaymentStatus.PROCESSING: frozenset(
        {PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.CANCELED}
    ),
    # a declined attempt may be followed by a successful one on the same payment intent
    PaymentStatus.FAILED: frozenset(
        {PaymentStatus.PROCESSING, PaymentStatus.SUCCEEDED, PaymentStatus.CANCELED}
    ),
    PaymentStatus.SUCCEEDED: frozenset(),
    PaymentStatus.CANCELED: frozenset(),
}

REFUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RefundStatus.PENDING: frozenset({RefundStatus.SUCCEEDED, RefundStatus.FAILED}),
    # Stripe can report a refund that had succeeded as failed later (the bank returned it)
    RefundStatus.SUCCEEDED: frozenset({RefundStatus.FAILED}),
    RefundStatus.FAILED: frozenset(),
}

TRANSFER_TRANSITIONS: dict[str, frozenset[str]] = {
    TransferStatus.PENDING: frozenset({TransferStatus.PAID, TransferStatus.FAILED}),
    TransferStatus.FAILED: frozenset({TransferStatus.PENDING}),  # retried
    TransferStatus.PAID: frozenset({TransferStatus.REVERSED}),
    TransferStatus.REVERSED: frozenset(),
}

WEBHOOK_EVENT_TRANSITIONS: dict[str, frozenset[str]] = {
    WebhookEventStatus.RECEIVED: frozenset({WebhookEventStatus.PROCESSED, WebhookEventStatus.FAILED}),
    WebhookEventStatus.FAILED: frozenset({WebhookEventStatus.RECEIVED}),  # staff retry after a fix
    WebhookEventStatus.PROCESSED: frozenset(),
}
