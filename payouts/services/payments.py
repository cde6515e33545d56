"""Buyers paying: payment sessions at the gateway, and recording what the gateway says happened."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from kernel.atomic import atomic_join
from kernel.money import Money
from kernel.transitions import transition

from .. import events, locks
from ..exceptions import IdempotencyConflict, PaymentMismatch, ReferenceAlreadyPaid
from ..gateways import get_gateway
from ..gateways.base import GatewayError
from ..models import REFERENCE_MAX, EscrowHold, GatewayPayment, LedgerAccount, LedgerTransaction, Refund
from ..state import PAYMENT_TRANSITIONS, PaymentStatus
from .ledger import Leg, ledger_account, ledger_account_get_or_create, ledger_post
from .refunds import refund_status_apply

logger = logging.getLogger(__name__)
Kind = LedgerAccount.Kind
TxKind = LedgerTransaction.Kind


@dataclass(frozen=True)
class CheckoutSession:
    payment: GatewayPayment
    #: where to send the payer (the sandbox page); empty for Stripe (pay with Stripe.js in your page)
    checkout_url: str
    #: for Stripe.js in the payer's browser; never log or store it
    client_secret: str = field(default="", repr=False)


def capture_key(gateway: str, gateway_payment_id: str) -> str:
    """The one key every path that records this payment's capture uses (page, webhook, retries)."""
    return f"capture:{gateway}:{gateway_payment_id}"


def _check_reference(reference: str) -> None:
    if not reference or len(reference) > REFERENCE_MAX:
        raise ValueError(f"reference must be 1..{REFERENCE_MAX} characters")


def payment_session_create(
    *,
    reference: str,
    amount: Money,
    payer,
    payee,
    idempotency_key: str,
    description: str = "",
    return_url: str = "",
    purpose: str = "",
    fresh_reference: bool = False,
) -> CheckoutSession:
    """Start the buyer's payment for ``reference`` (captured at once, then held in escrow).

    ``payee`` is the seller the hold will be released to. Repeating the call with the same key
    returns the same session (a double-submitted checkout makes one payment). Not atomic on
    purpose: the gateway is called with no transaction open; only the record is written in one.
    """
    _check_reference(reference)
    if not isinstance(amount, Money):
        raise TypeError("amount must be Money (minor units and a currency)")
    if amount.amount <= 0:
        raise ValueError("A payment must be for more than zero")
    # a reference the caller has just made (``fresh_reference``) has no session nor hold yet
    existing = (
        None if fresh_reference else GatewayPayment.objects.filter(idempotency_key=idempotency_key).first()
    )
    if existing is not None and (existing.reference != reference or existing.money != amount):
        raise IdempotencyConflict(f"Idempotency key {idempotency_key!r} was used for another payment")
    if existing is None and not fresh_reference and EscrowHold.objects.filter(reference=reference).exists():
        raise ReferenceAlreadyPaid(f"Reference {reference!r} is already paid and held")
    gateway = get_gateway(existing.gateway if existing else None)
    session = gateway.payment_session_create(
        reference=reference,
        amount=amount,
        description=description,
        payer_id=getattr(payer, "pk", None),
        return_url=return_url,
        idempotency_key=idempotency_key,
    )
    payment = existing
    if payment is None:
        try:
            with transaction.atomic():
                payment = GatewayPayment.objects.create(
                    gateway=gateway.name,
                    gateway_payment_id=session.gateway_payment_id,
                    reference=reference,
                    purpose=purpose[:32],
                    amount=amount.amount,
                    currency=amount.currency,
                    payer=payer,
                    payee=payee,
                    description=description[:500],
                    return_url=return_url[:1000],
                    idempotency_key=idempotency_key,
                )
        except IntegrityError:  # the same session recorded by a concurrent double submit
            payment = GatewayPayment.objects.get(idempotency_key=idempotency_key)
    return CheckoutSession(
        payment=payment, checkout_url=session.checkout_url, client_secret=session.client_secret
    )


