"""The Stripe gateway with the real ``stripe`` SDK against localstripe on 127.0.0.1 (Connect added by
tests/payouts/localstripe_server.py), and the webhook endpoint fed with Stripe's own events, signed
with Stripe's scheme, delivered twice and out of order."""

from __future__ import annotations

import json
import re
import uuid
from urllib.request import Request, urlopen

import pytest
import requests
import stripe

from kernel.money import Money
from payouts.exceptions import HoldNotPending
from payouts.gateways import get_gateway
from payouts.gateways.base import GatewayError
from payouts.models import (
    EscrowHold,
    GatewayPayment,
    LedgerAccount,
    LedgerTransaction,
    PayoutAccount,
    Refund,
    Transfer,
    WebhookEvent,
)
from payouts.selectors import account_balance, hold_status
from payouts.services import (
    escrow_refund,
    escrow_release,
    ledger_account,
    payment_session_create,
    payout_account_onboard,
    reconciliation_run,
    transfer_reverse,
)
from payouts.state import HoldStatus, PaymentStatus, PayoutAccountStatus, RefundStatus, TransferStatus

from .conftest import STRIPE_KEY, WEBHOOK_SECRET, assert_ledger_healthy, deliver, stripe_signature
from .refund_helpers import refund_now

pytestmark = pytest.mark.django_db
CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000341"
#: what stripe-python puts on a POST that was given no key (random hex in the shape of a UUID)
SDK_RETRY_KEY = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def new_reference() -> str:
    # localstripe lives for the whole session and remembers idempotency keys: never reuse a reference
    return f"LIC-{uuid.uuid4().hex[:12]}"


def buyer_pays(client, payment_intent_id: str, card: str = CARD_OK):
    """What Stripe.js does in the buyer's browser."""
    method = client.v1.payment_methods.create(
        params={"type": "card", "card": {"number": card, "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
    )
    client.v1.payment_intents.update(payment_intent_id, params={"payment_method": method.id})
    return client.v1.payment_intents.confirm(payment_intent_id)


def stripe_event(client, event_type: str, object_id: str) -> bytes:
    """The raw body Stripe would POST for the event about ``object_id`` (its charge, for charge events)."""
    for event in client.v1.events.list(params={"limit": 100}).auto_paging_iter():
        body = event.to_dict()
        obj = body["data"]["object"]
        if body["type"] == event_type and object_id in {obj.get("id"), obj.get("payment_intent")}:
            return json.dumps(body).encode()
    raise AssertionError(f"no {event_type} event for {object_id}")


def synthetic_event(event_type: str, obj: dict) -> bytes:
    return json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex[:16]}",
            "object": "event",
            "type": event_type,
            "api_version": "2024-06-20",
            "created": 1_700_000_000,
            "data": {"object": obj},
        }
    ).encode()


def platform_writes_without_our_key(localstripe_url: str) -> list[dict]:
    """POSTs the gateway made with no idempotency key of its own (the SDK's automatic random keys do
    not count: they protect one request's retries, not an operation repeated after a crash)."""
    with urlopen(localstripe_url + "/_config/posts", timeout=5) as response:  # noqa: S310 - loopback
        posts = json.load(response)
    mine = [p for p in posts if p["api_key"] == STRIPE_KEY]
    assert mine, "the gateway made no writes"
    return [p for p in mine if not p["idempotency_key"] or SDK_RETRY_KEY.fullmatch(p["idempotency_key"])]


def checkout(buyer, seller, amount: int = 10_000):
    reference = new_reference()
    session = payment_session_create(
        reference=reference,
        amount=Money(amount, "CNY"),
        payer=buyer,
        payee=seller,
        idempotency_key=f"checkout:{reference}",
    )
    return reference, session


