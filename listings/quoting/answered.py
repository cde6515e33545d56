"""An answered quote as something a buyer can buy: priced at the seller's figure, on the asked terms."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..errors import TransitionRefused
from ..models import QuoteRequest
from ..quotes import Quote, QuoteLine
from ..selectors.listings import ListingQuote, exclusivity_conflicts
from ..state import ListingStatus, QuoteRequestStatus
from ..terms import scope_clean


class QuoteNotBuyable(TransitionRefused):
    """The quote was not answered, has expired, or the listing is no longer on sale."""


def quote_request_of_buyer(*, buyer, public_id) -> QuoteRequest | None:
    try:
        return (
            QuoteRequest.objects.select_related("listing", "terms_version")
            .filter(buyer_id=getattr(buyer, "pk", None), public_id=public_id)
            .first()
        )
    except (ValueError, TypeError):
        return None


def quote_requests_of_buyer_for_listing(*, buyer, listing_id: int):
    if not getattr(buyer, "is_authenticated", False):
        return QuoteRequest.objects.none()
    return QuoteRequest.objects.filter(buyer_id=buyer.pk, listing_id=listing_id).order_by("-created_at")[:10]


def quote_request_is_buyable(quote_request: QuoteRequest, *, now=None) -> bool:
    now = now or timezone.now()
    return (
        quote_request.status == QuoteRequestStatus.QUOTED
        and quote_request.quoted_amount_minor is not None
        and (quote_request.valid_until is None or quote_request.valid_until > now)
        and quote_request.listing.status == ListingStatus.PUBLISHED
    )


def quote_request_priced(quote_request: QuoteRequest) -> ListingQuote:
    """The scope the buyer asked for, at the price the seller quoted (one line: nothing is recomputed).

    Raises ``QuoteNotBuyable`` or listings' ``ExclusivityConflict`` (sold meanwhile).
    """
    if not quote_request_is_buyable(quote_request):
        raise QuoteNotBuyable(
            _("This quote cannot be bought: it was not answered, it expired, or the listing is off sale."),
            code="quote_not_buyable",
        )
    terms = quote_request.terms_version
    clean = scope_clean(quote_request.scope, terms)
    conflicts = exclusivity_conflicts(quote_request.listing, clean)
    if conflicts:
        from ..errors import ExclusivityConflict

        raise ExclusivityConflict(categories=conflicts)
    total = quote_request.quoted_amount
    line = QuoteLine(code="seller_quote", label=str(_("Price quoted by the seller")), factor="", amount=total)
    return ListingQuote(
        listing_id=quote_request.listing_id,
        terms_version_id=terms.pk,
        terms_version_number=terms.number,
        scope=clean,
        quote=Quote(lines=(line,), total=total),
    )
