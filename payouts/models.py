"""The money: a double-entry ledger, escrow holds, gateway records, payout accounts, transfers, webhooks.

Ledger conventions (see DESIGN.md "Money and escrow"):

- Every amount is an integer in minor units (fen) with its ISO currency; no floats.
- A leg's amount is signed: positive moves money *into* its account, negative *out of* it. A
  transaction's legs sum to zero per currency (checked by the services and, on PostgreSQL, by a
  deferred constraint trigger). An account's balance is the sum of its legs, never stored.
- Internal accounts (escrow, seller payable, platform revenue, refunds in flight, buyer funds) never
  go below zero. ``gateway_clearing`` is the boundary with the payment gateway: money captured from
  buyers comes out of it, transfers and refunds go back into it, so minus its balance is what the
  platform holds at that gateway.
- Rows are append-only: corrections are new transactions that reverse old ones.

The flows, as postings:

    capture          gateway_clearing -> escrow(reference)                 hold pending
    refund           escrow(reference) -> refunds ; refunds -> gateway_clearing when the gateway confirms
    release          escrow(reference) -> platform_revenue (commission) + seller_payable(seller)
    transfer paid    seller_payable(seller) -> gateway_clearing
    duplicate pay    gateway_clearing -> buyer_funds -> refunds -> gateway_clearing (refunded at once)
    failed refund    refunds -> buyer_funds (owed to the buyer; staff settle it)
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.money import MoneyAttribute

from .state import (
    HOLD_TRANSITIONS,
    PAYMENT_TRANSITIONS,
    REFUND_TRANSITIONS,
    TRANSFER_TRANSITIONS,
    WEBHOOK_EVENT_TRANSITIONS,
    HoldStatus,
    PaymentStatus,
    PayoutAccountStatus,
    RefundFallback,
    RefundStatus,
    TransferStatus,
    WebhookEventStatus,
)

REFERENCE_MAX = 128


class LedgerAccount(models.Model):
    class Kind(models.TextChoices):
        BUYER_FUNDS = "buyer_funds", _("Buyer funds (owed to buyers outside any hold)")
        ESCROW = "escrow", _("Escrow (one per licence reference)")
        SELLER_PAYABLE = "seller_payable", _("Seller payable")
        PLATFORM_REVENUE = "platform_revenue", _("Platform revenue")
        REFUNDS = "refunds", _("Refunds in flight")
        GATEWAY_CLEARING = "gateway_clearing", _("Gateway clearing")
        BUYER_CREDIT = "buyer_credit", _("Buyer credit (a refund the payment method could no longer take)")

    #: the only kind allowed below zero: it mirrors money held at the gateway
    BOUNDARY_KINDS = frozenset({Kind.GATEWAY_CLEARING})

    code = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    currency = models.CharField(max_length=3)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=REFERENCE_MAX, blank=True, db_index=True)
    gateway = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger account")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="seller_payable") | Q(owner__isnull=False),
                name="fm_ledger_payable_has_owner",
            ),
            models.CheckConstraint(
                condition=~Q(kind="escrow") | ~Q(reference=""), name="fm_ledger_escrow_has_reference"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def may_go_negative(self) -> bool:
        return self.kind in self.BOUNDARY_KINDS


class LedgerTransaction(models.Model):
    class Kind(models.TextChoices):
        CAPTURE = "capture", _("Payment captured into escrow")
        RELEASE = "release", _("Escrow released")
        REFUND = "refund", _("Refund issued")
        REFUND_SETTLED = "refund_settled", _("Refund confirmed by the gateway")
        REFUND_FAILED = "refund_failed", _("Refund failed at the gateway")
        REFUND_CREDITED = "refund_credited", _("Refund paid as platform credit")
        TRANSFER_PAID = "transfer_paid", _("Transfer paid to seller")
        TRANSFER_REVERSED = "transfer_reversed", _("Transfer reversed")
        UNALLOCATED_PAYMENT = "unallocated_payment", _("Payment with no hold to go to")
        ADJUSTMENT = "adjustment", _("Manual adjustment")
        REVERSAL = "reversal", _("Reversal")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    idempotency_key = models.CharField(max_length=255, unique=True)
    #: sha256 of kind, reference and legs: a replay with the same key must carry the same content
    fingerprint = models.CharField(max_length=64)
    reference = models.CharField(max_length=REFERENCE_MAX, blank=True, db_index=True)
    description = models.CharField(max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ledger transaction")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.reference}".strip()


class LedgerLeg(models.Model):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="legs")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="legs")
    amount = models.BigIntegerField(help_text=_("Signed minor units: positive into the account."))
    currency = models.CharField(max_length=3)

    class Meta:
        verbose_name = _("ledger leg")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="fm_ledger_leg_not_zero")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount:+d} {self.currency}"

    money = MoneyAttribute("amount")


class GatewayPayment(models.Model):
    """A payment session at a gateway (a Stripe PaymentIntent, a sandbox session) for one reference."""

    STATUS_TRANSITIONS = PAYMENT_TRANSITIONS

    gateway = models.CharField(max_length=32)
    gateway_payment_id = models.CharField(max_length=255)
    reference = models.CharField(max_length=REFERENCE_MAX, db_index=True)
    #: what the payment is for, named by the caller ("order", "usage_top_up"): its events go to the
    #: handlers of that purpose only (``payment.captured.order``), never to every handler in turn
    purpose = models.CharField(max_length=32, blank=True, default="")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=32, choices=PaymentStatus.choices, default=PaymentStatus.REQUIRES_PAYMENT
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    charge_id = models.CharField(max_length=255, blank=True)
    #: how the buyer paid ("card", "alipay", "wechat_pay"): it decides how long the gateway takes refunds
    method = models.CharField(max_length=32, blank=True, default="")
    description = models.CharField(max_length=500, blank=True)
    return_url = models.CharField(max_length=1000, blank=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    failure_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gateway payment")
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_payment_id"], name="fm_payment_gateway_id_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="fm_payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.gateway_payment_id}"

    money = MoneyAttribute("amount")


class EscrowHold(models.Model):
    """What a buyer paid for one licence reference, held until released to the seller or voided.

    ``amount`` is what was captured. What remains releasable is the balance of the hold's escrow
    account (captured minus refunds), derived from the ledger, never stored.
    """

    STATUS_TRANSITIONS = HOLD_TRANSITIONS

    reference = models.CharField(max_length=REFERENCE_MAX, unique=True)
    account = models.OneToOneField(LedgerAccount, on_delete=models.PROTECT, related_name="hold")
    payment = models.OneToOneField(GatewayPayment, on_delete=models.PROTECT, related_name="hold")
    payee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16, choices=HoldStatus.choices, default=HoldStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("escrow hold")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fm_hold_amount_positive")]

    def __str__(self) -> str:
        return f"hold {self.reference} ({self.status})"

    money = MoneyAttribute("amount")


class Refund(models.Model):
    STATUS_TRANSITIONS = REFUND_TRANSITIONS

    class Source(models.TextChoices):
        ESCROW = "escrow", _("Out of an escrow hold")
        UNALLOCATED = "unallocated", _("A payment with no hold (duplicate or late)")
        EXTERNAL = "external", _("Made at the gateway outside the platform")

    reference = models.CharField(max_length=REFERENCE_MAX, db_index=True)
    hold = models.ForeignKey(
        EscrowHold, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    payment = models.ForeignKey(GatewayPayment, on_delete=models.PROTECT, related_name="refunds")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.ESCROW)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    gateway = models.CharField(max_length=32)
    gateway_refund_id = models.CharField(max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    #: where a refund the payment method could not take went instead (``payouts.services.refund_fallback``)
    fallback = models.CharField(max_length=16, choices=RefundFallback.choices, blank=True, default="")
    fallback_reason = models.CharField(max_length=32, blank=True, default="")
    failure_message = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("refund")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fm_refund_amount_positive"),
            models.UniqueConstraint(
                fields=["gateway", "gateway_refund_id"],
                condition=~Q(gateway_refund_id=""),
                name="fm_refund_gateway_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"refund {self.amount} {self.currency} {self.reference}"

    money = MoneyAttribute("amount")


class PayoutAccount(models.Model):
    """A seller's account at the gateway that transfers are paid into (a Stripe Connect Express account)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fm_payout_accounts"
    )
    gateway = models.CharField(max_length=32)
    gateway_account_id = models.CharField(max_length=255)
    status = models.CharField(
        max_length=16, choices=PayoutAccountStatus.choices, default=PayoutAccountStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payout account")
        constraints = [
            models.UniqueConstraint(fields=["user", "gateway"], name="fm_payout_account_one_per_gateway"),
            models.UniqueConstraint(
                fields=["gateway", "gateway_account_id"], name="fm_payout_account_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.gateway_account_id} ({self.status})"


class Transfer(models.Model):
    """The seller's share of one released hold, on its way to their payout account."""

    STATUS_TRANSITIONS = TRANSFER_TRANSITIONS

    reference = models.CharField(max_length=REFERENCE_MAX, unique=True)
    hold = models.OneToOneField(EscrowHold, on_delete=models.PROTECT, related_name="transfer")
    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    gateway = models.CharField(max_length=32)
    gateway_transfer_id = models.CharField(max_length=255, blank=True)
    destination = models.CharField(max_length=255, blank=True)
    source_transaction = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    idempotency_key = models.CharField(max_length=255, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    #: why it is still pending or why it failed, for people (never a secret)
    note = models.CharField(max_length=500, blank=True)
    amount_reversed = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("transfer")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fm_transfer_amount_positive")]

    def __str__(self) -> str:
        return f"transfer {self.reference} ({self.status})"

    money = MoneyAttribute("amount")


class PayoutFreeze(models.Model):
    """A moderator's stop on releases and transfers, for one reference or for everything a seller earns."""

    reference = models.CharField(max_length=REFERENCE_MAX, blank=True, db_index=True)
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("payout freeze")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reference="") | Q(seller__isnull=False), name="fm_freeze_has_target"
            )
        ]

    def __str__(self) -> str:
        target = self.reference or f"seller {self.seller_id}"
        return f"freeze {target}{'' if self.lifted_at is None else ' (lifted)'}"


class WebhookEvent(models.Model):
    """A gateway event exactly as received; processed once, in its own transaction."""

    gateway = models.CharField(max_length=32)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=128)
    payload = models.TextField(help_text=_("The raw body as received."))
    signature_verified = models.BooleanField(default=False)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    processing_error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    #: True when we recognised the type and acted on it; unknown types are recorded and ignored
    handled = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=WebhookEventStatus.choices, default=WebhookEventStatus.RECEIVED, db_index=True
    )
    #: failures in a row with the same error (a different error starts the count again)
    same_failures = models.PositiveIntegerField(default=0)
    failed_at = models.DateTimeField(null=True, blank=True)

    STATUS_TRANSITIONS = WEBHOOK_EVENT_TRANSITIONS

    class Meta:
        verbose_name = _("webhook event")
        constraints = [models.UniqueConstraint(fields=["gateway", "event_id"], name="fm_webhook_event_once")]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.event_id} {self.type}"


class SandboxRecord(models.Model):
    """The sandbox gateway's own books: what a real gateway would keep on its side."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")
        TRANSFER = "transfer", _("Transfer")
        REVERSAL = "reversal", _("Transfer reversal")
        ACCOUNT = "account", _("Connected account")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    gateway_id = models.CharField(max_length=64, unique=True)
    idempotency_key = models.CharField(max_length=255, unique=True, null=True, blank=True)
    reference = models.CharField(max_length=REFERENCE_MAX, blank=True, db_index=True)
    amount = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    status = models.CharField(max_length=32)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sandbox record")

    def __str__(self) -> str:
        return f"sandbox {self.kind} {self.gateway_id} ({self.status})"


class ReconciliationReport(models.Model):
    """One comparison of the ledger with the gateway's records. Mismatches carry ids and amounts only."""

    gateway = models.CharField(max_length=32)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    checked = models.JSONField(default=dict, blank=True)
    mismatches = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("reconciliation report")
        ordering = ["-id"]

    def __str__(self) -> str:
        when = f"{self.started_at:%Y-%m-%d %H:%M}"
        return f"reconciliation {self.gateway} {when} ({len(self.mismatches)} mismatches)"

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.error
