"""All reads of the listings app.

The purchase flow needs ``listing_quote`` (price + the terms version it was priced on),
``terms_version_current`` and ``exclusivity_conflicts``.
"""

from .catalogue import CatalogueFilters, Sort, catalogue_search, catalogue_search_filter
from .listings import (
    ListingQuote,
    exclusivity_conflicts,
    listing_for_viewer,
    listing_quote,
    listings_of_seller,
    photo_original_for_viewer,
    photo_preview_for_viewer,
    quote_requests_for_buyer,
    quote_requests_for_seller,
    terms_templates_offered,
    terms_version_current,
    terms_versions_of,
    tiers_offered,
)

__all__ = [
    "CatalogueFilters",
    "ListingQuote",
    "Sort",
    "catalogue_search",
    "catalogue_search_filter",
    "exclusivity_conflicts",
    "listing_for_viewer",
    "listing_quote",
    "listings_of_seller",
    "photo_original_for_viewer",
    "photo_preview_for_viewer",
    "quote_requests_for_buyer",
    "quote_requests_for_seller",
    "terms_templates_offered",
    "terms_version_current",
    "terms_versions_of",
    "tiers_offered",
]
