"""PostgreSQL: the database's own ledger guards, and concurrent callers on real row locks.

Each thread has its own database connection (Django's are per thread); a barrier starts them together.
"""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from kernel.money import Money
from kernel.transitions import history
from payouts.exceptions import HoldNotPending, InsufficientFunds
from payouts.models import EscrowHold, LedgerAccount, LedgerTransaction, Refund
from payouts.selectors import account_balance, unbalanced_transaction_ids
from payouts.services import (
    Leg,
    escrow_refund,
    escrow_release,
    ledger_account,
    ledger_post,
    payment_session_create,
    sandbox_payment_complete,
)
from payouts.state import HoldStatus

from .conftest import assert_ledger_healthy

Kind = LedgerAccount.Kind
pytestmark = pytest.mark.postgres


def run_concurrently(n: int, fn) -> list[tuple[str, object]]:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", fn(i))
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def _insert_raw(cursor, key: str, legs: list[tuple[int, int]]) -> None:
    cursor.execute(
        "INSERT INTO fm_payouts_ledgertransaction"
        " (kind, idempotency_key, fingerprint, reference, description, created_at)"
        " VALUES ('adjustment', %s, '', '', 'raw', now()) RETURNING id",
        [key],
    )
    tx_id = cursor.fetchone()[0]
    for account_id, amount in legs:  # one row at a time: the check is deferred to COMMIT
        cursor.execute(
            "INSERT INTO fm_payouts_ledgerleg (transaction_id, account_id, amount, currency)"
            " VALUES (%s, %s, %s, 'CNY')",
            [tx_id, account_id, amount],
        )


