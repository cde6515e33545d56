"""Escrow through the sandbox gateway: capture, release with commission, refunds, transfers, freezes."""

import pytest

from kernel.money import Money
from kernel.transitions import history
from payouts.exceptions import (
    HoldNotPending,
    IdempotencyConflict,
    InsufficientFunds,
    PayoutsFrozen,
    ReferenceAlreadyPaid,
)
from payouts.models import (
    EscrowHold,
    GatewayPayment,
    LedgerAccount,
    LedgerTransaction,
    Refund,
    SandboxRecord,
    Transfer,
)
from payouts.selectors import account_balance, hold_status, seller_earnings
from payouts.services import (
    commission_split,
    escrow_refund,
    escrow_release,
    ledger_account,
    ledger_reverse,
    payment_session_create,
    payouts_freeze,
    payouts_unfreeze,
    sandbox_payment_complete,
    transfer_execute,
    transfer_reverse,
    transfers_retry,
)
from payouts.state import HoldStatus, PaymentStatus, RefundStatus, TransferStatus
from payouts.tasks import escrow_release_task

from .conftest import assert_ledger_healthy
from .refund_helpers import refund_now

pytestmark = pytest.mark.django_db
Kind = LedgerAccount.Kind


def fen(n: int, currency: str = "CNY") -> Money:
    return Money(n, currency)


def balance(kind, **kw) -> int:
    return account_balance(ledger_account(kind=kind, currency=kw.pop("currency", "CNY"), **kw)).amount


@pytest.mark.parametrize(
    ("amount", "bps", "commission", "seller"),
    [
        (10_000, 1500, 1_500, 8_500),  # 100 CNY at 15 %
        (10_001, 1500, 1_500, 8_501),  # 1500.15 -> 1500
        (12_345, 1500, 1_852, 10_493),  # 1851.75 -> 1852
        (10, 1500, 2, 8),  # 1.5 -> 2 (half-even: to the even neighbour)
        (30, 1500, 4, 26),  # 4.5 -> 4 (half-even)
        (1, 1500, 0, 1),  # 0.15 -> 0
        (9_999, 0, 0, 9_999),
        (9_999, 10_000, 9_999, 0),
        (333, 3333, 111, 222),  # 110.9889 -> 111
    ],
)
def test_commission_split_to_the_fen(amount, bps, commission, seller):
    platform, rest = commission_split(fen(amount), bps)
    assert (platform.amount, rest.amount) == (commission, seller)
    assert platform + rest == fen(amount)


@pytest.mark.parametrize("bps", [-1, 10_001, 15.0, True])
def test_commission_out_of_range_is_refused(bps):
    with pytest.raises(ValueError):
        commission_split(fen(100), bps)


def test_paying_on_the_sandbox_page_creates_a_pending_hold(sandbox_hold, buyer, seller):
    hold = sandbox_hold(reference="LIC-1", amount=10_000, payer=buyer, payee=seller)
    assert hold.status == HoldStatus.PENDING
    assert hold.payee == seller
    assert balance(Kind.ESCROW, reference="LIC-1") == 10_000
    assert balance(Kind.GATEWAY_CLEARING, gateway="sandbox") == -10_000
    assert hold.payment.status == PaymentStatus.SUCCEEDED and hold.payment.charge_id
    assert seller_earnings(seller=seller)[0].held == fen(10_000)
    assert_ledger_healthy()


def test_release_splits_commission_and_pays_the_seller_when_onboarded(
    sandbox_hold, buyer, seller, active_payout_account, django_capture_on_commit_callbacks
):
    sandbox_hold(reference="LIC-2", amount=12_345, payer=buyer, payee=seller)
    active_payout_account(seller)
    with django_capture_on_commit_callbacks(execute=True):
        hold = escrow_release(reference="LIC-2", idempotency_key="release:LIC-2")
    assert hold.status == HoldStatus.RELEASED
    assert balance(Kind.ESCROW, reference="LIC-2") == 0
    assert balance(Kind.PLATFORM_REVENUE) == 1_852
    transfer = Transfer.objects.get(reference="LIC-2")
    assert transfer.status == TransferStatus.PAID and transfer.amount == 10_493
    assert (
        SandboxRecord.objects.get(gateway_id=transfer.gateway_transfer_id).data["transfer_group"] == "LIC-2"
    )
    assert balance(Kind.SELLER_PAYABLE, owner=seller) == 0  # paid out
    [earnings] = seller_earnings(seller=seller)
    assert (earnings.held, earnings.releasable, earnings.paid_out) == (fen(0), fen(0), fen(10_493))
    assert_ledger_healthy()


def test_release_is_exactly_once(sandbox_hold, buyer, seller):
    sandbox_hold(reference="LIC-3", payer=buyer, payee=seller)
    first = escrow_release(reference="LIC-3", idempotency_key="release:LIC-3")
    again = escrow_release(reference="LIC-3", idempotency_key="release:LIC-3")  # a replay: same result
    assert again.pk == first.pk
    with pytest.raises(HoldNotPending):
        escrow_release(reference="LIC-3", idempotency_key="another-key")
    with pytest.raises(HoldNotPending):
        escrow_refund(reference="LIC-3", amount=fen(100), reason="too late", idempotency_key="r")
    assert LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.RELEASE).count() == 1
    ends = history(first)
    assert list(ends.values_list("to_status", flat=True)) == [HoldStatus.RELEASED]


