"""Escrow holds end exactly once: released to the seller (minus commission) or voided by refunds."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kernel.money import CurrencyMismatch, Money
from kernel.transitions import TransitionConflict, transition
from payouts.conf import payouts_settings

from .. import events, locks
from ..exceptions import (
    HoldNotPending,
    IdempotencyConflict,
    InsufficientFunds,
    NothingToRelease,
    PayoutsError,
    PayoutsFrozen,
    UnknownReference,
)
from ..models import EscrowHold, GatewayPayment, LedgerAccount, LedgerTransaction, Refund, Transfer
from ..selectors import hold_releasable, is_frozen
from ..state import HoldStatus, RefundStatus
from .ledger import Leg, ledger_account, ledger_post
from .payments import capture_key, payment_capture_record
from .refund_execution import refund_send_after_commit
from .refunds import refund_status_apply

Kind = LedgerAccount.Kind
TxKind = LedgerTransaction.Kind


def commission_split(amount: Money, commission_bps: int) -> tuple[Money, Money]:
    """(platform commission, seller share): bps rounded half-even once; the two always add up."""
    if (
        isinstance(commission_bps, bool)
        or not isinstance(commission_bps, int)
        or not 0 <= commission_bps <= 10_000
    ):
        raise ValueError("commission_bps must be an int between 0 and 10000")
    commission = amount.percent_bps(commission_bps)
    return commission, amount - commission


def _release_replay(reference: str, idempotency_key: str) -> EscrowHold | None:
    existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    if existing.kind != TxKind.RELEASE or existing.reference != reference:
        raise IdempotencyConflict(f"Idempotency key {idempotency_key!r} was used for another operation")
    return EscrowHold.objects.get(reference=reference)


@transaction.atomic
def escrow_release(*, reference: str, idempotency_key: str, commission_bps: int | None = None) -> EscrowHold:
    """Release what remains in the hold: the platform's commission (``PLATFORM_COMMISSION_BPS`` unless
    given) to platform revenue, the rest to the seller's payable balance, then a transfer to the
    seller's payout account after commit (kept payable until they have an active one).

    Exactly once per hold: a replay with the same key returns the hold; any other second release
    raises :class:`HoldNotPending`. Refused while the reference or the seller is frozen.
    """
    replayed = _release_replay(reference, idempotency_key)
    if replayed is not None:
        return replayed
    hold = locks.hold_lock(reference=reference)
    replayed = _release_replay(reference, idempotency_key)  # the same release committed while we waited
    if replayed is not None:
        return replayed
    if hold.status != HoldStatus.PENDING:
        raise HoldNotPending(f"Hold {reference!r} is already {hold.status}")
    if is_frozen(reference=reference, seller_id=hold.payee_id):
        raise PayoutsFrozen(f"Payouts are frozen for {reference!r}")
    if hold.payee_id is None:
        raise PayoutsError(f"Hold {reference!r} has no payee to release to")
    remaining = hold_releasable(hold)
    if remaining.amount <= 0:
        raise NothingToRelease(f"Hold {reference!r} holds nothing")
    bps = payouts_settings.PLATFORM_COMMISSION_BPS if commission_bps is None else commission_bps
    commission, seller_share = commission_split(remaining, bps)
    legs = [Leg(hold.account, -remaining)]
    if commission:
        legs.append(Leg(ledger_account(kind=Kind.PLATFORM_REVENUE, currency=hold.currency), commission))
    if seller_share:
        payable = ledger_account(kind=Kind.SELLER_PAYABLE, currency=hold.currency, owner=hold.payee_id)
        legs.append(Leg(payable, seller_share))
    tx = ledger_post(
        legs=legs,
        idempotency_key=idempotency_key,
        kind=TxKind.RELEASE,
        reference=reference,
        description=f"Release: commission {commission} ({bps} bps), seller {seller_share}",
    )
    try:
        transition(hold, to=HoldStatus.RELEASED, reason=f"released by #{tx.pk}", ended_at=timezone.now())
    except TransitionConflict:
        raise HoldNotPending(f"Hold {reference!r} ended concurrently") from None  # unreachable under the lock
    events.payment_event_emit(
        events.HOLD_RELEASED,
        reference=reference,
        commission=commission.amount,
        seller_share=seller_share.amount,
        currency=hold.currency,
    )
    if seller_share:
        transfer = Transfer.objects.create(
            reference=reference,
            hold=hold,
            seller_id=hold.payee_id,
            amount=seller_share.amount,
            currency=hold.currency,
            gateway=hold.payment.gateway,
            source_transaction=hold.payment.charge_id,
            idempotency_key=f"transfer:{hold.payment.gateway}:{reference}",
        )
        from ..tasks import transfer_execute_task

        events.enqueue_on_commit(transfer_execute_task, transfer.pk)
    return hold


def _same_refund(refund: Refund, reference: str, amount: Money | None) -> Refund:
    if refund.reference != reference or (amount is not None and refund.money != amount):
        raise IdempotencyConflict(f"Idempotency key {refund.idempotency_key!r} was used for another refund")
    return refund


def escrow_refund(
    *, reference: str, amount: Money | None = None, reason: str, idempotency_key: str
) -> Refund:
    """Refund the buyer out of the hold, through the gateway: ``amount`` or (``None``) all that remains.

    A partial refund leaves the rest releasable; refunding what remains voids the hold. Refused once
    the hold has ended. The refund is recorded and its money leaves the hold first, in a transaction
    holding the hold's lock; the gateway is called afterwards with no lock held (once the caller's
    transaction commits, if there is one), with the same key, so a retry after a crash refunds once.
    """
    refund = _escrow_refund_record(
        reference=reference, amount=amount, reason=reason, idempotency_key=idempotency_key
    )
    return refund_send_after_commit(refund)


@transaction.atomic
def _escrow_refund_record(
    *, reference: str, amount: Money | None, reason: str, idempotency_key: str
) -> Refund:
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_refund(existing, reference, amount)
    hold = locks.hold_lock(reference=reference)
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()  # committed while we waited
    if existing is not None:
        return _same_refund(existing, reference, amount)
    if hold.status != HoldStatus.PENDING:
        raise HoldNotPending(f"Hold {reference!r} is already {hold.status}")
    remaining = hold_releasable(hold)
    amount = remaining if amount is None else amount
    if amount.currency != hold.currency:
        raise CurrencyMismatch(f"Refund in {amount.currency} of a {hold.currency} hold")
    if amount.amount <= 0:
        raise InsufficientFunds(f"Nothing to refund from {reference!r}")
    if amount > remaining:
        raise InsufficientFunds(f"Refund of {amount} exceeds the {remaining} left in {reference!r}")
    payment = hold.payment
    refund = Refund.objects.create(
        reference=reference,
        hold=hold,
        payment=payment,
        source=Refund.Source.ESCROW,
        amount=amount.amount,
        currency=amount.currency,
        reason=reason[:500],
        gateway=payment.gateway,
        idempotency_key=idempotency_key,
    )
    _refund_out_of_hold(hold=hold, refund=refund, remaining=remaining, status=None)
    return refund


def _refund_out_of_hold(*, hold: EscrowHold, refund: Refund, remaining: Money, status: str | None) -> None:
    refunds = ledger_account(kind=Kind.REFUNDS, currency=hold.currency)
    ledger_post(
        legs=[Leg(hold.account, -refund.money), Leg(refunds, refund.money)],
        idempotency_key=refund.idempotency_key,
        kind=TxKind.REFUND,
        reference=hold.reference,
        description=refund.reason or "Refund",
    )
    if status is not None:  # None: not sent yet; refund_execute applies the gateway's answer
        refund_status_apply(refund=refund, status=status)
    if refund.money == remaining:
        transition(hold, to=HoldStatus.VOIDED, reason="refunded in full", **{"ended_at": timezone.now()})
        events.payment_event_emit(events.HOLD_VOIDED, reference=hold.reference)


@transaction.atomic
def payment_refunds_sync(
    *,
    gateway: str,
    gateway_payment_id: str,
    charge_id: str = "",
    amount_refunded: int,
    refunds: tuple[tuple[str, int, str], ...] = (),
) -> list[Refund]:
    """The gateway says a payment's charge was refunded (Stripe ``charge.refunded``).

    Safe in any order: a refund event that overtakes the payment's success first records the
    capture (a refunded charge did succeed). Refunds we issued are settled; refunds made at the
    gateway outside the platform are recorded out of the hold.
    """
    payment = GatewayPayment.objects.filter(gateway=gateway, gateway_payment_id=gateway_payment_id).first()
    if payment is None:
        raise UnknownReference(f"No payment {gateway}:{gateway_payment_id}")
    if not LedgerTransaction.objects.filter(
        idempotency_key=capture_key(gateway, gateway_payment_id)
    ).exists():
        payment_capture_record(
            reference=payment.reference,
            amount=payment.money,
            gateway=gateway,
            gateway_payment_id=gateway_payment_id,
            charge_id=charge_id,
        )
    # Wait for any escrow_refund of this hold still in flight (it holds the hold's lock while it calls
    # the gateway): once it commits, its refund is ours, not one "made outside the platform".
    hold = EscrowHold.objects.filter(payment=payment).only("reference").first()
    if hold is not None:
        locks.hold_lock(reference=hold.reference)
    touched: list[Refund] = []
    if refunds:
        for refund_id, amount, status in refunds:
            ours = (
                Refund.objects.select_for_update(no_key=True)
                .filter(gateway=gateway, gateway_refund_id=refund_id)
                .first()
            )
            if ours is None:  # ours, sent, but its answer not applied yet: the event overtook it
                ours = (
                    Refund.objects.select_for_update(no_key=True)
                    .filter(payment=payment, source=Refund.Source.ESCROW, gateway_refund_id="", amount=amount)
                    .order_by("pk")
                    .first()
                )
                if ours is not None:
                    Refund.objects.filter(pk=ours.pk).update(gateway_refund_id=refund_id)
                    ours.gateway_refund_id = refund_id
            if ours is not None:
                refund_status_apply(refund=ours, status=status)
                touched.append(ours)
            else:
                touched += _external_refund(
                    payment=payment,
                    amount=amount,
                    status=status,
                    gateway_refund_id=refund_id,
                    key=f"external-refund:{gateway}:{refund_id}",
                )
        return touched
    # No refund list in the event (newer Stripe API versions): record what is refunded beyond what we know.
    known = sum(r.amount for r in Refund.objects.filter(payment=payment).exclude(status=RefundStatus.FAILED))
    if amount_refunded > known:
        touched += _external_refund(
            payment=payment,
            amount=amount_refunded - known,
            status=RefundStatus.SUCCEEDED,
            gateway_refund_id="",
            key=f"external-refund:{gateway}:{charge_id or gateway_payment_id}:{amount_refunded}",
        )
    return touched


def _external_refund(
    *, payment: GatewayPayment, amount: int, status: str, gateway_refund_id: str, key: str
) -> list:
    if Refund.objects.filter(idempotency_key=key).exists():
        return []
    money = Money(amount, payment.currency)
    hold = EscrowHold.objects.filter(payment=payment).first()
    if hold is None:  # a duplicate payment, owed to the buyer already
        source = ledger_account(kind=Kind.BUYER_FUNDS, currency=payment.currency)
    else:
        hold = locks.hold_lock(reference=hold.reference)
        if hold.status != HoldStatus.PENDING:
            raise PayoutsError(
                f"{payment.gateway} refunded {money} of {hold.reference!r} after its hold ended"
            )
        source = hold.account
    refund = Refund.objects.create(
        reference=payment.reference,
        hold=hold,
        payment=payment,
        source=Refund.Source.EXTERNAL,
        amount=amount,
        currency=payment.currency,
        reason="refunded at the gateway",
        gateway=payment.gateway,
        gateway_refund_id=gateway_refund_id,
        idempotency_key=key,
    )
    if hold is not None:
        _refund_out_of_hold(hold=hold, refund=refund, remaining=hold_releasable(hold), status=status)
    else:
        ledger_post(
            legs=[
                Leg(source, -money),
                Leg(ledger_account(kind=Kind.REFUNDS, currency=payment.currency), money),
            ],
            idempotency_key=key,
            kind=TxKind.REFUND,
            reference=payment.reference,
            description=refund.reason,
        )
        refund_status_apply(refund=refund, status=status)
    return [refund]
