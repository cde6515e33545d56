"""Races on PostgreSQL: real threads, each with its own connection, paying at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from listings.errors import ExclusivityConflict
from marketplace.models import Licence, Order
from marketplace.purchases.state import OrderStatus
from marketplace.services import order_create
from payouts.models import EscrowHold, GatewayPayment

from .purchase_helpers import assert_ledger_balanced, key, pay, scope_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(functions) -> list:
    """Start every function at once (a barrier) and collect results or exceptions."""
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def runner(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # collected and asserted on by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, fn)) for i, fn in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_many_buyers_check_out_one_exclusive_licence_exactly_one_reserves_and_pays(
    make_user, published_listing
):
    scope = scope_for(published_listing, exclusivity="full")
    buyers = [make_user(f"racer{i}", "buyer") for i in range(8)]

    def buy(b):
        order = order_create(buyer=b, listing_id=published_listing.pk, scope=scope, checkout_key=key())
        pay(order)
        return order

    results = run_together([lambda b=b: buy(b) for b in buyers])

    refused = [r for r in results if isinstance(r, ExclusivityConflict)]
    assert len(refused) == 7, results  # refused at checkout: never charged
    assert Licence.objects.count() == 1
    assert list(Order.objects.values_list("status", flat=True)) == [OrderStatus.LICENSED]
    assert GatewayPayment.objects.count() == 1
    assert_ledger_balanced()


def test_many_concurrent_purchases_each_get_their_licence(make_user, published_listing):
    scope = scope_for(published_listing)
    buyers = [make_user(f"buyer_{i}", "buyer") for i in range(10)]

    def buy(b):
        order = order_create(buyer=b, listing_id=published_listing.pk, scope=scope, checkout_key=key())
        pay(order)
        return order.reference

    results = run_together([lambda b=b: buy(b) for b in buyers])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Licence.objects.count() == 10
    assert EscrowHold.objects.filter(status="pending").count() == 10
    assert_ledger_balanced()


def test_double_submit_from_two_tabs_at_once_makes_one_order(buyer, published_listing):
    checkout_key = key()
    scope = scope_for(published_listing)
    results = run_together(
        [
            lambda: (
                order_create(
                    buyer=buyer, listing_id=published_listing.pk, scope=scope, checkout_key=checkout_key
                ).pk
            )
        ]
        * 4
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    assert Order.objects.count() == 1
