"""Hypothesis stateful test over checkouts, payments, expiries and exclusive scopes.

Whatever the order of buyers opening checkouts, paying (in time or late), failing and expiring:
no licence is ever issued over exclusivity an earlier licence holds, every buyer who paid is either
licensed or refunded to the fen, and the ledger stays balanced. Runs on SQLite and, with
DATABASE_URL set, on PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from listings.errors import ExclusivityConflict
from marketplace.models import Licence, Order
from marketplace.purchases.state import OrderStatus
from marketplace.services import order_create, orders_expire
from payouts.selectors import hold_status

from .purchase_helpers import assert_ledger_balanced, key, pay, scope_for

pytestmark = pytest.mark.django_db
capture = TestCase.captureOnCommitCallbacks


def _held_categories(licence: Licence) -> set[str]:
    scope = licence.scope
    if scope["exclusivity"] == "full":
        return {"*"}
    if scope["exclusivity"] == "category":
        return set(scope["use_categories"])
    return set()


def _touches(licence: Licence, held: set[str]) -> bool:
    return (
        "*" in held
        or bool(held & set(licence.scope["use_categories"]))
        or (licence.scope["exclusivity"] == "full" and bool(held))
    )


def test_exclusivity_is_never_sold_twice_and_every_payer_is_licensed_or_refunded(
    published_listing, make_user
):
    listing = published_listing
    categories = sorted(listing.current_terms.use_categories)[:2]
    buyers = [make_user(f"prop_buyer{i}", "buyer") for i in range(3)]

    class CheckoutMachine(RuleBasedStateMachine):
        orders = Bundle("orders")

        def __init__(self):
            super().__init__()
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            self.paid: set[int] = set()

        def teardown(self):
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

        @rule(
            target=orders,
            buyer=st.sampled_from(buyers),
            exclusivity=st.sampled_from(["none", "category", "full"]),
            picked=st.sets(st.sampled_from(categories), min_size=1),
        )
        def open_checkout(self, buyer, exclusivity, picked):
            scope = scope_for(listing, exclusivity=exclusivity, use_categories=sorted(picked))
            try:
                with capture(execute=True):
                    return order_create(buyer=buyer, listing_id=listing.pk, scope=scope, checkout_key=key())
            except ExclusivityConflict:
                return None

        @rule(order=orders)
        def buyer_pays(self, order):
            if order is None or order.pk in self.paid:
                return
            order.refresh_from_db()
            if order.status not in (OrderStatus.PENDING_PAYMENT, OrderStatus.EXPIRED):
                return
            self.paid.add(order.pk)
            pay(order, capture=capture)

        @rule(order=orders)
        def checkout_expires(self, order):
            if order is None:
                return
            Order.objects.filter(pk=order.pk, status=OrderStatus.PENDING_PAYMENT).update(
                expires_at=timezone.now() - timedelta(seconds=1)
            )

        @rule()
        def expiry_sweep_runs(self):
            with capture(execute=True):
                orders_expire()

        @invariant()
        def no_licence_is_sold_over_earlier_exclusivity(self):
            licences = list(Licence.objects.filter(listing=listing).order_by("pk"))
            for i, earlier in enumerate(licences):
                held = _held_categories(earlier)
                for later in licences[i + 1 :]:
                    assert not _touches(later, held), (earlier.scope, later.scope)

        @invariant()
        def every_payer_is_licensed_or_refunded_to_the_fen(self):
            for order in Order.objects.filter(pk__in=self.paid):
                if order.status == OrderStatus.LICENSED:
                    continue
                assert order.status == OrderStatus.REFUNDED, order.status
                assert hold_status(reference=order.reference).refunded == order.amount

        @invariant()
        def ledger_balanced(self):
            assert_ledger_balanced()

    run_state_machine_as_test(
        CheckoutMachine,
        settings=settings(
            max_examples=25, stateful_step_count=12, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
