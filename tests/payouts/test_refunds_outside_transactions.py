"""Money calls outside transactions: a refund is recorded and committed, the gateway is called with
no transaction or lock open, the answer applied in a transaction of its own; a crash in between is
sent again by the periodic retry, with the same idempotency key (one refund at the gateway)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction

from kernel.money import Money
from payouts.gateways.sandbox import SandboxGateway
from payouts.models import Refund, SandboxRecord
from payouts.selectors import hold_status, ledger_totals_by_currency, unbalanced_transaction_ids
from payouts.services import escrow_refund
from payouts.services.escrow import _escrow_refund_record
from payouts.services.refund_execution import refunds_retry
from payouts.state import HoldStatus, RefundStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gateway_calls(monkeypatch):
    """Watches the sandbox gateway (the edge of the outside world): was a transaction open?"""
    calls: list[bool] = []
    real = SandboxGateway.refund_create

    def watched(self, **kwargs):
        calls.append(connection.in_atomic_block)
        return real(self, **kwargs)

    monkeypatch.setattr(SandboxGateway, "refund_create", watched)
    return calls


def _balanced() -> None:
    assert unbalanced_transaction_ids() == []
    assert all(total == 0 for total in ledger_totals_by_currency().values())


def test_a_refund_calls_the_gateway_with_no_transaction_open(sandbox_hold, buyer, seller, gateway_calls):
    sandbox_hold(reference="OUT-1", amount=10_000, payer=buyer, payee=seller)
    refund = escrow_refund(reference="OUT-1", reason="asked", idempotency_key="out-1")
    assert gateway_calls == [False]
    assert refund.status == RefundStatus.SUCCEEDED and refund.gateway_refund_id
    assert hold_status(reference="OUT-1").status == HoldStatus.VOIDED
    _balanced()


def test_inside_a_callers_transaction_the_gateway_waits_for_its_commit(
    sandbox_hold, buyer, seller, gateway_calls
):
    sandbox_hold(reference="OUT-2", amount=10_000, payer=buyer, payee=seller)
    with transaction.atomic():
        escrow_refund(reference="OUT-2", amount=Money(4_000, "CNY"), reason="a", idempotency_key="out-2a")
        escrow_refund(reference="OUT-2", amount=Money(6_000, "CNY"), reason="b", idempotency_key="out-2b")
        assert gateway_calls == []  # nothing sent while the caller holds its locks
    assert gateway_calls == [False, False]
    assert set(Refund.objects.values_list("status", flat=True)) == {RefundStatus.SUCCEEDED}
    _balanced()


def test_a_refund_rolled_back_with_its_caller_never_reaches_the_gateway(
    sandbox_hold, buyer, seller, gateway_calls
):
    sandbox_hold(reference="OUT-3", amount=10_000, payer=buyer, payee=seller)
    with pytest.raises(RuntimeError), transaction.atomic():
        escrow_refund(reference="OUT-3", reason="x", idempotency_key="out-3")
        raise RuntimeError("the caller failed after asking for the refund")
    assert gateway_calls == [] and not Refund.objects.exists()
    assert hold_status(reference="OUT-3").status == HoldStatus.PENDING


def test_a_crash_between_recording_and_sending_is_sent_once_by_the_retry(
    sandbox_hold, buyer, seller, gateway_calls
):
    sandbox_hold(reference="OUT-4", amount=10_000, payer=buyer, payee=seller)
    # the process dies right after the intent commits: recorded, money out of the hold, nothing sent
    refund = _escrow_refund_record(reference="OUT-4", amount=None, reason="x", idempotency_key="out-4")
    assert refund.status == RefundStatus.PENDING and not refund.gateway_refund_id
    assert hold_status(reference="OUT-4").status == HoldStatus.VOIDED  # nobody can release it meanwhile
    assert refunds_retry(older_than=timedelta(0)) == 1
    assert refunds_retry(older_than=timedelta(0)) == 0
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    # a replay of the same request returns the same refund and sends nothing more
    assert escrow_refund(reference="OUT-4", reason="x", idempotency_key="out-4").pk == refund.pk
    assert SandboxRecord.objects.filter(kind="refund").count() == 1
    _balanced()
