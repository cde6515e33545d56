"""Paying sellers: transfers to their payout accounts, retries, reversals, and moderators' freezes."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kernel.money import Money
from kernel.transitions import transition

from .. import events, locks
from ..exceptions import PayoutsError, UnknownReference
from ..gateways import get_gateway
from ..gateways.base import GatewayError
from ..models import LedgerAccount, LedgerTransaction, PayoutAccount, PayoutFreeze, Transfer
from ..selectors import is_frozen
from ..state import PayoutAccountStatus, TransferStatus
from .ledger import Leg, ledger_account, ledger_post

logger = logging.getLogger(__name__)
Kind = LedgerAccount.Kind
TxKind = LedgerTransaction.Kind

NOTE_FROZEN = "Frozen by a moderator"
NOTE_NO_ACCOUNT = "Waiting for the seller's payout account to be active"


def _note(transfer: Transfer, note: str) -> Transfer:
    if transfer.note != note:
        transfer.note = note
        transfer.save(update_fields=["note", "updated_at"])
    return transfer


@transaction.atomic
def transfer_execute(*, transfer_id: int) -> Transfer:
    """Send a pending transfer through the gateway, unless frozen or the seller cannot be paid yet.

    The transfer row stays locked while the gateway is called, and a freeze locks the same rows
    before it commits, so a transfer that sees no freeze here cannot be overtaken by one. The
    gateway key is per attempt: a retry after a crash reuses it (one transfer), a retry after a
    recorded failure gets a fresh one.
    """
    transfer = locks.transfer_lock(pk=transfer_id)
    if transfer.status != TransferStatus.PENDING:
        return transfer
    if is_frozen(reference=transfer.reference, seller_id=transfer.seller_id):
        return _note(transfer, NOTE_FROZEN)
    account = PayoutAccount.objects.filter(
        user_id=transfer.seller_id, gateway=transfer.gateway, status=PayoutAccountStatus.ACTIVE
    ).first()
    if account is None:
        return _note(transfer, NOTE_NO_ACCOUNT)
    attempt = transfer.attempts + 1
    try:
        with transaction.atomic():
            result = get_gateway(transfer.gateway).transfer_create(
                destination=account.gateway_account_id,
                amount=transfer.money,
                reference=transfer.reference,
                source_transaction=transfer.source_transaction,
                idempotency_key=f"{transfer.idempotency_key}:{attempt}",
            )
    except GatewayError as exc:
        Transfer.objects.filter(pk=transfer.pk).update(attempts=attempt, note=str(exc)[:500])
        transfer.refresh_from_db()
        transition(transfer, to=TransferStatus.FAILED, reason=str(exc)[:500])
        logger.warning("transfer %s failed at the gateway: %s", transfer.pk, exc)
        return transfer
    now = timezone.now()
    transition(
        transfer,
        to=TransferStatus.PAID,
        reason=f"gateway {result.gateway_transfer_id}",
        **{
            "gateway_transfer_id": result.gateway_transfer_id,
            "destination": result.destination,
            "attempts": attempt,
            "paid_at": now,
            "note": "",
        },
    )
    payable = ledger_account(kind=Kind.SELLER_PAYABLE, currency=transfer.currency, owner=transfer.seller_id)
    clearing = ledger_account(
        kind=Kind.GATEWAY_CLEARING, currency=transfer.currency, gateway=transfer.gateway
    )
    ledger_post(
        legs=[Leg(payable, -transfer.money), Leg(clearing, transfer.money)],
        idempotency_key=f"transfer-paid:{transfer.idempotency_key}",
        kind=TxKind.TRANSFER_PAID,
        reference=transfer.reference,
        description=f"Transfer {result.gateway_transfer_id} to {result.destination}",
    )
    events.payment_event_emit(
        events.TRANSFER_PAID, reference=transfer.reference, amount=transfer.amount, currency=transfer.currency
    )
    return transfer


def transfers_retry(*, transfer_id: int | None = None) -> int:
    """Put failed transfers back to pending and try every pending one (or just ``transfer_id``).
    Each in its own transaction; returns how many got paid."""
    qs = Transfer.objects.filter(status__in=[TransferStatus.PENDING, TransferStatus.FAILED])
    if transfer_id is not None:
        qs = qs.filter(pk=transfer_id)
    paid = 0
    for pk in qs.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            transfer = locks.transfer_lock(pk=pk)
            if transfer.status == TransferStatus.FAILED:
                transition(transfer, to=TransferStatus.PENDING, reason="retry")
        if transfer_execute(transfer_id=pk).status == TransferStatus.PAID:
            paid += 1
    return paid


@transaction.atomic
def transfer_reverse(
    *, reference: str, amount: Money | None = None, reason: str, idempotency_key: str
) -> Transfer:
    """Claw a paid transfer back from the seller's account (all of it unless ``amount``): the money
    becomes payable to them again, where a freeze keeps it, and staff decide where it goes."""
    transfer = Transfer.objects.filter(reference=reference).first()
    if transfer is None:
        raise UnknownReference(f"No transfer for {reference!r}")
    transfer = locks.transfer_lock(pk=transfer.pk)
    if transfer.status != TransferStatus.PAID:
        raise PayoutsError(f"Transfer {reference!r} is {transfer.status}, not paid")
    amount = (
        Money(transfer.amount - transfer.amount_reversed, transfer.currency) if amount is None else amount
    )
    if amount.amount <= 0 or amount.amount > transfer.amount - transfer.amount_reversed:
        raise PayoutsError(f"Cannot reverse {amount} of transfer {reference!r}")
    get_gateway(transfer.gateway).transfer_reverse(
        gateway_transfer_id=transfer.gateway_transfer_id, amount=amount, idempotency_key=idempotency_key
    )
    _reversal_post(transfer=transfer, amount=amount, key=idempotency_key, reason=reason)
    return transfer


@transaction.atomic
def transfer_reversal_record(
    *, gateway: str, gateway_transfer_id: str, amount_reversed: int
) -> Transfer | None:
    """A gateway event: the transfer's total reversed amount is now ``amount_reversed``."""
    transfer = Transfer.objects.filter(gateway=gateway, gateway_transfer_id=gateway_transfer_id).first()
    if transfer is None:
        return None
    transfer = locks.transfer_lock(pk=transfer.pk)
    extra = amount_reversed - transfer.amount_reversed
    if extra > 0:
        _reversal_post(
            transfer=transfer,
            amount=Money(extra, transfer.currency),
            key=f"transfer-reversed:{gateway}:{gateway_transfer_id}:{amount_reversed}",
            reason="reversed at the gateway",
        )
    return transfer


