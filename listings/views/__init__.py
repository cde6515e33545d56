"""Pages of the listings app (templates under listings/templates/listings/)."""

from .catalogue import catalogue, listing_detail, quote_request_create_page
from .photos import photo_original, photo_preview
from .seller import (
    dashboard,
    listing_create_page,
    listing_edit_page,
    listing_terms_page,
    listing_transition_page,
    photo_remove_page,
    profile_page,
    quote_request_respond_page,
)

__all__ = [
    "catalogue",
    "dashboard",
    "listing_create_page",
    "listing_detail",
    "listing_edit_page",
    "listing_terms_page",
    "listing_transition_page",
    "photo_original",
    "photo_preview",
    "photo_remove_page",
    "profile_page",
    "quote_request_create_page",
    "quote_request_respond_page",
]
