"""The purchase flow: scope -> quote -> order -> payment -> licence, with the money held in escrow.

Orders are created before any money moves; the licence is issued only when payouts reports the
payment captured (``licence_issue_for_payment``, called from ``marketplace.purchases.payment_events``).
An open checkout reserves its scope's exclusivity until it expires, so a buyer who pays in time
always gets the licence. Whatever cannot be honoured once paid (checkout expired and its scope sold
meanwhile, listing gone) is refunded in full from the hold: a buyer is never charged for nothing.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.atomic import atomic_join
from kernel.errors import Conflict
from kernel.money import Money
from kernel.roles import Role
from kernel.transitions import TransitionRefused, transition
from listings.errors import ExclusivityConflict
from listings.models import Listing
from listings.quoting.answered import quote_request_priced
from listings.selectors import listing_quote
from listings.services import (
    exclusivity_claim,
    exclusivity_release,
    exclusivity_reserve,
    terms_version_mark_sold,
)
from listings.services.exclusivity import add_months
from listings.state import ListingStatus
from marketplace.access.services import project_request_bind
from marketplace.conf import market_settings
from marketplace.domain_events import licence_event_emit
from marketplace.models import Licence, Order
from marketplace.purchases.availability import listing_purchase_refusal
from marketplace.purchases.payment_events import PAYMENT_PURPOSE_ORDER
from marketplace.purchases.sale_notices import licence_sale_notify
from marketplace.purchases.state import ORDER_TRANSITIONS, OrderStatus
from marketplace.selectors import user_has_role
from payouts.exceptions import HoldNotPending
from payouts.services import escrow_refund, escrow_release, payment_session_create

logger = logging.getLogger(__name__)


class CheckoutRefused(Conflict):
    """A well-formed checkout that cannot go ahead (409); ``code`` is stable for the API and pages."""

    def __init__(self, code: str, message: str):
        super().__init__(message, code=code)


def licence_reference_new() -> str:
    """Opaque, unguessable, short enough for Stripe's transfer_group and a receipt."""
    return "FL-" + secrets.token_hex(8).upper()


def _same_checkout(order: Order, listing_id: int, scope: Mapping[str, Any]) -> Order:
    if order.listing_id != listing_id:
        raise CheckoutRefused(
            "checkout_key_reused", str(_("This checkout form was already used for another listing."))
        )
    return order


def order_create(
    *,
    buyer,
    listing_id: int,
    scope: Mapping[str, Any],
    checkout_key: str,
    return_url: str = "",
    quote_request=None,
) -> Order:
    """Price the scope, reserve it and start the payment. A double-submitted form returns the first order.

    The order and its exclusivity reservation are committed first; the payment provider is called
    afterwards with no transaction or lock held (its idempotency key makes a retry safe), and the
    checkout link is saved in a transaction of its own (the Saleor pattern).

    Raises ``PermissionDenied`` (not a buyer), ``CheckoutRefused`` (not for sale, own listing),
    ``ValidationError`` (scope outside the terms), listings' ``PriceOnRequest`` or
    ``ExclusivityConflict`` (sold or reserved already: the buyer is never charged). ``{public_id}``
    in ``return_url`` becomes the order's id (the page the payment page sends the buyer back to).
    """
    order, created = _order_record(
        buyer=buyer,
        listing_id=listing_id,
        scope=scope,
        checkout_key=checkout_key,
        quote_request=quote_request,
    )
    if not created and order.checkout_url:
        return order
    session = payment_session_create(
        reference=order.reference,
        amount=Money(order.amount_minor, order.currency),
        payer=buyer,
        payee=order.listing.seller,
        idempotency_key=f"checkout:{order.reference}",
        purpose=PAYMENT_PURPOSE_ORDER,
        description=f"Face licence {order.reference}: {order.listing.title}"[:200],
        return_url=return_url.replace("{public_id}", str(order.public_id)),
        fresh_reference=created,
    )
    order.checkout_url = session.checkout_url
    Order.objects.filter(pk=order.pk).update(checkout_url=session.checkout_url, updated_at=timezone.now())
    return order