def test_payment_session_is_a_payment_intent_with_automatic_methods(
    stripe_settings, stripe_client, buyer, seller
):
    reference, session = checkout(buyer, seller)
    assert session.payment.gateway == "stripe" and session.client_secret and not session.checkout_url
    assert session.client_secret not in repr(session)  # for the buyer's browser, never for logs
    intent = stripe_client.v1.payment_intents.retrieve(session.payment.gateway_payment_id)
    assert intent.automatic_payment_methods["enabled"] in (True, "true")
    assert intent.transfer_group == reference and intent.metadata["reference"] == reference
    assert (intent.amount, intent.currency) == (10_000, "cny")
    again = payment_session_create(
        reference=reference,
        amount=Money(10_000, "CNY"),
        payer=buyer,
        payee=seller,
        idempotency_key=f"checkout:{reference}",
    )
    assert again.payment.pk == session.payment.pk  # the idempotency key made Stripe return the same intent


def test_paid_released_and_transferred_with_webhooks(
    client, stripe_settings, stripe_client, localstripe_url, buyer, seller, django_capture_on_commit_callbacks
):
    reference, session = checkout(buyer, seller)
    intent_id = session.payment.gateway_payment_id
    intent = buyer_pays(stripe_client, intent_id)
    assert intent.status == "succeeded"

    succeeded = stripe_event(stripe_client, "payment_intent.succeeded", intent_id)
    assert deliver(client, succeeded).status_code == 200
    assert deliver(client, succeeded).status_code == 200  # delivered twice: recorded once
    hold = EscrowHold.objects.get(reference=reference)
    assert hold.status == HoldStatus.PENDING and hold.payment.charge_id.startswith("ch_")
    assert WebhookEvent.objects.filter(type="payment_intent.succeeded").count() == 1
    assert LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.CAPTURE).count() == 1

    # the seller onboards through an account link; account.updated makes the account active
    link = payout_account_onboard(
        user=seller, refresh_url="http://testserver/r", return_url="http://testserver/ok"
    )
    assert link.account.status == PayoutAccountStatus.PENDING
    assert (
        requests.get(link.url, allow_redirects=False, timeout=5).headers["Location"] == "http://testserver/ok"
    )
    account_event = stripe_event(stripe_client, "account.updated", link.account.gateway_account_id)
    with django_capture_on_commit_callbacks(execute=True):
        escrow_release(reference=reference, idempotency_key=f"release:{reference}")
    assert Transfer.objects.get(reference=reference).status == TransferStatus.PENDING  # not onboarded yet
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, account_event).status_code == 200
    assert PayoutAccount.objects.get(user=seller).status == PayoutAccountStatus.ACTIVE

    transfer = Transfer.objects.get(reference=reference)
    assert transfer.status == TransferStatus.PAID
    at_stripe = stripe_client.v1.transfers.retrieve(transfer.gateway_transfer_id)
    assert (at_stripe.amount, at_stripe.currency, at_stripe.destination) == (
        8_500,
        "cny",
        link.account.gateway_account_id,
    )
    assert at_stripe.transfer_group == reference and at_stripe.source_transaction == hold.payment.charge_id

    # a claw-back: our reversal, then Stripe's transfer.reversed event, counted once
    transfer_reverse(
        reference=reference, amount=Money(1_000, "CNY"), reason="dispute", idempotency_key="rv-1"
    )
    reversed_event = stripe_event(stripe_client, "transfer.reversed", transfer.gateway_transfer_id)
    assert deliver(client, reversed_event).status_code == 200
    transfer.refresh_from_db()
    assert transfer.amount_reversed == 1_000
    assert stripe_client.v1.transfers.retrieve(transfer.gateway_transfer_id).amount_reversed == 1_000
    payable = ledger_account(kind=LedgerAccount.Kind.SELLER_PAYABLE, currency="CNY", owner=seller)
    assert account_balance(payable).amount == 1_000
    assert_ledger_healthy()
    assert platform_writes_without_our_key(localstripe_url) == []


