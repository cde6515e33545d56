"""Where listings' quote-request events reach people: an outbox handler registered in ``ready()``.

The seller hears of a request; the buyer hears of the answer, with the price and a link to the
listing page, where the answered quote has a button to buy at that price.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from kernel import outbox
from listings.models import QuoteRequest
from listings.quoting.events import QUOTE_ANSWERED, QUOTE_DECLINED, QUOTE_EVENT_TYPES, QUOTE_REQUESTED
from marketplace.accounts.notifications import notify


def quote_request_event_handle(event) -> None:
    payload = event.payload
    quote_request = (
        QuoteRequest.objects.select_related("listing__seller", "buyer")
        .filter(pk=payload.get("quote_request_id"))
        .first()
    )
    if quote_request is None:
        return
    listing = quote_request.listing
    listing_link = reverse("listings:detail", args=[listing.pk])
    kind = payload.get("type")
    if kind == QUOTE_REQUESTED:
        notify(
            user=listing.seller,
            kind="quote_requested",
            message=_("A buyer asks for a price for “%(title)s”: answer from your listings page.")
            % {"title": listing.title},
            link=reverse("listings:dashboard"),
        )
    elif kind == QUOTE_ANSWERED:
        notify(
            user=quote_request.buyer,
            kind="quote_answered",
            message=_(
                "The seller of “%(title)s” quoted %(price)s, valid until %(date)s. "
                "Buy it from the listing page."
            )
            % {
                "title": listing.title,
                "price": quote_request.quoted_amount.format(),
                "date": quote_request.valid_until.date().isoformat() if quote_request.valid_until else "",
            },
            link=listing_link,
        )
    elif kind == QUOTE_DECLINED:
        notify(
            user=quote_request.buyer,
            kind="quote_declined",
            message=_("The seller of “%(title)s” declined your quote request.") % {"title": listing.title},
            link=listing_link,
        )


def quote_handlers_register() -> None:
    for event_type in QUOTE_EVENT_TYPES:
        outbox.handler_register(event_type, quote_request_event_handle)