def _reversal_post(*, transfer: Transfer, amount: Money, key: str, reason: str) -> None:
    payable = ledger_account(kind=Kind.SELLER_PAYABLE, currency=transfer.currency, owner=transfer.seller_id)
    clearing = ledger_account(
        kind=Kind.GATEWAY_CLEARING, currency=transfer.currency, gateway=transfer.gateway
    )
    ledger_post(
        legs=[Leg(clearing, -amount), Leg(payable, amount)],
        idempotency_key=key,
        kind=TxKind.TRANSFER_REVERSED,
        reference=transfer.reference,
        description=reason,
    )
    transfer.amount_reversed += amount.amount
    transfer.save(update_fields=["amount_reversed", "updated_at"])
    if transfer.amount_reversed == transfer.amount:
        transition(transfer, to=TransferStatus.REVERSED, reason=reason)


# -- freezes -------------------------------------------------------------------------------------


def _target(reference: str, seller) -> Q:
    if not reference and seller is None:
        raise ValueError("Freeze a reference or a seller")
    match = Q(pk__in=[])
    if reference:
        match |= Q(reference=reference)
    if seller is not None:
        match |= Q(seller_id=getattr(seller, "pk", seller))
    return match


@transaction.atomic
def payouts_freeze(*, reference: str = "", seller=None, reason: str, actor=None) -> PayoutFreeze:
    """Stop releases and transfers for a reference or for a seller, including ones already queued."""
    # Lock the transfers it covers first: a transfer being sent right now finishes before the freeze
    # commits, and any later attempt sees the freeze.
    locks.transfers_lock(Transfer.objects.filter(_target(reference, seller), status=TransferStatus.PENDING))
    seller_id = getattr(seller, "pk", seller)
    existing = PayoutFreeze.objects.filter(
        reference=reference, seller_id=seller_id, lifted_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    return PayoutFreeze.objects.create(
        reference=reference, seller_id=seller_id, reason=reason[:500], created_by=actor
    )


@transaction.atomic
def payouts_unfreeze(*, reference: str = "", seller=None, actor=None) -> int:
    """Lift the freezes on a reference or seller; transfers no longer frozen go out after commit.
    Releases refused while frozen are not redone: the deal app releases again when it decides to."""
    seller_id = getattr(seller, "pk", seller)
    lifted = PayoutFreeze.objects.filter(
        reference=reference, seller_id=seller_id, lifted_at__isnull=True
    ).update(lifted_at=timezone.now(), lifted_by=actor)
    from ..tasks import transfer_execute_task

    for transfer in Transfer.objects.filter(_target(reference, seller), status=TransferStatus.PENDING):
        if not is_frozen(reference=transfer.reference, seller_id=transfer.seller_id):
            events.enqueue_on_commit(transfer_execute_task, transfer.pk)
    return lifted
