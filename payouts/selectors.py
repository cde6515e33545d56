"""Reads of the payouts app: balances derived from legs, seller earnings, holds, the ledger per reference."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, Q, Sum

from kernel.money import Money

from .models import (
    EscrowHold,
    GatewayPayment,
    LedgerAccount,
    LedgerLeg,
    LedgerTransaction,
    PayoutAccount,
    PayoutFreeze,
    Refund,
    Transfer,
    WebhookEvent,
)
from .state import (
    HoldStatus,
    PaymentStatus,
    RefundFallback,
    RefundStatus,
    TransferStatus,
    WebhookEventStatus,
)

Kind = LedgerAccount.Kind


# -- balances ------------------------------------------------------------------------------------


def balances_by_account(account_ids: Iterable[int]) -> dict[int, int]:
    """Sum of legs per account, in its currency's minor units (absent: zero)."""
    ids = list(set(account_ids))
    if not ids:
        return {}
    rows = LedgerLeg.objects.filter(account_id__in=ids).values("account_id").annotate(total=Sum("amount"))
    return {row["account_id"]: row["total"] or 0 for row in rows}


def account_balance(account: LedgerAccount) -> Money:
    return Money(balances_by_account([account.pk]).get(account.pk, 0), account.currency)


def account_balances(*, kind: str | None = None) -> list[tuple[LedgerAccount, Money]]:
    accounts = list(LedgerAccount.objects.filter(**({"kind": kind} if kind else {})).order_by("code"))
    balances = balances_by_account(a.pk for a in accounts)
    return [(a, Money(balances.get(a.pk, 0), a.currency)) for a in accounts]


def ledger_totals_by_currency() -> dict[str, int]:
    """Sum of every leg per currency: zero in a healthy ledger."""
    rows = LedgerLeg.objects.values("currency").annotate(total=Sum("amount"))
    return {row["currency"]: row["total"] for row in rows}


def unbalanced_transaction_ids(limit: int = 100) -> list[int]:
    rows = (
        LedgerLeg.objects.values("transaction_id", "currency")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
        .values_list("transaction_id", flat=True)[:limit]
    )
    return sorted(set(rows))


# -- holds ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldView:
    reference: str
    status: str
    captured: Money
    refunded: Money
    released: Money
    releasable: Money
    frozen: bool
    #: refunded as platform credit (the payment method's refund window had passed, or it refused)
    credited: Money | None = None

    @property
    def status_label(self) -> str:
        try:
            return str(HoldStatus(self.status).label)
        except ValueError:
            return self.status


def hold_releasable(hold: EscrowHold) -> Money:
    """What is left in the hold's escrow account: captured minus refunds (and reversals)."""
    return account_balance(hold.account)


