"""What happens to a refund after it is issued: the gateway confirms it, or it fails."""

from __future__ import annotations

from django.db import transaction

from kernel.transitions import TransitionConflict, transition

from .. import events
from ..models import LedgerAccount, LedgerTransaction, Refund
from ..state import REFUND_TRANSITIONS, RefundStatus
from .ledger import Leg, ledger_account, ledger_post

Kind = LedgerAccount.Kind
TxKind = LedgerTransaction.Kind


def refund_status_apply(*, refund: Refund, status: str) -> bool:
    """Move a (locked) refund to what the gateway says, posting the matching ledger entry once.

    succeeded: refunds in flight -> gateway clearing (the money left);
    failed:    refunds in flight (or clearing, if it had succeeded) -> buyer funds (owed to the buyer).
    """
    if status == refund.status or status not in REFUND_TRANSITIONS.get(refund.status, ()):
        return False
    amount = refund.money
    was = refund.status
    try:
        transition(refund, to=status, reason=f"gateway reports {status}")
    except TransitionConflict:  # another delivery of the same gateway report applied it first
        return False
    clearing = ledger_account(kind=Kind.GATEWAY_CLEARING, currency=amount.currency, gateway=refund.gateway)
    if status == RefundStatus.SUCCEEDED:
        refunds = ledger_account(kind=Kind.REFUNDS, currency=amount.currency)
        ledger_post(
            legs=[Leg(refunds, -amount), Leg(clearing, amount)],
            idempotency_key=f"refund-settled:{refund.pk}",
            kind=TxKind.REFUND_SETTLED,
            reference=refund.reference,
            description=f"Refund {refund.gateway_refund_id}",
        )
        events.payment_event_emit(
            events.REFUND_SUCCEEDED,
            reference=refund.reference,
            refund_id=refund.pk,
            amount=amount.amount,
            currency=amount.currency,
        )
    else:
        source = (
            clearing
            if was == RefundStatus.SUCCEEDED
            else ledger_account(kind=Kind.REFUNDS, currency=amount.currency)
        )
        buyer_funds = ledger_account(kind=Kind.BUYER_FUNDS, currency=amount.currency)
        ledger_post(
            legs=[Leg(source, -amount), Leg(buyer_funds, amount)],
            idempotency_key=f"refund-failed:{refund.pk}",
            kind=TxKind.REFUND_FAILED,
            reference=refund.reference,
            description=f"Refund {refund.gateway_refund_id} failed: owed to the buyer",
        )
        events.payment_event_emit(
            events.REFUND_FAILED,
            reference=refund.reference,
            refund_id=refund.pk,
            amount=amount.amount,
            currency=amount.currency,
        )
    return True


@transaction.atomic
def refund_status_record(*, gateway: str, gateway_refund_id: str, status: str) -> Refund | None:
    """A gateway event about one of our refunds. ``None`` for refunds we never issued (a refund made in
    the gateway's dashboard arrives as ``charge.refunded`` and is recorded by ``payment_refunds_sync``)."""
    refund = (
        Refund.objects.select_for_update(no_key=True)
        .filter(gateway=gateway, gateway_refund_id=gateway_refund_id)
        .first()
    )
    if refund is not None:
        refund_status_apply(refund=refund, status=status)
    return refund