def test_without_a_payout_account_the_money_stays_payable_then_goes(
    sandbox_hold, buyer, seller, active_payout_account, django_capture_on_commit_callbacks
):
    sandbox_hold(reference="LIC-4", amount=10_000, payer=buyer, payee=seller)
    with django_capture_on_commit_callbacks(execute=True):
        escrow_release(reference="LIC-4", idempotency_key="release:LIC-4")
    transfer = Transfer.objects.get(reference="LIC-4")
    assert transfer.status == TransferStatus.PENDING and "payout account" in transfer.note
    assert seller_earnings(seller=seller)[0].releasable == fen(8_500)
    with django_capture_on_commit_callbacks(execute=True):  # onboarding finished: what waited goes out
        active_payout_account(seller)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PAID
    assert seller_earnings(seller=seller)[0].paid_out == fen(8_500)
    assert_ledger_healthy()


def test_partial_refunds_reduce_what_is_released(sandbox_hold, buyer, seller):
    sandbox_hold(reference="LIC-5", amount=10_000, payer=buyer, payee=seller)
    refund = refund_now(reference="LIC-5", amount=fen(3_000), reason="scope reduced", idempotency_key="rf-1")
    assert refund.status == RefundStatus.SUCCEEDED
    assert (
        refund_now(reference="LIC-5", amount=fen(3_000), reason="x", idempotency_key="rf-1").pk == refund.pk
    )
    with pytest.raises(IdempotencyConflict):
        refund_now(reference="LIC-5", amount=fen(2_000), reason="x", idempotency_key="rf-1")
    with pytest.raises(InsufficientFunds):
        refund_now(reference="LIC-5", amount=fen(7_001), reason="too much", idempotency_key="rf-2")
    view = hold_status(reference="LIC-5")
    assert (view.status, view.refunded, view.releasable) == (HoldStatus.PENDING, fen(3_000), fen(7_000))
    escrow_release(reference="LIC-5", idempotency_key="release:LIC-5")
    assert balance(Kind.PLATFORM_REVENUE) == 1_050 and balance(Kind.SELLER_PAYABLE, owner=seller) == 5_950
    assert balance(Kind.REFUNDS) == 0  # the refund settled: it left through the gateway
    assert balance(Kind.GATEWAY_CLEARING, gateway="sandbox") == -7_000
    assert_ledger_healthy()


def test_full_refund_voids_the_hold_once(sandbox_hold, buyer, seller):
    hold = sandbox_hold(reference="LIC-6", amount=10_000, payer=buyer, payee=seller)
    refund_now(reference="LIC-6", amount=fen(4_000), reason="part", idempotency_key="a")
    refund_now(reference="LIC-6", reason="the rest", idempotency_key="b")  # None: all that remains
    hold.refresh_from_db()
    assert hold.status == HoldStatus.VOIDED and hold.ended_at
    with pytest.raises(HoldNotPending):
        escrow_release(reference="LIC-6", idempotency_key="release:LIC-6")
    with pytest.raises(HoldNotPending):
        refund_now(reference="LIC-6", reason="again", idempotency_key="c")
    assert Refund.objects.filter(reference="LIC-6").count() == 2
    assert balance(Kind.GATEWAY_CLEARING, gateway="sandbox") == 0  # all money went back
    assert_ledger_healthy()


def test_declined_then_paid_on_the_sandbox_page(buyer, seller):
    session = payment_session_create(
        reference="LIC-7", amount=fen(500), payer=buyer, payee=seller, idempotency_key="checkout:LIC-7"
    )
    again = payment_session_create(
        reference="LIC-7", amount=fen(500), payer=buyer, payee=seller, idempotency_key="checkout:LIC-7"
    )
    assert again.payment.pk == session.payment.pk  # double submit: one payment
    payment = sandbox_payment_complete(
        gateway_payment_id=session.payment.gateway_payment_id, user=buyer, succeeded=False
    )
    assert payment.status == PaymentStatus.FAILED and not EscrowHold.objects.exists()
    payment = sandbox_payment_complete(
        gateway_payment_id=session.payment.gateway_payment_id, user=buyer, succeeded=True
    )
    assert payment.status == PaymentStatus.SUCCEEDED and EscrowHold.objects.get(reference="LIC-7")
    assert not LedgerTransaction.objects.exclude(kind=LedgerTransaction.Kind.CAPTURE).exists()
    with pytest.raises(ReferenceAlreadyPaid):
        payment_session_create(
            reference="LIC-7", amount=fen(500), payer=buyer, payee=seller, idempotency_key="new"
        )


