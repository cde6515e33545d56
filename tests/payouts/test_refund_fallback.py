"""Refunds that outlive the payment method's refund window (Alipay ~90 days, WeChat Pay ~180) or that
the provider refuses still reach the buyer: the refusal is recorded and the amount becomes the buyer's
platform credit through the ledger, to the fen, never silently dropped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kernel.money import Money
from payouts.gateways.base import GatewayError
from payouts.gateways.sandbox import SandboxGateway
from payouts.models import GatewayPayment, LedgerTransaction, Refund
from payouts.selectors import (
    buyer_credit_balance,
    hold_status,
    ledger_totals_by_currency,
    unbalanced_transaction_ids,
)
from payouts.services import escrow_refund
from payouts.services.refund_execution import refund_execute, refunds_retry
from payouts.state import RefundFallback, RefundFallbackReason, RefundStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gateway_calls(monkeypatch):
    """Counts calls to the sandbox gateway's refund (the edge of the outside world)."""
    calls: list[str] = []
    real = SandboxGateway.refund_create

    def counted(self, **kwargs):
        calls.append(kwargs["reference"])
        return real(self, **kwargs)

    monkeypatch.setattr(SandboxGateway, "refund_create", counted)
    return calls


def _paid(sandbox_hold, *, reference, method, days_ago, payer, payee, amount=10_000):
    hold = sandbox_hold(reference=reference, amount=amount, payer=payer, payee=payee)
    GatewayPayment.objects.filter(pk=hold.payment_id).update(
        method=method, created_at=timezone.now() - timedelta(days=days_ago)
    )
    return hold


def _balanced() -> None:
    assert unbalanced_transaction_ids() == []
    assert all(total == 0 for total in ledger_totals_by_currency().values())


@pytest.mark.parametrize(
    ("method", "days_ago", "sent"),
    [("alipay", 89, True), ("alipay", 91, False), ("wechat_pay", 179, True), ("wechat_pay", 181, False)],
)
def test_the_method_window_decides_whether_the_gateway_is_asked(
    sandbox_hold, buyer, seller, gateway_calls, method, days_ago, sent
):
    _paid(sandbox_hold, reference="WIN-1", method=method, days_ago=days_ago, payer=buyer, payee=seller)
    refund = escrow_refund(reference="WIN-1", amount=Money(3_333, "CNY"), reason="r", idempotency_key="win-1")
    refund = Refund.objects.get(pk=refund.pk)
    assert (gateway_calls == ["WIN-1"]) is sent
    if sent:
        assert refund.status == RefundStatus.SUCCEEDED and refund.fallback == ""
        assert buyer_credit_balance(user=buyer, currency="CNY") == Money.zero("CNY")
    else:
        assert refund.status == RefundStatus.FAILED
        assert (refund.fallback, refund.fallback_reason) == (
            RefundFallback.CREDIT,
            RefundFallbackReason.WINDOW_PASSED,
        )
        assert buyer_credit_balance(user=buyer, currency="CNY") == Money(3_333, "CNY")
        assert hold_status(reference="WIN-1").credited == Money(3_333, "CNY")
    _balanced()


def test_a_refusal_is_recorded_and_credited_once_even_when_sent_again(
    sandbox_hold, buyer, seller, monkeypatch
):
    _paid(sandbox_hold, reference="REF-1", method="card", days_ago=3, payer=buyer, payee=seller)

    def refuse(self, **kwargs):
        raise GatewayError("charge_expired_for_refund")

    monkeypatch.setattr(SandboxGateway, "refund_create", refuse)
    refund = escrow_refund(reference="REF-1", amount=Money(2_501, "CNY"), reason="r", idempotency_key="ref-1")
    refund_execute(refund_id=refund.pk)  # a second send changes nothing
    assert refunds_retry(older_than=timedelta(0)) == 0
    refund = Refund.objects.get(pk=refund.pk)
    assert refund.status == RefundStatus.FAILED
    assert refund.fallback_reason == RefundFallbackReason.GATEWAY_REFUSED
    assert refund.failure_message == "charge_expired_for_refund"
    assert buyer_credit_balance(user=buyer, currency="CNY") == Money(2_501, "CNY")
    assert LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.REFUND_CREDITED).count() == 1
    assert buyer_credit_balance(user=seller, currency="CNY") == Money.zero("CNY")
    _balanced()


def test_a_payment_with_no_payer_waits_for_staff_in_buyer_funds(sandbox_hold, buyer, seller):
    hold = _paid(sandbox_hold, reference="STF-1", method="alipay", days_ago=120, payer=buyer, payee=seller)
    GatewayPayment.objects.filter(pk=hold.payment_id).update(payer=None)
    refund = escrow_refund(reference="STF-1", reason="r", idempotency_key="stf-1")
    refund = Refund.objects.get(pk=refund.pk)
    assert (refund.status, refund.fallback) == (RefundStatus.FAILED, RefundFallback.STAFF)
    assert not LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.REFUND_CREDITED).exists()
    _balanced()


def test_the_buyer_sees_the_credit_on_the_licence_receipt(sandbox_hold, buyer, seller, client):
    _paid(sandbox_hold, reference="PAGE-1", method="alipay", days_ago=100, payer=buyer, payee=seller)
    escrow_refund(reference="PAGE-1", amount=Money(1_250, "CNY"), reason="r", idempotency_key="page-1")
    view = hold_status(reference="PAGE-1")
    assert view.credited == Money(1_250, "CNY") and view.refunded == Money.zero("CNY")
