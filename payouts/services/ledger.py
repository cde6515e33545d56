"""The double-entry ledger: accounts, postings and reversals. Every other money service posts through here."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from kernel.atomic import atomic_join
from kernel.money import Money, currency_exponent
from kernel.transitions import transition

from .. import locks
from ..exceptions import IdempotencyConflict, InsufficientFunds, NotReversible, UnbalancedTransaction
from ..models import EscrowHold, LedgerAccount, LedgerLeg, LedgerTransaction
from ..selectors import balances_by_account
from ..state import HoldStatus

Kind = LedgerAccount.Kind
TxKind = LedgerTransaction.Kind
KEY_MAX = 255


@dataclass(frozen=True)
class Leg:
    """One line of a posting: ``amount`` into ``account`` (negative: out of it)."""

    account: LedgerAccount
    amount: Money


def account_code(
    *, kind: str, currency: str, owner_id: int | None = None, reference: str = "", gateway: str = ""
) -> str:
    if kind == Kind.ESCROW:
        return f"escrow:{reference}:{currency}"
    if kind == Kind.SELLER_PAYABLE:
        return f"seller_payable:{owner_id}:{currency}"
    if kind == Kind.GATEWAY_CLEARING:
        return f"gateway_clearing:{gateway}:{currency}"
    return f"{kind}:{currency}"


def ledger_account(
    *, kind: str, currency: str, owner=None, reference: str = "", gateway: str = ""
) -> LedgerAccount:
    """The account for this kind and currency (and owner, reference or gateway), created on first use."""
    return ledger_account_get_or_create(
        kind=kind, currency=currency, owner=owner, reference=reference, gateway=gateway
    )[0]


def ledger_account_get_or_create(
    *, kind: str, currency: str, owner=None, reference: str = "", gateway: str = ""
) -> tuple[LedgerAccount, bool]:
    """``ledger_account`` and whether this call created it (a new account has no legs nor holds yet,
    and its row is ours until commit: a concurrent creator waits on the unique code)."""
    currency_exponent(currency)  # refuses currencies we cannot price in
    owner_id = getattr(owner, "pk", owner)
    code = account_code(kind=kind, currency=currency, owner_id=owner_id, reference=reference, gateway=gateway)
    account = LedgerAccount.objects.filter(code=code).first()
    if account is not None:
        return account, False
    try:
        with transaction.atomic():
            return LedgerAccount.objects.create(
                code=code,
                kind=kind,
                currency=currency,
                owner_id=owner_id,
                reference=reference,
                gateway=gateway,
            ), True
    except IntegrityError:  # created by a concurrent caller between our read and our insert
        return LedgerAccount.objects.get(code=code), False


def _fingerprint(kind: str, reference: str, legs: Sequence[Leg], reverses_id: int | None) -> str:
    lines = sorted((leg.account.pk, leg.amount.amount, leg.amount.currency) for leg in legs)
    body = json.dumps([kind, reference, reverses_id, lines], separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _validate(legs: Sequence[Leg], idempotency_key: str) -> None:
    if not idempotency_key or len(idempotency_key) > KEY_MAX:
        raise ValueError(f"idempotency_key must be 1..{KEY_MAX} characters")
    if len(legs) < 2:
        raise UnbalancedTransaction("A posting needs at least two legs")
    totals: dict[str, int] = defaultdict(int)
    for leg in legs:
        if not isinstance(leg.amount, Money):
            raise TypeError("Leg.amount must be Money")
        if leg.amount.amount == 0:
            raise UnbalancedTransaction("A leg of zero moves nothing")
        if leg.amount.currency != leg.account.currency:
            raise UnbalancedTransaction(
                f"{leg.amount.currency} leg on {leg.account.currency} account {leg.account}"
            )
        totals[leg.amount.currency] += leg.amount.amount
    unbalanced = {cur: total for cur, total in totals.items() if total}
    if unbalanced:
        raise UnbalancedTransaction(f"Legs do not sum to zero: {unbalanced}")


def _replay(existing: LedgerTransaction, fingerprint: str) -> LedgerTransaction:
    if existing.fingerprint != fingerprint:
        raise IdempotencyConflict(f"Idempotency key {existing.idempotency_key!r} was used for other content")
    return existing


def _transaction_insert(kind, idempotency_key, fingerprint, reference, description, reverses, legs):
    """The transaction row and its legs: two INSERTs (the legs in one)."""
    tx = LedgerTransaction.objects.create(
        kind=kind,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
        reference=reference,
        description=description[:500],
        reverses=reverses,
    )
    LedgerLeg.objects.bulk_create(
        LedgerLeg(transaction=tx, account=leg.account, amount=leg.amount.amount, currency=leg.amount.currency)
        for leg in legs
    )
    return tx


@atomic_join  # refusals raise before any write; the insert keeps its own savepoint
def ledger_post(
    *,
    legs: Sequence[Leg],
    idempotency_key: str,
    kind: str = TxKind.ADJUSTMENT,
    reference: str = "",
    description: str = "",
    reverses: LedgerTransaction | None = None,
    key_checked: bool = False,
) -> LedgerTransaction:
    """Post a balanced transaction once per ``idempotency_key``.

    A replay with the same key and the same content returns the first transaction and posts
    nothing; the same key with other content raises :class:`IdempotencyConflict`. Internal accounts
    that lose money are locked (ascending id) and may not go below zero. ``key_checked``: the caller
    found the key unused under a lock every poster of this key takes, so it is not looked up again and
    no savepoint guards the insert (the unique key still refuses a duplicate).
    """
    _validate(legs, idempotency_key)
    fingerprint = _fingerprint(kind, reference, legs, getattr(reverses, "pk", None))
    existing = (
        None if key_checked else LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
    )
    if existing is not None:
        return _replay(existing, fingerprint)

    net: dict[int, int] = defaultdict(int)
    for leg in legs:
        net[leg.account.pk] += leg.amount.amount
    debited = {leg.account.pk for leg in legs if net[leg.account.pk] < 0 and not leg.account.may_go_negative}
    if debited:
        locks.accounts_lock(debited)
        # A concurrent caller with the same key may have committed while we waited for the lock.
        existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _replay(existing, fingerprint)
        balances = balances_by_account(debited)
        short = {pk: balances.get(pk, 0) + net[pk] for pk in debited if balances.get(pk, 0) + net[pk] < 0}
        if short:
            codes = dict(LedgerAccount.objects.filter(pk__in=short).values_list("pk", "code"))
            raise InsufficientFunds(
                "Would overdraw " + ", ".join(f"{codes[pk]} by {-v}" for pk, v in short.items())
            )

    if key_checked and not debited:
        return _transaction_insert(kind, idempotency_key, fingerprint, reference, description, reverses, legs)
    try:
        with transaction.atomic():
            tx = _transaction_insert(
                kind, idempotency_key, fingerprint, reference, description, reverses, legs
            )
    except IntegrityError:
        # Same key committed by a concurrent caller (PostgreSQL made us wait on the unique index).
        existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _replay(existing, fingerprint)
    return tx


@transaction.atomic
def ledger_reverse(*, transaction_id: int, idempotency_key: str, description: str = "") -> LedgerTransaction:
    """Correct a transaction by posting its exact opposite (the original stays, append-only).

    Refused for reversals, for transactions already reversed, and for postings that touch a hold
    that has ended (its history is final). A pending hold reversed down to zero is voided.
    """
    existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.reverses_id != transaction_id:
            raise IdempotencyConflict(f"Idempotency key {idempotency_key!r} was used for other content")
        return existing
    original = LedgerTransaction.objects.prefetch_related("legs__account").get(pk=transaction_id)
    if original.kind == TxKind.REVERSAL:
        raise NotReversible("A reversal is not reversed; post a new correcting transaction")
    legs = list(original.legs.all())
    holds = [
        locks.hold_lock(reference=h.reference)
        for h in EscrowHold.objects.filter(account__in=[leg.account_id for leg in legs]).order_by("pk")
    ]
    if any(h.status != HoldStatus.PENDING for h in holds):
        raise NotReversible("The transaction touches an escrow hold that has already ended")
    if LedgerTransaction.objects.filter(reverses=original).exists():
        raise NotReversible(f"Transaction {original.pk} is already reversed")
    try:
        with transaction.atomic():
            reversal = ledger_post(
                legs=[Leg(leg.account, Money(-leg.amount, leg.currency)) for leg in legs],
                idempotency_key=idempotency_key,
                kind=TxKind.REVERSAL,
                reference=original.reference,
                description=description or f"Reversal of #{original.pk}",
                reverses=original,
            )
    except IntegrityError:  # a concurrent reversal of the same transaction won (unique ``reverses``)
        raise NotReversible(f"Transaction {original.pk} is already reversed") from None
    remaining = balances_by_account([h.account_id for h in holds])
    for hold in holds:
        if remaining.get(hold.account_id, 0) == 0:
            transition(
                hold,
                to=HoldStatus.VOIDED,
                reason=f"reversed by #{reversal.pk}",
                **{"ended_at": reversal.created_at},
            )
    return reversal
