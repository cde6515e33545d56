"""Duplicate and out-of-order Stripe webhooks on PostgreSQL with the real worker handling the events.

A full refund made in Stripe's dashboard overtakes the success: ``charge.refunded`` arrives first, and
each event is delivered three times, interleaved. Every event is recorded and processed once; the money
is captured once and refunded once; the licence is issued at most once and never left active (the
emptied hold ends the order or the licence); the ledger balances to the fen.
Stripe is localstripe (the real SDK, signed with Stripe's scheme); nothing is mocked.
"""

from __future__ import annotations

import time

import pytest

from kernel.models import OutboxEvent
from marketplace.models import Licence
from marketplace.services import order_create
from payouts.models import LedgerTransaction, Refund, WebhookEvent
from payouts.selectors import hold_status, payment_for_reference
from tests.payouts.conftest import deliver
from tests.payouts.test_stripe import buyer_pays, stripe_event

from .purchase_helpers import assert_ledger_balanced, key, scope_for

pytestmark = [pytest.mark.postgres, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _outbox_drained(seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).exists():
        errors = list(OutboxEvent.objects.exclude(last_error="").values_list("type", "last_error"))
        assert time.monotonic() < deadline, f"the worker left outbox events pending: {errors}"
        time.sleep(0.2)


def _refund_before_success_delivered_three_times(client, stripe_client, buyer, listing):
    order = order_create(buyer=buyer, listing_id=listing.pk, scope=scope_for(listing), checkout_key=key())
    intent_id = payment_for_reference(reference=order.reference).gateway_payment_id
    assert buyer_pays(stripe_client, intent_id).status == "succeeded"
    stripe_client.v1.refunds.create(
        params={"payment_intent": intent_id}
    )  # the whole amount, in the dashboard
    refunded = stripe_event(stripe_client, "charge.refunded", intent_id)
    succeeded = stripe_event(stripe_client, "payment_intent.succeeded", intent_id)

    for body in (refunded, succeeded, refunded, succeeded, succeeded, refunded):
        assert deliver(client, body).status_code == 200
    _outbox_drained()
    return order


def test_refund_before_success_each_delivered_three_times_settles_once(
    client, stripe_settings, stripe_client, buyer, published_listing, celery_worker_process
):
    order = _refund_before_success_delivered_three_times(client, stripe_client, buyer, published_listing)

    assert WebhookEvent.objects.count() == 2
    assert not WebhookEvent.objects.filter(processed_at=None).exists()
    assert LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.CAPTURE).count() == 1
    refund = Refund.objects.get()
    assert refund.amount == order.amount.amount
    status = hold_status(reference=order.reference)
    assert status.refunded == order.amount and status.releasable.amount == 0
    assert Licence.objects.filter(order=order).count() <= 1
    assert_ledger_balanced()


def test_a_full_refund_at_stripe_ends_the_order_or_its_licence(
    client, stripe_settings, stripe_client, buyer, published_listing, celery_worker_process
):
    from marketplace.purchases.state import LicenceStatus, OrderStatus

    order = _refund_before_success_delivered_three_times(client, stripe_client, buyer, published_listing)
    assert hold_status(reference=order.reference).status == "voided"
    order.refresh_from_db()
    licence = Licence.objects.filter(order=order).first()
    # the refund handled first: the order ends refunded and nothing is issued; the capture handled first:
    # the licence was issued, and the emptied hold then revoked it at once. Never an active licence.
    if licence is None:
        assert order.status == OrderStatus.REFUNDED
    else:
        assert order.status == OrderStatus.LICENSED and licence.status == LicenceStatus.REVOKED
