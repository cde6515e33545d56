"""Exclusivity is reserved while a checkout is open, becomes the licence's claim at capture and is
released when the checkout expires or fails; the quote and the catalogue honour reservations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from listings.errors import ExclusivityConflict
from listings.models import ExclusivityClaim, Listing
from listings.selectors import listing_quote
from listings.services import listing_catalogue_refresh
from marketplace.models import Licence, Order
from marketplace.purchases.state import OrderStatus
from marketplace.services import order_create, orders_expire
from payouts.selectors import hold_status

from .purchase_helpers import assert_ledger_balanced, key, pay, scope_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer2(make_user):
    return make_user("buyer2", "buyer")


def _expire(order) -> None:
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    orders_expire()


def test_a_non_exclusive_checkout_keeps_full_exclusivity_from_being_sold_under_it(
    buyer, buyer2, published_listing, django_capture_on_commit_callbacks
):
    """The issue's case: B opens a non-exclusive checkout, A asks for full exclusivity, B pays."""
    shared = order_create(
        buyer=buyer, listing_id=published_listing.pk, scope=scope_for(published_listing), checkout_key=key()
    )
    full = scope_for(published_listing, exclusivity="full")
    with pytest.raises(ExclusivityConflict):
        listing_quote(listing=published_listing, scope=full)
    with pytest.raises(ExclusivityConflict):
        order_create(buyer=buyer2, listing_id=published_listing.pk, scope=full, checkout_key=key())
    # another non-exclusive buyer is not blocked by a non-exclusive reservation
    other = order_create(
        buyer=buyer2, listing_id=published_listing.pk, scope=scope_for(published_listing), checkout_key=key()
    )
    pay(shared, capture=django_capture_on_commit_callbacks)
    pay(other, capture=django_capture_on_commit_callbacks)
    assert Licence.objects.count() == 2
    # a paid non-exclusive checkout holds nothing any more
    assert not ExclusivityClaim.objects.filter(released_at__isnull=True).exists()
    assert_ledger_balanced()


def test_an_exclusive_reservation_becomes_the_licences_claim_at_capture(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    scope = scope_for(published_listing, exclusivity="category")
    order = order_create(buyer=buyer, listing_id=published_listing.pk, scope=scope, checkout_key=key())
    reserved = ExclusivityClaim.objects.get(licence_reference=order.reference)
    assert reserved.reserved_until == order.expires_at and reserved.released_at is None
    pay(order, capture=django_capture_on_commit_callbacks)
    claim = ExclusivityClaim.objects.get(licence_reference=order.reference)
    assert claim.pk == reserved.pk and claim.reserved_until is None
    licence = Licence.objects.get(order=order)
    assert claim.ends_at == licence.ends_at
    # a later checkout's expiry sweep does not touch the claim
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(days=1))
    orders_expire()
    claim.refresh_from_db()
    assert claim.released_at is None


def test_expiry_and_failure_release_the_reservation(
    buyer, buyer2, published_listing, django_capture_on_commit_callbacks
):
    scope = scope_for(published_listing, exclusivity="full")
    first = order_create(buyer=buyer, listing_id=published_listing.pk, scope=scope, checkout_key=key())
    _expire(first)
    assert not ExclusivityClaim.objects.filter(released_at__isnull=True).exists()
    second = order_create(buyer=buyer2, listing_id=published_listing.pk, scope=scope, checkout_key=key())
    pay(second, succeeded=False, capture=django_capture_on_commit_callbacks)
    second.refresh_from_db()
    assert second.status == OrderStatus.FAILED
    assert not ExclusivityClaim.objects.filter(released_at__isnull=True).exists()
    order_create(buyer=buyer, listing_id=published_listing.pk, scope=scope, checkout_key=key())


def test_a_reservation_whose_checkout_expired_stops_counting_before_the_sweep(
    buyer, buyer2, published_listing
):
    scope = scope_for(published_listing, exclusivity="full")
    first = order_create(buyer=buyer, listing_id=published_listing.pk, scope=scope, checkout_key=key())
    ExclusivityClaim.objects.filter(licence_reference=first.reference).update(
        reserved_until=timezone.now() - timedelta(seconds=1)
    )
    order_create(buyer=buyer2, listing_id=published_listing.pk, scope=scope, checkout_key=key())


def test_the_catalogue_shows_reserved_exclusivity_as_unavailable(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    listing_catalogue_refresh(listing=published_listing)
    assert Listing.objects.get(pk=published_listing.pk).exclusivity_available
    scope = scope_for(published_listing, exclusivity="full")
    order = order_create(buyer=buyer, listing_id=published_listing.pk, scope=scope, checkout_key=key())
    assert not Listing.objects.get(pk=published_listing.pk).exclusivity_available
    _expire(order)
    assert Listing.objects.get(pk=published_listing.pk).exclusivity_available


def test_late_payment_of_an_expired_non_exclusive_checkout_after_full_exclusivity_is_refunded(
    buyer, buyer2, published_listing, django_capture_on_commit_callbacks
):
    shared = order_create(
        buyer=buyer, listing_id=published_listing.pk, scope=scope_for(published_listing), checkout_key=key()
    )
    _expire(shared)
    full = order_create(
        buyer=buyer2,
        listing_id=published_listing.pk,
        scope=scope_for(published_listing, exclusivity="full"),
        checkout_key=key(),
    )
    pay(full, capture=django_capture_on_commit_callbacks)
    pay(shared, capture=django_capture_on_commit_callbacks)
    shared.refresh_from_db()
    assert shared.status == OrderStatus.REFUNDED
    assert list(Licence.objects.values_list("order_id", flat=True)) == [full.pk]
    assert hold_status(reference=shared.reference).refunded == shared.amount
    assert_ledger_balanced()
