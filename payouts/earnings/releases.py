"""Each escrow release of a seller: the sale price, the platform commission, what the seller gets.

Read from the ledger's RELEASE transactions (the escrow leg is the price released, the seller-payable
leg the seller's share; the rest is the commission), so the figures are the books', never recomputed.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from kernel.money import Money

from ..models import LedgerAccount, LedgerLeg, LedgerTransaction

Kind = LedgerAccount.Kind


@dataclass(frozen=True)
class Release:
    reference: str
    released_at: datetime
    price: Money  # what left escrow
    commission: Money
    seller_share: Money


@dataclass(frozen=True)
class MonthTotal:
    month: str  # YYYY-MM
    currency: str
    price: Money
    commission: Money
    seller_share: Money


def seller_releases(*, seller, limit: int = 500) -> list[Release]:
    legs = (
        LedgerLeg.objects.filter(
            transaction__kind=LedgerTransaction.Kind.RELEASE,
            transaction__legs__account__hold__payee=seller,
        )
        .select_related("account", "transaction")
        .order_by("-transaction__created_at", "-transaction_id", "id")
        .distinct()
    )
    by_tx: OrderedDict[int, dict] = OrderedDict()
    for leg in legs[: limit * 3]:
        row = by_tx.setdefault(leg.transaction_id, {"tx": leg.transaction, "price": 0, "share": 0, "ref": ""})
        if leg.account.kind == Kind.ESCROW:
            row["price"] += -leg.amount
            row["ref"] = leg.account.reference
            row["currency"] = leg.currency
        elif leg.account.kind == Kind.SELLER_PAYABLE:
            row["share"] += leg.amount
    releases = []
    for row in list(by_tx.values())[:limit]:
        currency = row.get("currency", "CNY")
        releases.append(
            Release(
                reference=row["ref"],
                released_at=row["tx"].created_at,
                price=Money(row["price"], currency),
                commission=Money(row["price"] - row["share"], currency),
                seller_share=Money(row["share"], currency),
            )
        )
    return releases


def monthly_totals(releases: list[Release]) -> list[MonthTotal]:
    """Totals per calendar month and currency, oldest first (what the chart draws)."""
    sums: dict[tuple[str, str], list[int]] = {}
    for release in releases:
        key = (release.released_at.strftime("%Y-%m"), release.price.currency)
        total = sums.setdefault(key, [0, 0, 0])
        total[0] += release.price.amount
        total[1] += release.commission.amount
        total[2] += release.seller_share.amount
    return [
        MonthTotal(month, currency, Money(p, currency), Money(c, currency), Money(s, currency))
        for (month, currency), (p, c, s) in sorted(sums.items())
    ]
