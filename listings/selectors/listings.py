"""Reads about listings, terms, photos and quotes, with who-may-see-what applied."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from ..errors import ExclusivityConflict, PriceOnRequest
from ..models import (
    LicenceTermsTemplate,
    LicenceTermsVersion,
    Listing,
    PortfolioPhoto,
    QuoteRequest,
    Tier,
)
from ..permissions import is_moderator, owns
from ..quotes import Quote, QuoteScope, price_quote
from ..state import ListingStatus, PreviewStatus
from ..terms import scope_clean, terms_price_factors
from .exclusivity import exclusivity_held, exclusivity_scope_conflicts


def tiers_offered() -> QuerySet[Tier]:
    return Tier.objects.filter(is_active=True).order_by("rank")


def terms_templates_offered() -> QuerySet[LicenceTermsTemplate]:
    return LicenceTermsTemplate.objects.filter(is_active=True).select_related("suggested_tier")


def listing_for_viewer(*, user, listing_id: int) -> Listing | None:
    """A listing if this viewer may see it: published to all; anything else to its seller and
    moderators only. None otherwise, so callers answer 404 and never confirm that it exists."""
    listing = (
        Listing.objects.select_related("tier", "profile", "current_terms", "cover_photo")
        .filter(pk=listing_id)
        .first()
    )
    if listing is None:
        return None
    if listing.status == ListingStatus.PUBLISHED or owns(user, listing.seller_id) or is_moderator(user):
        return listing
    return None


def listings_of_seller(user) -> QuerySet[Listing]:
    return (
        Listing.objects.filter(seller_id=user.pk)
        .select_related("tier", "current_terms")
        .order_by("-created_at", "-id")
    )


def terms_version_current(listing: Listing) -> LicenceTermsVersion | None:
    """The terms a buyer is offered now (the newest version)."""
    if listing.current_terms_id:
        return LicenceTermsVersion.objects.get(pk=listing.current_terms_id)
    return LicenceTermsVersion.objects.filter(listing=listing).order_by("-number").first()


def terms_versions_of(listing: Listing) -> QuerySet[LicenceTermsVersion]:
    return LicenceTermsVersion.objects.filter(listing=listing).order_by("-number")


def exclusivity_conflicts(
    listing: Listing, scope: QuoteScope | Mapping[str, Any], *, exclude_reference: str = ""
) -> list[str]:
    """The categories of ``scope`` that sold or reserved exclusivity blocks (empty: it can be offered).

    A fully exclusive sale blocks everything; a category-exclusive sale blocks its categories; a
    scope asking for exclusivity is also blocked by open checkouts over its categories (a full one by
    any open checkout), since their licences would breach it.
    """
    if not isinstance(scope, QuoteScope):
        scope = scope_clean(scope, terms_version_current(listing))
    held = exclusivity_held(listing, exclude_reference=exclude_reference)
    return exclusivity_scope_conflicts(held, scope)


@dataclass(frozen=True)
class ListingQuote:
    """A priced scope and exactly which terms it was priced on (the purchase flow pins both)."""

    listing_id: int
    terms_version_id: int
    terms_version_number: int
    scope: QuoteScope
    quote: Quote


def listing_quote(
    *,
    listing: Listing,
    scope: QuoteScope | Mapping[str, Any],
    terms_version: LicenceTermsVersion | None = None,
) -> ListingQuote:
    """Price ``scope`` on the listing's current terms (or ``terms_version`` of the same listing).

    Raises ``ValidationError`` (scope outside the terms), ``PriceOnRequest`` (Star tier: ask the
    seller) or ``ExclusivityConflict`` (exclusivity already sold over part of the scope).
    """
    terms = terms_version or terms_version_current(listing)
    if terms is None or terms.listing_id != listing.pk:
        raise ValueError("terms_version must belong to the listing")
    if listing.annual_price is None:
        raise PriceOnRequest()
    clean = scope if isinstance(scope, QuoteScope) else scope_clean(scope, terms)
    conflicts = exclusivity_conflicts(listing, clean)
    if conflicts:
        raise ExclusivityConflict(categories=conflicts)
    quote = price_quote(annual_price=listing.annual_price, factors=terms_price_factors(terms), scope=clean)
    return ListingQuote(
        listing_id=listing.pk,
        terms_version_id=terms.pk,
        terms_version_number=terms.number,
        scope=clean,
        quote=quote,
    )


def _photo(public_id: UUID | str) -> PortfolioPhoto | None:
    try:
        return PortfolioPhoto.objects.select_related("profile").filter(public_id=public_id).first()
    except (ValueError, TypeError):
        return None


def photo_original_for_viewer(*, user, public_id: UUID | str) -> PortfolioPhoto | None:
    """The original photo, for its owner and moderators only (None for everyone else)."""
    photo = _photo(public_id)
    if photo is None:
        return None
    if owns(user, photo.profile.user_id) or is_moderator(user):
        return photo
    return None


def photo_preview_for_viewer(*, user, public_id: UUID | str) -> PortfolioPhoto | None:
    """The watermarked preview: public once the seller has a published listing."""
    photo = _photo(public_id)
    if photo is None or photo.preview_status != PreviewStatus.READY:
        return None
    if owns(user, photo.profile.user_id) or is_moderator(user):
        return photo
    live = Listing.objects.filter(profile_id=photo.profile_id, status=ListingStatus.PUBLISHED).exists()
    return photo if live else None


def quote_requests_for_seller(user) -> QuerySet[QuoteRequest]:
    return QuoteRequest.objects.filter(listing__seller_id=user.pk).select_related("listing", "buyer")


def quote_requests_for_buyer(user) -> QuerySet[QuoteRequest]:
    return QuoteRequest.objects.filter(buyer_id=user.pk).select_related("listing")