def hold_status(*, reference: str) -> HoldView | None:
    hold = EscrowHold.objects.select_related("account").filter(reference=reference).first()
    if hold is None:
        return None
    refunded = (
        Refund.objects.filter(hold=hold)
        .exclude(status=RefundStatus.FAILED)
        .aggregate(total=Sum("amount"))["total"]
        or 0
    )
    credited = (
        Refund.objects.filter(hold=hold, fallback=RefundFallback.CREDIT)
        .aggregate(total=Sum("amount"))
        .get("total")
        or 0
    )
    released = (
        LedgerLeg.objects.filter(
            account=hold.account, transaction__kind=LedgerTransaction.Kind.RELEASE
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    return HoldView(
        reference=hold.reference,
        status=hold.status,
        captured=hold.money,
        refunded=Money(refunded, hold.currency),
        released=Money(-released, hold.currency),
        releasable=hold_releasable(hold) if hold.status == HoldStatus.PENDING else Money.zero(hold.currency),
        frozen=is_frozen(reference=hold.reference, seller_id=hold.payee_id),
        credited=Money(credited, hold.currency) if credited else None,
    )


def buyer_credit_balance(*, user, currency: str) -> Money:
    """The platform credit a buyer holds in ``currency``: refunds their payment method could no longer
    take (``payouts.services.refund_fallback``), derived from the ledger, never stored."""
    total = LedgerLeg.objects.filter(
        account__kind=LedgerAccount.Kind.BUYER_CREDIT, account__owner=user, account__currency=currency
    ).aggregate(total=Sum("amount"))["total"]
    return Money(total or 0, currency)


def payment_for_reference(*, reference: str) -> GatewayPayment | None:
    """The payment that funds the reference's hold, else the latest session for it."""
    hold = EscrowHold.objects.select_related("payment").filter(reference=reference).first()
    if hold is not None:
        return hold.payment
    return GatewayPayment.objects.filter(reference=reference).order_by("-pk").first()


def payment_browser_checkout(*, reference: str):
    """What the payer's page needs to pay ``reference`` in the browser (Stripe.js), or None.

    None for gateways with their own page (the sandbox) and for payments no longer awaiting payment.
    """
    from .gateways import get_gateway

    payment = GatewayPayment.objects.filter(reference=reference).order_by("-pk").first()
    if payment is None or payment.status != PaymentStatus.REQUIRES_PAYMENT:
        return None
    return get_gateway(payment.gateway).payment_browser_checkout(payment.gateway_payment_id)


# -- freezes --------------------------------------------------------------------------------------


def is_frozen(*, reference: str = "", seller_id: int | None = None) -> bool:
    match = Q(pk__in=[])
    if reference:
        match |= Q(reference=reference)
    if seller_id is not None:
        match |= Q(seller_id=seller_id)
    return PayoutFreeze.objects.filter(match, lifted_at__isnull=True).exists()


def active_freezes() -> list[PayoutFreeze]:
    return list(PayoutFreeze.objects.filter(lifted_at__isnull=True).select_related("seller").order_by("-pk"))


def failed_webhook_events(limit: int = 50) -> list[WebhookEvent]:
    """Gateway events that failed for good, newest first (staff act on them)."""
    return list(WebhookEvent.objects.filter(status=WebhookEventStatus.FAILED).order_by("-failed_at")[:limit])


# -- sellers --------------------------------------------------------------------------------------


@dataclass
class Earnings:
    """A seller's money in one currency.

    held: in escrow for their licences (pending holds, after refunds);
    releasable: released from escrow to them, waiting to be transferred (no active payout account yet,
        frozen, or in flight);
    paid_out: transferred to their payout account (net of reversals).
    """

    currency: str
    held: Money
    releasable: Money
    paid_out: Money
    frozen: bool = False
    holds: list = field(default_factory=list)


def seller_earnings(*, seller) -> list[Earnings]:
    """One summary per currency the seller has money in (empty when they have none)."""
    held: dict[str, int] = defaultdict(int)
    rows = (
        LedgerLeg.objects.filter(account__hold__payee=seller, account__hold__status=HoldStatus.PENDING)
        .values("currency")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        held[row["currency"]] += row["total"] or 0
    payable: dict[str, int] = defaultdict(int)
    rows = (
        LedgerLeg.objects.filter(account__kind=Kind.SELLER_PAYABLE, account__owner=seller)
        .values("currency")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        payable[row["currency"]] += row["total"] or 0
    paid: dict[str, int] = defaultdict(int)
    rows = (
        Transfer.objects.filter(seller=seller, status__in=[TransferStatus.PAID, TransferStatus.REVERSED])
        .values("currency")
        .annotate(total=Sum(F("amount") - F("amount_reversed")))
    )
    for row in rows:
        paid[row["currency"]] += row["total"] or 0
    frozen = is_frozen(seller_id=seller.pk)
    currencies = sorted(set(held) | set(payable) | set(paid))
    return [
        Earnings(
            currency=c,
            held=Money(held[c], c),
            releasable=Money(payable[c], c),
            paid_out=Money(paid[c], c),
            frozen=frozen,
        )
        for c in currencies
    ]


def seller_holds(*, seller, limit: int = 50) -> list[EscrowHold]:
    return list(EscrowHold.objects.filter(payee=seller).order_by("-pk")[:limit])


def seller_transfers(*, seller, limit: int = 50) -> list[Transfer]:
    return list(Transfer.objects.filter(seller=seller).order_by("-pk")[:limit])


def payout_account_for(*, user, gateway: str) -> PayoutAccount | None:
    return PayoutAccount.objects.filter(user=user, gateway=gateway).first()


# -- staff ----------------------------------------------------------------------------------------


@dataclass
class ReferenceLedger:
    reference: str
    hold: HoldView | None
    transactions: list[LedgerTransaction]
    payments: list[GatewayPayment]
    refunds: list[Refund]
    transfers: list[Transfer]


def ledger_for_reference(*, reference: str) -> ReferenceLedger:
    transactions = list(
        LedgerTransaction.objects.filter(reference=reference).prefetch_related("legs__account").order_by("pk")
    )
    return ReferenceLedger(
        reference=reference,
        hold=hold_status(reference=reference),
        transactions=transactions,
        payments=list(GatewayPayment.objects.filter(reference=reference).order_by("pk")),
        refunds=list(Refund.objects.filter(reference=reference).order_by("pk")),
        transfers=list(Transfer.objects.filter(reference=reference).order_by("pk")),
    )


def recent_references(*, query: str = "", limit: int = 50) -> list[str]:
    qs = LedgerTransaction.objects.exclude(reference="")
    if query:
        qs = qs.filter(reference__icontains=query)
    seen: list[str] = []
    for reference in qs.order_by("-pk").values_list("reference", flat=True)[: limit * 5]:
        if reference not in seen:
            seen.append(reference)
        if len(seen) >= limit:
            break
    return seen
