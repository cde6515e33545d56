"""Row locks, always taken in one order so concurrent services cannot deadlock.

Locks are FOR NO KEY UPDATE (``no_key=True``): they serialise the services that take them, yet let the
foreign-key checks PostgreSQL runs at COMMIT (FOR KEY SHARE on the referenced row) through, which
plain FOR UPDATE blocks: two commits waiting on each other's key checks was a real deadlock here.

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
        return GatewayPayment.objects.select_for_update(no_key=True).get(
            gateway=gateway, gateway_payment_id=gateway_payment_id
        )
    except GatewayPayment.DoesNotExist:
        raise UnknownReference(f"No payment {gateway}:{gateway_payment_id}") from None


def hold_lock(*, reference: str) -> EscrowHold:
    try:
        # of=("self",) keeps the lock off the joined rows on PostgreSQL
        return (
            EscrowHold.objects.select_for_update(no_key=True, of=("self",))
            .select_related("account", "payment")
            .get(reference=reference)
        )
    except EscrowHold.DoesNotExist:
        raise UnknownReference(f"No escrow hold for reference {reference!r}") from None


def refund_lock(*, pk: int) -> Refund:
    return Refund.objects.select_for_update(no_key=True).get(pk=pk)


def transfer_lock(*, pk: int) -> Transfer:
    return Transfer.objects.select_for_update(no_key=True).get(pk=pk)


def transfers_lock(qs) -> list[Transfer]:
    return list(qs.select_for_update(no_key=True).order_by("pk"))


def accounts_lock(account_ids: Iterable[int]) -> list[LedgerAccount]:
    ids = sorted(set(account_ids))
    if not ids:
        return []
    return list(LedgerAccount.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk"))
