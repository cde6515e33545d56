"""System checks, the thin tasks, payment events for the layer above, and reconciliation (sandbox)."""

import pytest

from kernel import outbox
from kernel.money import Money
from payouts.checks import check_payouts_settings
from payouts.models import ReconciliationReport, SandboxRecord, Transfer
from payouts.services import escrow_refund, escrow_release, reconciliation_run
from payouts.state import TransferStatus
from payouts.tasks import escrow_release_task, reconcile, transfer_retry

pytestmark = pytest.mark.django_db
STRIPE = "payouts.gateways.stripe_gateway.StripeGateway"


def ids(errors):
    return sorted(e.id for e in errors)


def test_default_settings_pass_the_checks():
    assert check_payouts_settings() == []


@pytest.mark.parametrize(
    ("face_market", "secret", "webhook", "expected"),
    [
        ({"PAYMENT_GATEWAY": "payouts.gateways.nope.Missing"}, "", "", ["payouts.E001"]),
        ({"PAYMENT_GATEWAY": "kernel.money.Money"}, "", "", ["payouts.E001"]),
        ({"PAYMENT_GATEWAY": STRIPE}, "", "", ["payouts.E002", "payouts.E003", "payouts.W001"]),
        ({"PAYMENT_GATEWAY": STRIPE}, "sk_test_x", "", ["payouts.E003", "payouts.W001"]),
        ({"PAYMENT_GATEWAY": STRIPE}, "sk_test_x", "whsec_x", ["payouts.W001"]),
        ({"PLATFORM_COMMISSION_BPS": 10_001}, "", "", ["payouts.E004"]),
        ({"PLATFORM_COMMISSION_BPS": 12.5}, "", "", ["payouts.E004"]),
    ],
)
def test_checks_have_stable_ids(settings, face_market, secret, webhook, expected):
    settings.FACE_MARKET = {**settings.FACE_MARKET, **face_market}
    settings.STRIPE_SECRET_KEY = secret
    settings.STRIPE_WEBHOOK_SECRET = webhook
    settings.STRIPE_PUBLISHABLE_KEY = ""
    assert ids(check_payouts_settings()) == expected


def test_a_publishable_key_completes_the_stripe_configuration(settings):
    settings.FACE_MARKET = {**settings.FACE_MARKET, "PAYMENT_GATEWAY": STRIPE}
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_x"
    assert ids(check_payouts_settings()) == []


def test_release_task_is_idempotent_and_transfer_retry_pays_later(
    sandbox_hold, buyer, seller, active_payout_account, django_capture_on_commit_callbacks
):
    sandbox_hold(reference="LIC-T1", amount=2_000, payer=buyer, payee=seller)
    assert escrow_release_task.delay("LIC-T1", "release:LIC-T1").get() == "released"
    assert escrow_release_task.delay("LIC-T1", "release:LIC-T1").get() == "released"  # replay
    assert escrow_release_task.delay("LIC-T1", "other").get() == "HoldNotPending"
    assert escrow_release_task.delay("LIC-NONE", "k").get() == "UnknownReference"
    transfer = Transfer.objects.get(reference="LIC-T1")
    assert transfer.status == TransferStatus.PENDING
    active_payout_account(seller)
    assert transfer_retry.delay().get() == 1
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PAID
    assert transfer_retry.delay(transfer.pk).get() == 0  # nothing left to do


def test_payment_events_reach_the_registered_handlers(
    sandbox_hold, buyer, seller, django_capture_on_commit_callbacks
):
    received.clear()
    for event_type in ("payment.captured", "refund.succeeded", "hold.voided"):
        outbox.handler_register(event_type, record_event)
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_hold(reference="LIC-E1", amount=1_000, payer=buyer, payee=seller)
    with django_capture_on_commit_callbacks(execute=True):
        escrow_refund(reference="LIC-E1", reason="buyer asked", idempotency_key="rf-E1")
    types = [e["type"] for e in received]
    # the hold ends when the refund is recorded; the gateway's answer comes after, with no lock held
    assert types == ["payment.captured", "hold.voided", "refund.succeeded"]
    assert all(e["reference"] == "LIC-E1" for e in received)
    assert received[0]["amount"] == 1_000 and received[0]["currency"] == "CNY"


received: list[dict] = []


def record_event(event) -> None:
    received.append(event.payload)


def test_sandbox_reconciliation_is_clean_then_finds_tampering(
    sandbox_hold, buyer, seller, active_payout_account, django_capture_on_commit_callbacks
):
    active_payout_account(seller)
    sandbox_hold(reference="LIC-R1", amount=10_000, payer=buyer, payee=seller)
    sandbox_hold(reference="LIC-R2", amount=4_000, payer=buyer, payee=seller)
    escrow_refund(reference="LIC-R2", amount=Money(1_000, "CNY"), reason="partial", idempotency_key="rf-R2")
    with django_capture_on_commit_callbacks(execute=True):
        escrow_release(reference="LIC-R1", idempotency_key="release:LIC-R1")
    result = reconcile.delay().get()
    assert result["mismatches"] == 0 and not result["error"]
    report = ReconciliationReport.objects.get(pk=result["report"])
    assert report.ok and report.checked["payments"] == 2 and report.checked["transfers"] == 1

    # the gateway's books disagree: a refund we do not know, a transfer of another amount
    transfer = SandboxRecord.objects.get(kind="transfer")
    transfer.amount += 1
    transfer.save()
    SandboxRecord.objects.create(
        kind="refund",
        gateway_id="sbx_re_ghost",
        amount=50,
        currency="CNY",
        status="succeeded",
        data={"payment_id": "sbx_pay_x"},
    )
    report = reconciliation_run(window_days=0)
    assert sorted(m["kind"] for m in report.mismatches) == ["refund_unknown", "transfer_amount"]
    assert not report.ok
