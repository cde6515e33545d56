"""Refunds the buyer's payment method can no longer take still reach the buyer.

Alipay takes refunds for about 90 days after the charge and WeChat Pay for about 180 (cards longer;
``REFUND_WINDOW_DAYS``). A refund past its method's window is not sent at all; one the provider refuses
is recorded with the provider's message. Either way the refund ends ``failed`` (its money back in buyer
funds, as every failed refund) and then moves, in the same transaction, to the buyer's own platform
credit account, whose balance is derived from the ledger and shown on the buyer's pages. A payment
with no known payer leaves the money in buyer funds, marked for staff to pay out by hand.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from .. import events
from ..conf import payouts_settings
from ..models import GatewayPayment, LedgerAccount, LedgerTransaction, Refund
from ..state import RefundFallback, RefundStatus
from .ledger import Leg, ledger_account, ledger_post

Kind = LedgerAccount.Kind
TxKind = LedgerTransaction.Kind


def refund_window_passed(payment: GatewayPayment, *, now=None) -> bool:
    """True when the payment's method takes no more refunds (``REFUND_WINDOW_DAYS``)."""
    days = payouts_settings.REFUND_WINDOW_DAYS.get(payment.method or "card")
    if days is None:
        return False
    return (now or timezone.now()) > payment.created_at + timedelta(days=int(days))


def refund_fallback_apply(*, refund: Refund, reason: str, message: str = "") -> bool:
    """Route a (locked) failed refund to the buyer's credit, once; ``False`` if already routed."""
    if refund.status != RefundStatus.FAILED or refund.fallback:
        return False
    payer_id = refund.payment.payer_id
    fallback = RefundFallback.CREDIT if payer_id else RefundFallback.STAFF
    Refund.objects.filter(pk=refund.pk).update(
        fallback=fallback, fallback_reason=reason, failure_message=(message or "")[:500]
    )
    refund.fallback, refund.fallback_reason, refund.failure_message = fallback, reason, (message or "")[:500]
    if fallback == RefundFallback.STAFF:
        return True
    amount = refund.money
    ledger_post(
        legs=[
            Leg(ledger_account(kind=Kind.BUYER_FUNDS, currency=amount.currency), -amount),
            Leg(ledger_account(kind=Kind.BUYER_CREDIT, currency=amount.currency, owner=payer_id), amount),
        ],
        idempotency_key=f"refund-credited:{refund.pk}",
        kind=TxKind.REFUND_CREDITED,
        reference=refund.reference,
        description=f"Refund {refund.pk} paid as platform credit ({reason})",
    )
    events.payment_event_emit(
        events.REFUND_CREDITED,
        reference=refund.reference,
        refund_id=refund.pk,
        amount=amount.amount,
        currency=amount.currency,
    )
    return True