def test_partial_refund_through_stripe_then_its_event(
    client, stripe_settings, stripe_client, localstripe_url, buyer, seller
):
    reference, session = checkout(buyer, seller)
    intent_id = session.payment.gateway_payment_id
    buyer_pays(stripe_client, intent_id)
    deliver(client, stripe_event(stripe_client, "payment_intent.succeeded", intent_id))
    refund = refund_now(
        reference=reference,
        amount=Money(2_500, "CNY"),
        reason="one episode dropped",
        idempotency_key=f"refund:{reference}:1",
    )
    assert refund.status == RefundStatus.SUCCEEDED and refund.gateway_refund_id.startswith("re_")
    at_stripe = stripe_client.v1.refunds.retrieve(refund.gateway_refund_id)
    assert (at_stripe.amount, at_stripe.payment_intent) == (2_500, intent_id)
    # Stripe then sends charge.refunded listing that refund: it settles nothing twice
    assert deliver(client, stripe_event(stripe_client, "charge.refunded", intent_id)).status_code == 200
    assert Refund.objects.count() == 1
    assert hold_status(reference=reference).releasable == Money(7_500, "CNY")
    assert_ledger_healthy()
    assert platform_writes_without_our_key(localstripe_url) == []


def test_out_of_order_refund_before_success_and_duplicates(
    client, stripe_settings, stripe_client, buyer, seller
):
    """A refund made in Stripe's dashboard: charge.refunded overtakes payment_intent.succeeded."""
    reference, session = checkout(buyer, seller)
    intent_id = session.payment.gateway_payment_id
    buyer_pays(stripe_client, intent_id)
    stripe_client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 3_000})
    refunded = stripe_event(stripe_client, "charge.refunded", intent_id)
    succeeded = stripe_event(stripe_client, "payment_intent.succeeded", intent_id)

    for body in (refunded, succeeded, refunded, succeeded):
        assert deliver(client, body).status_code == 200
    hold = EscrowHold.objects.get(reference=reference)
    assert hold.status == HoldStatus.PENDING
    assert hold_status(reference=reference).releasable == Money(7_000, "CNY")
    refund = Refund.objects.get()
    assert (refund.source, refund.amount, refund.status) == (
        Refund.Source.EXTERNAL,
        3_000,
        RefundStatus.SUCCEEDED,
    )
    assert WebhookEvent.objects.count() == 2 and not WebhookEvent.objects.filter(processed_at=None).exists()
    assert LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.CAPTURE).count() == 1

    # a late failure event for the same intent changes nothing: success is final
    intent = stripe_client.v1.payment_intents.retrieve(intent_id).to_dict()
    late = synthetic_event("payment_intent.payment_failed", {**intent, "status": "requires_payment_method"})
    assert deliver(client, late).status_code == 200
    assert GatewayPayment.objects.get().status == PaymentStatus.SUCCEEDED
    assert_ledger_healthy()


def test_declined_card_records_a_failed_payment(client, stripe_settings, stripe_client, buyer, seller):
    reference, session = checkout(buyer, seller)
    intent_id = session.payment.gateway_payment_id
    with pytest.raises(stripe.CardError):
        buyer_pays(stripe_client, intent_id, card=CARD_DECLINED)
    assert (
        deliver(client, stripe_event(stripe_client, "payment_intent.payment_failed", intent_id)).status_code
        == 200
    )
    payment = GatewayPayment.objects.get()
    assert payment.status == PaymentStatus.FAILED and payment.failure_message
    assert not EscrowHold.objects.exists() and not LedgerTransaction.objects.exists()