@transaction.atomic
def _order_record(*, buyer, listing_id: int, scope, checkout_key: str, quote_request) -> tuple[Order, bool]:
    """The checkout's intent, committed before any money moves: the order and its reservation."""
    if not user_has_role(buyer, Role.BUYER):
        raise PermissionDenied(_("Only buyers can buy licences."))
    if not checkout_key or len(checkout_key) > 64:
        raise ValidationError({"checkout_key": _("A checkout key of 1 to 64 characters is required.")})
    existing = Order.objects.filter(buyer=buyer, checkout_key=checkout_key).first()
    if existing is not None:
        return _same_checkout(existing, listing_id, scope), False
    # The listing's lock first, as the reservation takes it: inserting the order takes a share lock
    # on the listing row, and upgrading that later would deadlock with a concurrent checkout.
    listing = (
        Listing.objects.select_for_update(no_key=True, of=("self",))
        .select_related("seller", "current_terms")
        .filter(pk=listing_id)
        .first()
    )
    if listing is None or listing.status != ListingStatus.PUBLISHED:
        raise CheckoutRefused("not_for_sale", str(_("This listing is not for sale.")))
    if listing.seller_id == buyer.pk:
        raise CheckoutRefused("own_listing", str(_("You cannot buy a licence to your own face.")))
    refusal = listing_purchase_refusal(listing, buyer)
    if refusal is not None:
        raise CheckoutRefused(*refusal)
    if quote_request is not None:  # a Star tier: the seller's answered price, on the asked terms
        if quote_request.buyer_id != buyer.pk or quote_request.listing_id != listing.pk:
            raise CheckoutRefused("not_your_quote", str(_("This quote was made for someone else.")))
        priced = quote_request_priced(quote_request)
    else:
        priced = listing_quote(listing=listing, scope=scope, terms_version=listing.current_terms)
    total: Money = priced.quote.total
    now = timezone.now()
    reference = licence_reference_new()
    try:
        with transaction.atomic():  # savepoint: a concurrent double submit loses here, cleanly
            order = Order.objects.create(
                public_id=uuid.uuid4(),
                reference=reference,
                buyer=buyer,
                listing=listing,
                terms_version_id=priced.terms_version_id,
                scope=priced.scope.as_dict(),
                quote_lines=[
                    {
                        "code": line.code,
                        "label": str(line.label),
                        "factor": line.factor,
                        "amount_minor": line.amount.amount,
                    }
                    for line in priced.quote.lines
                ],
                amount_minor=total.amount,
                currency=total.currency,
                checkout_key=checkout_key,
                expires_at=now + timedelta(minutes=market_settings.CHECKOUT_TTL_MINUTES),
            )
    except IntegrityError:
        order = Order.objects.get(buyer=buyer, checkout_key=checkout_key)
        return _same_checkout(order, listing_id, scope), False
    terms = listing.current_terms if listing.current_terms_id == priced.terms_version_id else None
    exclusivity_reserve(
        listing=listing,
        scope=priced.scope,
        licence_reference=reference,
        reserved_until=order.expires_at,
        terms_version=terms or order.terms_version,
        listing_locked=True,  # locked above, before the order row
        fresh_reference=True,  # generated above: nothing is reserved under it yet
    )
    project_request_bind(listing=listing, buyer=buyer, licence_reference=reference)
    return order, True


def _refund_unfulfillable(order: Order, *, reason: str) -> None:
    """The buyer paid for something we cannot give: all of it goes back, once."""
    with contextlib.suppress(HoldNotPending):  # already refunded (a replayed event): nothing more to give
        escrow_refund(
            reference=order.reference, reason=reason, idempotency_key=f"unfulfillable:{order.reference}"
        )
    transition(order, to=OrderStatus.REFUNDED, transitions=ORDER_TRANSITIONS, reason=reason)
    exclusivity_release(licence_reference=order.reference)
    order.status_reason = reason
    order.save(update_fields=["status_reason", "updated_at"])


