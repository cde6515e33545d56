"""The double-entry ledger: balanced postings, idempotency, reversals, overdraft refusal, to the fen."""

import pytest

from kernel.money import Money
from payouts.exceptions import IdempotencyConflict, InsufficientFunds, NotReversible, UnbalancedTransaction
from payouts.models import LedgerAccount, LedgerLeg, LedgerTransaction
from payouts.selectors import account_balance, balances_by_account
from payouts.services import Leg, ledger_account, ledger_post, ledger_reverse

from .conftest import assert_ledger_healthy

pytestmark = pytest.mark.django_db
Kind = LedgerAccount.Kind


@pytest.fixture
def accounts(seller):
    return {
        "clearing": ledger_account(kind=Kind.GATEWAY_CLEARING, currency="CNY", gateway="sandbox"),
        "escrow": ledger_account(kind=Kind.ESCROW, currency="CNY", reference="LIC-1"),
        "revenue": ledger_account(kind=Kind.PLATFORM_REVENUE, currency="CNY"),
        "payable": ledger_account(kind=Kind.SELLER_PAYABLE, currency="CNY", owner=seller),
    }


def fen(n: int) -> Money:
    return Money(n, "CNY")


def capture(accounts, amount: int, key: str = "cap-1"):
    return ledger_post(
        legs=[Leg(accounts["clearing"], fen(-amount)), Leg(accounts["escrow"], fen(amount))],
        idempotency_key=key,
        kind=LedgerTransaction.Kind.CAPTURE,
        reference="LIC-1",
    )


def test_accounts_are_created_once_per_code(accounts, seller):
    again = ledger_account(kind=Kind.SELLER_PAYABLE, currency="CNY", owner=seller)
    assert again.pk == accounts["payable"].pk
    assert again.code == f"seller_payable:{seller.pk}:CNY"
    assert ledger_account(kind=Kind.PLATFORM_REVENUE, currency="USD").pk != accounts["revenue"].pk


def test_a_posting_moves_money_and_balances_are_the_sum_of_legs(accounts):
    capture(accounts, 10_000)
    assert account_balance(accounts["escrow"]) == fen(10_000)
    assert account_balance(accounts["clearing"]) == fen(-10_000)  # the gateway holds it for us
    assert LedgerLeg.objects.count() == 2
    assert_ledger_healthy()


def test_release_splits_to_the_fen(accounts):
    capture(accounts, 10_001)
    ledger_post(
        legs=[
            Leg(accounts["escrow"], fen(-10_001)),
            Leg(accounts["revenue"], fen(1_500)),
            Leg(accounts["payable"], fen(8_501)),
        ],
        idempotency_key="rel-1",
        kind=LedgerTransaction.Kind.RELEASE,
        reference="LIC-1",
    )
    balances = balances_by_account(a.pk for a in accounts.values())
    assert balances[accounts["escrow"].pk] == 0
    assert balances[accounts["revenue"].pk] + balances[accounts["payable"].pk] == 10_001
    assert_ledger_healthy()


@pytest.mark.parametrize(
    "amounts",
    [[100, -99], [1], [100, -50, -49], [0, 0]],
    ids=["off-by-one-fen", "one-leg", "three-legs-short", "zeros"],
)
def test_unbalanced_or_empty_postings_are_refused(accounts, amounts):
    legs = [Leg(accounts["clearing"] if i % 2 else accounts["escrow"], fen(a)) for i, a in enumerate(amounts)]
    with pytest.raises(UnbalancedTransaction):
        ledger_post(legs=legs, idempotency_key="bad")
    assert not LedgerTransaction.objects.exists()


def test_currencies_must_match_their_accounts_and_balance_separately(accounts):
    usd = ledger_account(kind=Kind.GATEWAY_CLEARING, currency="USD", gateway="sandbox")
    with pytest.raises(UnbalancedTransaction):
        ledger_post(
            legs=[Leg(accounts["clearing"], Money(-100, "USD")), Leg(usd, Money(100, "USD"))],
            idempotency_key="x",
        )
    with pytest.raises(UnbalancedTransaction):  # 100 CNY out, 100 USD in: not zero per currency
        ledger_post(
            legs=[Leg(accounts["clearing"], fen(-100)), Leg(usd, Money(100, "USD"))], idempotency_key="y"
        )


def test_floats_never_reach_the_ledger(accounts):
    with pytest.raises(TypeError):
        Leg(accounts["escrow"], Money(1.5, "CNY"))  # Money refuses floats


def test_replay_with_the_same_key_returns_the_same_transaction(accounts):
    first = capture(accounts, 500)
    again = capture(accounts, 500)
    assert again.pk == first.pk
    assert LedgerTransaction.objects.count() == 1
    assert account_balance(accounts["escrow"]) == fen(500)


def test_same_key_with_other_content_is_a_conflict(accounts):
    capture(accounts, 500)
    with pytest.raises(IdempotencyConflict):
        capture(accounts, 501)
    assert account_balance(accounts["escrow"]) == fen(500)


def test_internal_accounts_cannot_be_overdrawn(accounts):
    capture(accounts, 1_000)
    with pytest.raises(InsufficientFunds):
        ledger_post(
            legs=[Leg(accounts["escrow"], fen(-1_001)), Leg(accounts["payable"], fen(1_001))],
            idempotency_key="too-much",
        )
    # exactly what is there is fine, to the fen
    ledger_post(
        legs=[Leg(accounts["escrow"], fen(-1_000)), Leg(accounts["payable"], fen(1_000))],
        idempotency_key="all",
    )
    assert account_balance(accounts["escrow"]) == fen(0)


def test_reversal_posts_the_opposite_and_keeps_the_original(accounts):
    original = ledger_post(
        legs=[Leg(accounts["clearing"], fen(-250)), Leg(accounts["revenue"], fen(250))],
        idempotency_key="adj-1",
    )
    reversal = ledger_reverse(transaction_id=original.pk, idempotency_key="rev-1")
    assert reversal.reverses_id == original.pk
    assert reversal.kind == LedgerTransaction.Kind.REVERSAL
    assert sorted(reversal.legs.values_list("amount", flat=True)) == [-250, 250]
    assert account_balance(accounts["revenue"]) == fen(0)
    assert LedgerTransaction.objects.count() == 2  # append-only: nothing was deleted
    # replayed with its key: the same reversal; a second reversal or reversing a reversal: refused
    assert ledger_reverse(transaction_id=original.pk, idempotency_key="rev-1").pk == reversal.pk
    with pytest.raises(NotReversible):
        ledger_reverse(transaction_id=original.pk, idempotency_key="rev-2")
    with pytest.raises(NotReversible):
        ledger_reverse(transaction_id=reversal.pk, idempotency_key="rev-3")
    assert_ledger_healthy()


def test_reversal_that_would_overdraw_is_refused(accounts):
    posted = capture(accounts, 300)
    ledger_post(
        legs=[Leg(accounts["escrow"], fen(-300)), Leg(accounts["payable"], fen(300))], idempotency_key="out"
    )
    with pytest.raises(InsufficientFunds):
        ledger_reverse(transaction_id=posted.pk, idempotency_key="rev")