@pytest.mark.parametrize("tamper", ["payload", "secret", "old", "missing", "garbage"])
def test_bad_signatures_are_refused_and_nothing_is_stored(client, stripe_settings, tamper):
    body = synthetic_event("payment_intent.succeeded", {"id": "pi_x", "amount": 1, "currency": "cny"})
    signature = {
        "payload": stripe_signature(body),
        "secret": stripe_signature(body, secret="whsec_wrong"),
        "old": stripe_signature(body, timestamp=1_600_000_000),
        "missing": "",
        "garbage": "t=1,v1=zz",
    }[tamper]
    if tamper == "payload":
        body = body.replace(b'"amount": 1', b'"amount": 100000')
    assert deliver(client, body, signature=signature).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_unknown_event_types_are_recorded_and_ignored(client, stripe_settings):
    body = synthetic_event("customer.created", {"id": "cus_123", "object": "customer"})
    assert deliver(client, body).status_code == 200
    assert deliver(client, body).status_code == 200
    event = WebhookEvent.objects.get()
    assert event.type == "customer.created" and event.payload == body.decode()
    assert event.signature_verified and event.processed_at and not event.handled
    assert not LedgerTransaction.objects.exists()


def test_webhook_for_a_payment_we_never_started_is_recorded_with_its_error(client, stripe_settings):
    body = synthetic_event(
        "payment_intent.succeeded",
        {"id": "pi_unknown", "object": "payment_intent", "amount": 500, "currency": "cny", "metadata": {}},
    )
    assert deliver(client, body).status_code == 200
    event = WebhookEvent.objects.get()
    assert event.processed_at and "UnknownReference" in event.processing_error


def test_gateway_errors_are_safe_to_show(stripe_settings, buyer, seller):
    gateway = get_gateway()
    account = gateway.account_create(user_id=seller.pk, email="", idempotency_key=f"acct-{uuid.uuid4()}")
    with pytest.raises(GatewayError) as exc:  # not onboarded: Stripe refuses the transfer
        gateway.transfer_create(
            destination=account.gateway_account_id,
            amount=Money(100, "CNY"),
            reference="LIC-x",
            source_transaction="",
            idempotency_key=f"t-{uuid.uuid4()}",
        )
    assert STRIPE_KEY not in str(exc.value) and WEBHOOK_SECRET not in str(exc.value)


def test_refund_after_release_is_refused(client, stripe_settings, stripe_client, buyer, seller):
    reference, session = checkout(buyer, seller, amount=5_000)
    buyer_pays(stripe_client, session.payment.gateway_payment_id)
    deliver(
        client, stripe_event(stripe_client, "payment_intent.succeeded", session.payment.gateway_payment_id)
    )
    escrow_release(reference=reference, idempotency_key=f"release:{reference}")
    with pytest.raises(HoldNotPending):
        escrow_refund(reference=reference, reason="too late", idempotency_key=f"refund:{reference}")


def test_reconciliation_with_stripe_finds_what_the_ledger_missed(
    client, stripe_settings, stripe_client, localstripe_url, buyer, seller
):
    with urlopen(Request(localstripe_url + "/_config/reset", method="POST"), timeout=5):  # noqa: S310
        pass
    reference, session = checkout(buyer, seller)
    buyer_pays(stripe_client, session.payment.gateway_payment_id)
    deliver(
        client, stripe_event(stripe_client, "payment_intent.succeeded", session.payment.gateway_payment_id)
    )
    refund_now(
        reference=reference, amount=Money(1_000, "CNY"), reason="ok", idempotency_key=f"rf:{reference}"
    )
    report = reconciliation_run(window_days=0)
    assert report.ok, report.mismatches
    assert report.checked["payments"] == 1 and report.checked["gateway_refunds"] == 1

    # paid at Stripe but the webhook never arrived; refunded in the dashboard, also unheard of
    other, other_session = checkout(buyer, seller, amount=2_000)
    buyer_pays(stripe_client, other_session.payment.gateway_payment_id)
    stripe_client.v1.refunds.create(
        params={"payment_intent": session.payment.gateway_payment_id, "amount": 500}
    )
    report = reconciliation_run(window_days=7)
    kinds = sorted(m["kind"] for m in report.mismatches)
    assert kinds == ["payment_not_in_ledger", "refund_unknown"]
    assert STRIPE_KEY not in json.dumps(report.mismatches)