@atomic_join  # the outbox handler's transaction
def licence_issue_for_payment(*, reference: str) -> Licence | None:
    """The payment for ``reference`` is captured and held: issue the licence, exactly once.

    Called for every capture event, including replays and out-of-order deliveries.
    """
    order = (
        Order.objects.select_for_update(no_key=True, of=("self",))
        .select_related("buyer", "terms_version")
        .filter(reference=reference)
        .first()
    )
    if order is None:
        return None  # not a marketplace purchase
    if order.status == OrderStatus.LICENSED:  # the licence and this status are written together
        return Licence.objects.filter(order=order).first()
    if order.status == OrderStatus.REFUNDED:
        return None
    if order.status != OrderStatus.PENDING_PAYMENT:
        _refund_unfulfillable(order, reason=f"paid after the checkout {order.status}")
        return None
    # the listing's lock now, once, for the exclusivity claim (the order's lock was taken first)
    listing = (
        Listing.objects.select_for_update(no_key=True, of=("self",))
        .select_related("seller", "current_terms")
        .get(pk=order.listing_id)
    )
    if listing.status != ListingStatus.PUBLISHED:
        _refund_unfulfillable(order, reason="listing no longer for sale")
        return None
    now = timezone.now()
    try:
        exclusivity_claim(
            listing=listing,
            scope=order.scope,
            licence_reference=reference,
            terms_version=order.terms_version,
            starts_at=now,
            listing_locked=True,
        )
    except ExclusivityConflict:
        _refund_unfulfillable(order, reason="exclusivity sold to another buyer first")
        return None
    terms_version_mark_sold(order.terms_version)
    licence = Licence.objects.create(
        reference=reference,
        order=order,
        buyer=order.buyer,
        seller=listing.seller,
        listing=listing,
        terms_version_id=order.terms_version_id,
        scope=order.scope,
        amount_minor=order.amount_minor,
        currency=order.currency,
        starts_at=now,
        ends_at=add_months(now, int(order.scope["duration_months"])),
    )
    transition(order, to=OrderStatus.LICENSED, transitions=ORDER_TRANSITIONS, reason="payment captured")
    licence_sale_notify(licence)
    licence_event_emit(licence, "issued")
    return licence


@transaction.atomic
def order_payment_failed(*, reference: str, reason: str) -> Order | None:
    """The gateway declined or cancelled the payment: the order ends, nothing was held."""
    order = Order.objects.select_for_update(no_key=True).filter(reference=reference).first()
    if order is None or order.status != OrderStatus.PENDING_PAYMENT:
        return order
    transition(order, to=OrderStatus.FAILED, transitions=ORDER_TRANSITIONS, reason=reason[:200])
    exclusivity_release(licence_reference=order.reference)
    order.status_reason = reason[:200]
    order.save(update_fields=["status_reason", "updated_at"])
    return order


def orders_expire(*, now=None) -> int:
    """Expire unpaid checkouts past their time (periodic). A late payment is then refunded."""
    now = now or timezone.now()
    expired = 0
    for order in Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, expires_at__lte=now).only(
        "pk", "reference"
    ):
        try:
            transition(
                order,
                to=OrderStatus.EXPIRED,
                transitions=ORDER_TRANSITIONS,
                reason="checkout expired",
                from_statuses={OrderStatus.PENDING_PAYMENT},
            )
        except TransitionRefused:  # paid in the meantime: the conditional update refused, rightly
            continue
        exclusivity_release(licence_reference=order.reference)
        expired += 1
    return expired


def licence_escrow_release(*, licence: Licence, idempotency_key: str | None = None):
    """Pay the seller for an accepted usage report: commission to the platform, the rest to them."""
    return escrow_release(
        reference=licence.reference, idempotency_key=idempotency_key or f"release:{licence.reference}"
    )


def licence_escrow_refund(*, licence: Licence, amount: Money | None, reason: str, idempotency_key: str):
    """Give the buyer back ``amount`` (or all that is held) out of the licence's escrow."""
    refund = escrow_refund(
        reference=licence.reference, amount=amount, reason=reason, idempotency_key=idempotency_key
    )
    if amount is None:
        exclusivity_release(licence_reference=licence.reference)
    return refund