@pytest.mark.django_db(transaction=True)
def test_database_refuses_to_commit_an_unbalanced_transaction():
    a = ledger_account(kind=Kind.GATEWAY_CLEARING, currency="CNY", gateway="sandbox")
    b = ledger_account(kind=Kind.PLATFORM_REVENUE, currency="CNY")
    with transaction.atomic(), connection.cursor() as cursor:  # balanced, leg by leg: commits
        _insert_raw(cursor, "raw-balanced", [(a.pk, -100), (b.pk, 60), (b.pk, 40)])
    assert LedgerTransaction.objects.filter(idempotency_key="raw-balanced").exists()

    # the unbalanced one is refused when it commits, not before: the trigger is deferred
    with (
        pytest.raises(IntegrityError, match="unbalanced"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        _insert_raw(cursor, "raw-unbalanced", [(a.pk, -100), (b.pk, 99)])
    assert not LedgerTransaction.objects.filter(idempotency_key="raw-unbalanced").exists()
    assert unbalanced_transaction_ids() == []


@pytest.mark.django_db
def test_ledger_rows_are_append_only_in_the_database():
    a = ledger_account(kind=Kind.GATEWAY_CLEARING, currency="CNY", gateway="sandbox")
    b = ledger_account(kind=Kind.PLATFORM_REVENUE, currency="CNY")
    tx = ledger_post(legs=[Leg(a, Money(-5, "CNY")), Leg(b, Money(5, "CNY"))], idempotency_key="k")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        tx.legs.update(amount=6)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerTransaction.objects.filter(pk=tx.pk).update(description="edited")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        tx.legs.all()._raw_delete(tx.legs.db)


def _paid_hold(reference: str, buyer, seller, amount: int = 10_000) -> EscrowHold:
    session = payment_session_create(
        reference=reference,
        amount=Money(amount, "CNY"),
        payer=buyer,
        payee=seller,
        idempotency_key=f"checkout:{reference}",
    )
    sandbox_payment_complete(
        gateway_payment_id=session.payment.gateway_payment_id, user=buyer, succeeded=True
    )
    return EscrowHold.objects.get(reference=reference)


@pytest.mark.django_db(transaction=True)
def test_many_concurrent_releases_release_exactly_once(buyer, seller):
    hold = _paid_hold("LIC-PG-1", buyer, seller)
    results = run_concurrently(
        8, lambda i: escrow_release(reference="LIC-PG-1", idempotency_key=f"release-{i}")
    )
    oks = [r for kind, r in results if kind == "ok"]
    errors = [r for kind, r in results if kind == "error"]
    assert len(oks) == 1, results
    assert all(isinstance(e, HoldNotPending) for e in errors), errors
    assert LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.RELEASE).count() == 1
    assert history(hold).count() == 1
    assert account_balance(hold.account).amount == 0
    assert_ledger_healthy()


@pytest.mark.django_db(transaction=True)
def test_concurrent_releases_and_refunds_on_one_hold(buyer, seller):
    hold = _paid_hold("LIC-PG-2", buyer, seller, amount=10_000)

    def act(i: int):
        if i % 3 == 0:
            return escrow_release(reference="LIC-PG-2", idempotency_key=f"release-{i}")
        return escrow_refund(
            reference="LIC-PG-2", amount=Money(1_500, "CNY"), reason="partial", idempotency_key=f"refund-{i}"
        )

    results = run_concurrently(9, act)
    errors = [r for kind, r in results if kind == "error"]
    assert all(isinstance(e, HoldNotPending | InsufficientFunds) for e in errors), errors
    hold.refresh_from_db()
    assert hold.status in (HoldStatus.RELEASED, HoldStatus.VOIDED)
    assert history(hold).count() == 1
    refunded = sum(Refund.objects.filter(hold=hold).values_list("amount", flat=True))
    released = -sum(
        leg.amount
        for tx in LedgerTransaction.objects.filter(reference="LIC-PG-2", kind="release")
        for leg in tx.legs.filter(account=hold.account)
    )
    assert refunded + released == 10_000  # every fen accounted for, none twice
    assert account_balance(hold.account).amount == 0
    assert_ledger_healthy()


@pytest.mark.django_db(transaction=True)
def test_concurrent_postings_with_one_key_make_one_transaction():
    clearing = ledger_account(kind=Kind.GATEWAY_CLEARING, currency="CNY", gateway="sandbox")
    escrow = ledger_account(kind=Kind.ESCROW, currency="CNY", reference="LIC-PG-3")

    def post(i: int):
        return ledger_post(
            legs=[Leg(clearing, Money(-2_500, "CNY")), Leg(escrow, Money(2_500, "CNY"))],
            idempotency_key="one-key",
            kind=LedgerTransaction.Kind.CAPTURE,
            reference="LIC-PG-3",
        ).pk

    results = run_concurrently(8, post)
    assert all(kind == "ok" for kind, _ in results), results
    assert len({pk for _, pk in results}) == 1
    assert LedgerTransaction.objects.count() == 1
    assert account_balance(escrow).amount == 2_500


@pytest.mark.django_db(transaction=True)
def test_concurrent_spending_of_one_account_never_overdraws(seller):
    """Locked debits: 10 concurrent moves of 300 out of 1000 in escrow, exactly 3 succeed."""
    clearing = ledger_account(kind=Kind.GATEWAY_CLEARING, currency="CNY", gateway="sandbox")
    escrow = ledger_account(kind=Kind.ESCROW, currency="CNY", reference="LIC-PG-4")
    payable = ledger_account(kind=Kind.SELLER_PAYABLE, currency="CNY", owner=seller)
    ledger_post(
        legs=[Leg(clearing, Money(-1_000, "CNY")), Leg(escrow, Money(1_000, "CNY"))], idempotency_key="fund"
    )

    results = run_concurrently(
        10,
        lambda i: ledger_post(
            legs=[Leg(escrow, Money(-300, "CNY")), Leg(payable, Money(300, "CNY"))],
            idempotency_key=f"spend-{i}",
        ),
    )
    assert sum(kind == "ok" for kind, _ in results) == 3
    assert all(isinstance(r, InsufficientFunds) for kind, r in results if kind == "error")
    assert account_balance(escrow).amount == 100
    assert_ledger_healthy()


@pytest.mark.django_db(transaction=True)
def test_two_payments_racing_for_one_reference_make_one_hold(buyer, seller):
    sessions = [
        payment_session_create(
            reference="LIC-PG-5",
            amount=Money(800, "CNY"),
            payer=buyer,
            payee=seller,
            idempotency_key=f"checkout-{i}",
        )
        for i in range(4)
    ]
    results = run_concurrently(
        4,
        lambda i: sandbox_payment_complete(
            gateway_payment_id=sessions[i].payment.gateway_payment_id, user=buyer, succeeded=True
        ),
    )
    assert all(kind == "ok" for kind, _ in results), results
    assert EscrowHold.objects.filter(reference="LIC-PG-5").count() == 1
    assert Refund.objects.filter(source=Refund.Source.UNALLOCATED).count() == 3
    assert (
        account_balance(ledger_account(kind=Kind.GATEWAY_CLEARING, currency="CNY", gateway="sandbox")).amount
        == -800
    )
    assert_ledger_healthy()


@pytest.mark.django_db(transaction=True)
def test_a_release_task_delivered_many_times_at_once_releases_once(buyer, seller):
    hold = _paid_hold("LIC-PG-6", buyer, seller)
    results = run_concurrently(
        6, lambda i: escrow_release(reference="LIC-PG-6", idempotency_key="release:LIC-PG-6")
    )
    assert all(kind == "ok" and r.pk == hold.pk for kind, r in results), results
    assert LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.RELEASE).count() == 1
    assert_ledger_healthy()
