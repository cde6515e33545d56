"""Row locks, always taken in one order so concurrent services cannot deadlock.

Like Saleor's ``lock_objects.py``: every service that locks more than one kind of row goes through
these helpers, in this order, and locks several rows of one kind by ascending primary key:

    GatewayPayment -> EscrowHold -> Refund -> Transfer -> LedgerAccount (ascending id)

On SQLite ``select_for_update`` is a no-op; SQLite serialises writers on its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from .exceptions import UnknownReference
from .models import EscrowHold, GatewayPayment, LedgerAccount, Refund, Transfer


def payment_lock(*, gateway: str, gateway_payment_id: str) -> GatewayPayment:
    try:
        return GatewayPayment.objects.select_for_update().get(
            gateway=gateway, gateway_payment_id=gateway_payment_id
        )
    except GatewayPayment.DoesNotExist:
        raise UnknownReference(f"No payment {gateway}:{gateway_payment_id}") from None


def hold_lock(*, reference: str) -> EscrowHold:
    try:
        # of=("self",) keeps the lock off the joined rows on PostgreSQL
        return (
            EscrowHold.objects.select_for_update(of=("self",))
            .select_related("account", "payment")
            .get(reference=reference)
        )
    except EscrowHold.DoesNotExist:
        raise UnknownReference(f"No escrow hold for reference {reference!r}") from None


def refund_lock(*, pk: int) -> Refund:
    return Refund.objects.select_for_update().get(pk=pk)


def transfer_lock(*, pk: int) -> Transfer:
    return Transfer.objects.select_for_update().get(pk=pk)


def transfers_lock(qs) -> list[Transfer]:
    return list(qs.select_for_update().order_by("pk"))


def accounts_lock(account_ids: Iterable[int]) -> list[LedgerAccount]:
    ids = sorted(set(account_ids))
    if not ids:
        return []
    return list(LedgerAccount.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
