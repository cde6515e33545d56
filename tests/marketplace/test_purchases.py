"""The purchase flow through the sandbox gateway: orders, payment, licence, escrow, to the fen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kernel.money import Money
from listings.errors import ExclusivityConflict
from marketplace.models import Licence, Order
from marketplace.purchases.state import OrderStatus
from marketplace.services import (
    CheckoutRefused,
    licence_escrow_refund,
    licence_escrow_release,
    licence_issue_for_payment,
    order_create,
    orders_expire,
)
from payouts.models import EscrowHold, GatewayPayment
from payouts.selectors import hold_status

from .purchase_helpers import assert_ledger_balanced, key, pay, scope_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer2(make_user):
    return make_user("buyer2", "buyer")


def test_paid_checkout_issues_the_licence_and_holds_the_price_in_escrow(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    scope = scope_for(published_listing, duration_months=6)
    order = order_create(buyer=buyer, listing_id=published_listing.pk, scope=scope, checkout_key=key())
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.checkout_url  # the sandbox page
    # 1 500 000 fen a year x 6/12 (other factors x1.00 for the smallest scope)
    assert order.amount == Money(750_000, "CNY")
    assert order.quote_lines[-1]["amount_minor"] == 750_000

    pay(order, capture=django_capture_on_commit_callbacks)

    order.refresh_from_db()
    assert order.status == OrderStatus.LICENSED
    licence = Licence.objects.get(order=order)
    assert licence.reference == order.reference
    assert licence.buyer == buyer and licence.seller == published_listing.seller
    assert licence.terms_version_id == order.terms_version_id
    assert licence.scope == order.scope
    assert licence.ends_at.month == (licence.starts_at.month + 6 - 1) % 12 + 1
    licence.terms_version.refresh_from_db()
    assert licence.terms_version.sold_at is not None  # the terms version is now immutable
    hold = hold_status(reference=licence.reference)
    assert hold.status == "pending"
    assert hold.captured == hold.releasable == Money(750_000, "CNY")
    assert_ledger_balanced()


def test_declined_payment_ends_the_order_with_no_licence_and_no_hold(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    order = order_create(
        buyer=buyer, listing_id=published_listing.pk, scope=scope_for(published_listing), checkout_key=key()
    )
    pay(order, succeeded=False, capture=django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED
    assert not Licence.objects.exists()
    assert not EscrowHold.objects.exists()
    assert_ledger_balanced()


def test_double_submitted_checkout_makes_one_order_and_one_payment(buyer, published_listing):
    checkout_key = key()
    scope = scope_for(published_listing)
    first = order_create(buyer=buyer, listing_id=published_listing.pk, scope=scope, checkout_key=checkout_key)
    second = order_create(
        buyer=buyer, listing_id=published_listing.pk, scope=scope, checkout_key=checkout_key
    )
    assert first.pk == second.pk
    assert Order.objects.count() == 1
    assert GatewayPayment.objects.count() == 1


def test_checkout_key_cannot_be_reused_for_another_listing(
    buyer, published_listing, make_listing, verified_seller
):
    from listings.services import listing_publish

    other = listing_publish(listing=make_listing(verified_seller, title="Other"), actor=verified_seller)
    checkout_key = key()
    order_create(
        buyer=buyer,
        listing_id=published_listing.pk,
        scope=scope_for(published_listing),
        checkout_key=checkout_key,
    )
    with pytest.raises(CheckoutRefused) as refused:
        order_create(buyer=buyer, listing_id=other.pk, scope=scope_for(other), checkout_key=checkout_key)
    assert refused.value.code == "checkout_key_reused"


def test_abandoned_checkout_expires_and_a_late_payment_is_refunded_in_full(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    order = order_create(
        buyer=buyer, listing_id=published_listing.pk, scope=scope_for(published_listing), checkout_key=key()
    )
    assert orders_expire(now=timezone.now() + timedelta(hours=1)) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED
    pay(order, capture=django_capture_on_commit_callbacks)  # the buyer paid in a tab left open
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert not Licence.objects.exists()
    hold = hold_status(reference=order.reference)
    assert hold.status == "voided" and hold.refunded == order.amount
    assert_ledger_balanced()


def test_replayed_capture_issues_one_licence(buyer, published_listing, django_capture_on_commit_callbacks):
    order = order_create(
        buyer=buyer, listing_id=published_listing.pk, scope=scope_for(published_listing), checkout_key=key()
    )
    pay(order, capture=django_capture_on_commit_callbacks)
    again = licence_issue_for_payment(reference=order.reference)
    assert again == Licence.objects.get()
    assert Licence.objects.count() == 1
    assert licence_issue_for_payment(reference="FL-NOT-OURS") is None


def test_an_open_exclusive_checkout_reserves_its_scope_and_a_late_payment_is_refunded(
    buyer, buyer2, published_listing, django_capture_on_commit_callbacks
):
    scope = scope_for(published_listing, exclusivity="full")
    first = order_create(buyer=buyer, listing_id=published_listing.pk, scope=scope, checkout_key=key())
    # while the first checkout is open, its exclusivity is reserved: nobody else gets to pay
    with pytest.raises(ExclusivityConflict):
        order_create(buyer=buyer2, listing_id=published_listing.pk, scope=scope, checkout_key=key())
    # the first checkout expires unpaid; a second buyer buys; the first pays late and is refunded
    Order.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert orders_expire() == 1
    second = order_create(buyer=buyer2, listing_id=published_listing.pk, scope=scope, checkout_key=key())
    pay(second, capture=django_capture_on_commit_callbacks)
    pay(first, capture=django_capture_on_commit_callbacks)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == OrderStatus.LICENSED
    assert first.status == OrderStatus.REFUNDED
    assert Licence.objects.count() == 1
    assert hold_status(reference=first.reference).refunded == first.amount
    assert_ledger_balanced()
    with pytest.raises(ExclusivityConflict):
        order_create(buyer=buyer, listing_id=published_listing.pk, scope=scope, checkout_key=key())
    assert GatewayPayment.objects.count() == 2


def test_release_pays_the_seller_minus_commission_to_the_fen(
    buyer, published_listing, django_capture_on_commit_callbacks, settings
):
    settings.FACE_MARKET = {**settings.FACE_MARKET, "PLATFORM_COMMISSION_BPS": 1500}
    order = order_create(
        buyer=buyer,
        listing_id=published_listing.pk,
        scope=scope_for(published_listing, duration_months=5),
        checkout_key=key(),
    )
    pay(order, capture=django_capture_on_commit_callbacks)
    licence = Licence.objects.get()
    assert licence.amount == Money(625_000, "CNY")  # 1 500 000 x 5/12
    with django_capture_on_commit_callbacks(execute=True):
        licence_escrow_release(licence=licence)
    hold = hold_status(reference=licence.reference)
    assert hold.status == "released"
    assert hold.released == Money(625_000, "CNY")
    from payouts.models import LedgerAccount
    from payouts.selectors import account_balances

    revenue = sum(m.amount for _, m in account_balances(kind=LedgerAccount.Kind.PLATFORM_REVENUE))
    assert abs(revenue) == 93_750  # 15 % of 625 000 fen
    assert_ledger_balanced()


def test_partial_refund_leaves_the_rest_releasable(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    order = order_create(
        buyer=buyer, listing_id=published_listing.pk, scope=scope_for(published_listing), checkout_key=key()
    )
    pay(order, capture=django_capture_on_commit_callbacks)
    licence = Licence.objects.get()
    licence_escrow_refund(
        licence=licence, amount=Money(100_001, "CNY"), reason="scope cut", idempotency_key="r1"
    )
    licence_escrow_refund(
        licence=licence, amount=Money(100_001, "CNY"), reason="scope cut", idempotency_key="r1"
    )
    hold = hold_status(reference=licence.reference)
    assert hold.refunded == Money(100_001, "CNY")
    assert hold.releasable == licence.amount - Money(100_001, "CNY")
    assert_ledger_balanced()


# -- permissions and bad input ----------------------------------------------------------------


def test_only_buyers_can_check_out(seller, published_listing, make_user):
    with pytest.raises(PermissionDenied):
        order_create(
            buyer=seller,
            listing_id=published_listing.pk,
            scope=scope_for(published_listing),
            checkout_key=key(),
        )
    nobody = make_user("nobody")
    with pytest.raises(PermissionDenied):
        order_create(
            buyer=nobody,
            listing_id=published_listing.pk,
            scope=scope_for(published_listing),
            checkout_key=key(),
        )
    assert not Order.objects.exists()


def test_a_seller_cannot_buy_their_own_face(published_listing):
    from marketplace.services import user_role_grant

    seller = published_listing.seller
    user_role_grant(user=seller, role="buyer")
    with pytest.raises(CheckoutRefused) as refused:
        order_create(
            buyer=seller,
            listing_id=published_listing.pk,
            scope=scope_for(published_listing),
            checkout_key=key(),
        )
    assert refused.value.code == "own_listing"


def test_unpublished_listings_are_not_for_sale(buyer, make_listing, verified_seller):
    draft = make_listing(verified_seller)
    with pytest.raises(CheckoutRefused) as refused:
        order_create(buyer=buyer, listing_id=draft.pk, scope=scope_for(draft), checkout_key=key())
    assert refused.value.code == "not_for_sale"
    with pytest.raises(CheckoutRefused):
        order_create(buyer=buyer, listing_id=999_999, scope={}, checkout_key=key())


@pytest.mark.parametrize(
    "override",
    [
        {"duration_months": 13},
        {"duration_months": 0},
        {"use_categories": ["not-a-category"]},
        {"territories": []},
        {"duration_months": "six"},
    ],
)
def test_scope_outside_the_terms_is_refused_before_any_payment(buyer, published_listing, override):
    with pytest.raises(ValidationError):
        order_create(
            buyer=buyer,
            listing_id=published_listing.pk,
            scope=scope_for(published_listing, **override),
            checkout_key=key(),
        )
    assert not Order.objects.exists()
    assert not GatewayPayment.objects.exists()


def test_listing_taken_down_before_payment_means_refund(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    from listings.services import listing_takedown_mark

    order = order_create(
        buyer=buyer, listing_id=published_listing.pk, scope=scope_for(published_listing), checkout_key=key()
    )
    listing_takedown_mark(listing=published_listing, reason="stolen face")
    pay(order, capture=django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert not Licence.objects.exists()
    assert_ledger_balanced()