@atomic_join  # a mismatch raises before any write
def payment_capture_record(
    *,
    reference: str,
    amount: Money,
    gateway: str,
    gateway_payment_id: str,
    charge_id: str = "",
    idempotency_key: str | None = None,
) -> EscrowHold | None:
    """The gateway confirmed the payment: move it from gateway clearing into a pending escrow hold.

    Idempotent (the key defaults to one derived from the gateway payment, so the sandbox page, the
    webhook and any retry record it once). A second successful payment for a reference that already
    has a hold is recorded as buyer funds and refunded at once; then ``None`` is returned.
    """
    key = idempotency_key or capture_key(gateway, gateway_payment_id)
    payment = locks.payment_lock(gateway=gateway, gateway_payment_id=gateway_payment_id)
    if payment.reference != reference or payment.money != amount:
        raise PaymentMismatch(
            f"{gateway}:{gateway_payment_id} reports {amount} for {reference!r}; "
            f"we asked {payment.money} for {payment.reference!r}"
        )
    new_charge = {"charge_id": charge_id} if charge_id and payment.charge_id != charge_id else {}
    if LedgerTransaction.objects.filter(idempotency_key=key).exists():
        if new_charge:
            GatewayPayment.objects.filter(pk=payment.pk).update(**new_charge)
        return EscrowHold.objects.filter(payment=payment).first()
    if payment.status != PaymentStatus.SUCCEEDED:
        if PaymentStatus.SUCCEEDED not in PAYMENT_TRANSITIONS[payment.status]:
            raise PaymentMismatch(f"Payment {payment} is {payment.status}; it cannot succeed now")
        # the charge id rides in the status change's UPDATE
        transition(payment, to=PaymentStatus.SUCCEEDED, **{"failure_message": "", **new_charge})
    elif new_charge:
        payment.charge_id = charge_id
        payment.save(update_fields=["charge_id", "updated_at"])

    clearing = ledger_account(kind=Kind.GATEWAY_CLEARING, currency=amount.currency, gateway=gateway)
    escrow, escrow_new = ledger_account_get_or_create(
        kind=Kind.ESCROW, currency=amount.currency, reference=reference
    )
    # Locking the reference's escrow account serialises two payments racing for one reference. An
    # account created just now is locked already (ours until commit) and has no hold yet.
    if not escrow_new:
        locks.accounts_lock([escrow.pk])
        if EscrowHold.objects.filter(reference=reference).exists():
            _capture_unallocated(payment=payment, key=key, clearing=clearing)
            return None
    ledger_post(
        legs=[Leg(clearing, -amount), Leg(escrow, amount)],
        key_checked=True,  # checked above, under the payment's lock (every capture of it takes it)
        idempotency_key=key,
        kind=TxKind.CAPTURE,
        reference=reference,
        description=f"Payment {gateway}:{gateway_payment_id}",
    )
    hold = EscrowHold.objects.create(
        reference=reference,
        account=escrow,
        payment=payment,
        payee_id=payment.payee_id,
        amount=amount.amount,
        currency=amount.currency,
    )
    events.payment_event_emit(
        events.PAYMENT_CAPTURED,
        reference=reference,
        purpose=payment.purpose,
        amount=amount.amount,
        currency=amount.currency,
        gateway=gateway,
        payment_id=payment.pk,
    )
    return hold


def _capture_unallocated(*, payment: GatewayPayment, key: str, clearing: LedgerAccount) -> None:
    """A payment with no hold to fund (the reference was paid already): owe it back and refund it."""
    amount = payment.money
    buyer_funds = ledger_account(kind=Kind.BUYER_FUNDS, currency=amount.currency)
    ledger_post(
        legs=[Leg(clearing, -amount), Leg(buyer_funds, amount)],
        idempotency_key=key,
        kind=TxKind.UNALLOCATED_PAYMENT,
        reference=payment.reference,
        description=f"Paid again for a held reference: {payment.gateway}:{payment.gateway_payment_id}",
    )
    events.payment_event_emit(
        events.PAYMENT_DUPLICATE,
        reference=payment.reference,
        purpose=payment.purpose,
        amount=amount.amount,
        currency=amount.currency,
        gateway=payment.gateway,
        payment_id=payment.pk,
    )
    refund_key = f"refund-duplicate:{payment.gateway}:{payment.gateway_payment_id}"
    try:
        with transaction.atomic():
            result = get_gateway(payment.gateway).refund_create(
                gateway_payment_id=payment.gateway_payment_id,
                charge_id=payment.charge_id,
                amount=amount,
                reference=payment.reference,
                reason="duplicate payment",
                idempotency_key=refund_key,
            )
            refund = Refund.objects.create(
                reference=payment.reference,
                payment=payment,
                source=Refund.Source.UNALLOCATED,
                amount=amount.amount,
                currency=amount.currency,
                reason="duplicate payment",
                gateway=payment.gateway,
                gateway_refund_id=result.gateway_refund_id,
                idempotency_key=refund_key,
            )
            ledger_post(
                legs=[
                    Leg(buyer_funds, -amount),
                    Leg(ledger_account(kind=Kind.REFUNDS, currency=amount.currency), amount),
                ],
                idempotency_key=refund_key,
                kind=TxKind.REFUND,
                reference=payment.reference,
                description="Refund of a duplicate payment",
            )
            refund_status_apply(refund=refund, status=result.status)
    except GatewayError as exc:
        # The money stays in buyer funds, visible to staff and to reconciliation.
        logger.warning("automatic refund of duplicate payment %s failed: %s", payment.pk, exc)


@transaction.atomic
def payment_failure_record(
    *, gateway: str, gateway_payment_id: str, message: str = "", canceled: bool = False
) -> GatewayPayment:
    """The gateway declined or canceled the payment. A success already recorded is final: late or
    out-of-order failure events change nothing."""
    payment = locks.payment_lock(gateway=gateway, gateway_payment_id=gateway_payment_id)
    target = PaymentStatus.CANCELED if canceled else PaymentStatus.FAILED
    if payment.status == target or target not in PAYMENT_TRANSITIONS[payment.status]:
        return payment
    transition(payment, to=target, reason=message, **{"failure_message": message[:500]})
    events.payment_event_emit(
        events.PAYMENT_CANCELED if canceled else events.PAYMENT_FAILED,
        reference=payment.reference,
        purpose=payment.purpose,
        gateway=gateway,
        payment_id=payment.pk,
    )
    return payment
