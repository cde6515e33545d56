"""Price on request: a buyer asks for a quote on a scope, the seller answers with a price."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.transitions import history_record
from listings.conf import listings_settings

from ..errors import ExclusivityConflict, NotTheOwner, TransitionRefused
from ..models import Listing, QuoteRequest
from ..permissions import is_buyer
from ..quoting.events import QUOTE_ANSWERED, QUOTE_DECLINED, QUOTE_REQUESTED, quote_request_event_emit
from ..state import QUOTE_REQUEST_TRANSITIONS, ListingStatus, QuoteRequestAction
from ..terms import scope_clean
from ._transitions import transition_apply
from .catalogue import listing_popularity_bump

MESSAGE_MAX = 2000
QUOTE_REQUEST_POPULARITY_POINTS = 3


@transaction.atomic
def quote_request_create(
    *, buyer, listing: Listing, scope: Mapping[str, Any], message: str = ""
) -> QuoteRequest:
    """A buyer asks the seller of a price-on-request listing to quote ``scope``."""
    from ..selectors import exclusivity_conflicts

    if not is_buyer(buyer):
        raise NotTheOwner(_("Only buyers can ask for a quote."), code="not_buyer")
    if listing.status != ListingStatus.PUBLISHED:
        raise TransitionRefused(_("This listing is not on sale."), code="not_published")
    if not listing.price_on_request:
        raise TransitionRefused(_("This listing has a price: use the calculator instead."), code="has_price")
    if len(message or "") > MESSAGE_MAX:
        raise ValidationError({"message": _("Keep the message under %(n)s characters.") % {"n": MESSAGE_MAX}})
    terms = listing.current_terms
    clean_scope = scope_clean(scope, terms)
    conflicts = exclusivity_conflicts(listing, clean_scope)
    if conflicts:
        raise ExclusivityConflict(categories=conflicts)
    created = QuoteRequest.objects.create(
        listing=listing,
        buyer=buyer,
        terms_version=terms,
        scope=clean_scope.as_dict(),
        message=(message or "").strip(),
        currency=listing.currency,
    )
    history_record(created, action="create", from_status="", to_status=created.status, actor=buyer)
    listing_popularity_bump(listing_id=listing.pk, points=QUOTE_REQUEST_POPULARITY_POINTS)
    quote_request_event_emit(QUOTE_REQUESTED, quote_request=created)
    return created


def _move(
    quote_request: QuoteRequest, action: str, actor, note: str = "", updates: dict | None = None
) -> QuoteRequest:
    return transition_apply(
        obj=quote_request,
        action=action,
        transitions=QUOTE_REQUEST_TRANSITIONS,
        actor=actor,
        reason=note,
        updates=updates,
    )


@transaction.atomic
def quote_request_answer(
    *, quote_request: QuoteRequest, seller, amount_minor: int, note: str = ""
) -> QuoteRequest:
    """The seller quotes a price (minor units) for the requested scope, valid for a while."""
    if quote_request.listing.seller_id != getattr(seller, "pk", None):
        raise NotTheOwner()
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
        raise ValidationError({"amount_minor": _("The price must be a positive amount.")})
    if len(note or "") > MESSAGE_MAX:
        raise ValidationError({"note": _("Keep the note under %(n)s characters.") % {"n": MESSAGE_MAX}})
    now = timezone.now()
    answered = _move(
        quote_request,
        QuoteRequestAction.ANSWER,
        seller,
        note,
        updates={
            "quoted_amount_minor": amount_minor,
            "seller_note": (note or "").strip(),
            "quoted_at": now,
            "valid_until": now + timedelta(days=listings_settings.QUOTE_REQUEST_VALID_DAYS),
        },
    )
    quote_request_event_emit(QUOTE_ANSWERED, quote_request=answered)
    return answered


@transaction.atomic
def quote_request_decline(*, quote_request: QuoteRequest, seller, note: str = "") -> QuoteRequest:
    if quote_request.listing.seller_id != getattr(seller, "pk", None):
        raise NotTheOwner()
    declined = _move(
        quote_request, QuoteRequestAction.DECLINE, seller, note, updates={"seller_note": (note or "").strip()}
    )
    quote_request_event_emit(QUOTE_DECLINED, quote_request=declined)
    return declined


@transaction.atomic
def quote_request_withdraw(*, quote_request: QuoteRequest, buyer) -> QuoteRequest:
    if quote_request.buyer_id != getattr(buyer, "pk", None):
        raise NotTheOwner(_("Only the buyer who asked can withdraw this request."))
    return _move(quote_request, QuoteRequestAction.WITHDRAW, buyer)