def test_a_second_payment_for_a_held_reference_is_refunded(buyer, seller, sandbox_hold):
    first = payment_session_create(
        reference="LIC-8", amount=fen(900), payer=buyer, payee=seller, idempotency_key="k1"
    )
    second = payment_session_create(
        reference="LIC-8", amount=fen(900), payer=buyer, payee=seller, idempotency_key="k2"
    )
    sandbox_payment_complete(gateway_payment_id=first.payment.gateway_payment_id, user=buyer, succeeded=True)
    sandbox_payment_complete(gateway_payment_id=second.payment.gateway_payment_id, user=buyer, succeeded=True)
    hold = EscrowHold.objects.get(reference="LIC-8")
    assert hold.payment_id == first.payment.pk and hold.amount == 900
    refund = Refund.objects.get(payment=second.payment)
    assert (refund.source, refund.status, refund.hold) == (
        Refund.Source.UNALLOCATED,
        RefundStatus.SUCCEEDED,
        None,
    )
    assert balance(Kind.BUYER_FUNDS) == 0 and balance(Kind.ESCROW, reference="LIC-8") == 900
    assert balance(Kind.GATEWAY_CLEARING, gateway="sandbox") == -900
    assert_ledger_healthy()


def test_only_the_payer_can_complete_a_sandbox_payment(buyer, seller, make_user):
    from django.core.exceptions import PermissionDenied

    session = payment_session_create(
        reference="LIC-9", amount=fen(100), payer=buyer, payee=seller, idempotency_key="k"
    )
    with pytest.raises(PermissionDenied):
        sandbox_payment_complete(
            gateway_payment_id=session.payment.gateway_payment_id, user=seller, succeeded=True
        )
    assert GatewayPayment.objects.get().status == PaymentStatus.REQUIRES_PAYMENT


def test_freeze_blocks_release_and_queued_transfers(
    sandbox_hold, buyer, seller, active_payout_account, django_capture_on_commit_callbacks, moderator
):
    active_payout_account(seller)
    sandbox_hold(reference="LIC-10", payer=buyer, payee=seller)
    sandbox_hold(reference="LIC-11", payer=buyer, payee=seller)
    payouts_freeze(reference="LIC-10", reason="stolen face reported", actor=moderator)
    with pytest.raises(PayoutsFrozen):
        escrow_release(reference="LIC-10", idempotency_key="release:LIC-10")
    assert escrow_release_task.delay("LIC-10", "release:LIC-10").get() == "PayoutsFrozen"
    assert EscrowHold.objects.get(reference="LIC-10").status == HoldStatus.PENDING
    escrow_refund(reference="LIC-10", reason="refunds still work while frozen", idempotency_key="rf")

    # released before the freeze, transfer queued, then frozen: the queued transfer does not go out
    escrow_release(reference="LIC-11", idempotency_key="release:LIC-11")
    transfer = Transfer.objects.get(reference="LIC-11")
    payouts_freeze(seller=seller, reason="investigating the seller", actor=moderator)
    assert transfer_execute(transfer_id=transfer.pk).status == TransferStatus.PENDING
    assert transfers_retry() == 0
    transfer.refresh_from_db()
    assert (
        transfer.note == "Frozen by a moderator"
        and not SandboxRecord.objects.filter(kind="transfer").exists()
    )
    assert seller_earnings(seller=seller)[0].frozen

    with django_capture_on_commit_callbacks(execute=True):
        assert payouts_unfreeze(seller=seller, actor=moderator) == 1
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PAID
    assert_ledger_healthy()


def test_a_reversal_of_the_capture_voids_the_pending_hold(sandbox_hold, buyer, seller):
    hold = sandbox_hold(reference="LIC-12", amount=700, payer=buyer, payee=seller)
    capture = LedgerTransaction.objects.get(reference="LIC-12", kind=LedgerTransaction.Kind.CAPTURE)
    ledger_reverse(transaction_id=capture.pk, idempotency_key="correct-LIC-12")
    hold.refresh_from_db()
    assert hold.status == HoldStatus.VOIDED
    with pytest.raises(HoldNotPending):
        escrow_release(reference="LIC-12", idempotency_key="release:LIC-12")
    assert_ledger_healthy()


def test_transfer_reversal_makes_the_money_payable_again(
    sandbox_hold, buyer, seller, active_payout_account, django_capture_on_commit_callbacks
):
    active_payout_account(seller)
    sandbox_hold(reference="LIC-13", amount=10_000, payer=buyer, payee=seller)
    with django_capture_on_commit_callbacks(execute=True):
        escrow_release(reference="LIC-13", idempotency_key="release:LIC-13")
    transfer = transfer_reverse(reference="LIC-13", amount=fen(500), reason="dispute", idempotency_key="rv-1")
    assert transfer.amount_reversed == 500 and transfer.status == TransferStatus.PAID
    transfer = transfer_reverse(reference="LIC-13", reason="the rest", idempotency_key="rv-2")
    assert transfer.status == TransferStatus.REVERSED
    assert balance(Kind.SELLER_PAYABLE, owner=seller) == 8_500
    assert seller_earnings(seller=seller)[0].paid_out == fen(0)
    assert_ledger_healthy()
