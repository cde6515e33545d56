"""All writes of the listings app: keyword-only, typed, atomic, named ``<entity>_<action>``.

The purchase flow (the deal app above) needs: ``terms_version_mark_sold``, ``exclusivity_claim``,
``exclusivity_release``; moderation needs ``listing_takedown_mark``,
``listing_hide_pending_review`` and ``listing_review_release``. Prices come from the selector
``listings.selectors.listing_quote``.
"""

from .catalogue import listing_catalogue_refresh, listing_popularity_bump
from .exclusivity import (
    exclusivity_claim,
    exclusivity_claims_expire,
    exclusivity_release,
    exclusivity_reserve,
)
from .listings import (
    listing_create,
    listing_pause,
    listing_publish,
    listing_takedown_mark,
    listing_transition,
    listing_update,
    listing_withdraw,
)
from .profiles import (
    portfolio_photo_add,
    portfolio_photo_remove,
    portfolio_preview_render,
    seller_profile_upsert,
)
from .quote_requests import (
    quote_request_answer,
    quote_request_create,
    quote_request_decline,
    quote_request_withdraw,
)
from .review_holds import listing_hide_pending_review, listing_is_held_for_review, listing_review_release
from .terms import (
    terms_version_create,
    terms_version_edit,
    terms_version_guard_unsold,
    terms_version_mark_sold,
)

__all__ = [
    "exclusivity_claim",
    "exclusivity_claims_expire",
    "exclusivity_release",
    "exclusivity_reserve",
    "listing_catalogue_refresh",
    "listing_create",
    "listing_hide_pending_review",
    "listing_is_held_for_review",
    "listing_pause",
    "listing_popularity_bump",
    "listing_publish",
    "listing_review_release",
    "listing_takedown_mark",
    "listing_transition",
    "listing_update",
    "listing_withdraw",
    "portfolio_photo_add",
    "portfolio_photo_remove",
    "portfolio_preview_render",
    "quote_request_answer",
    "quote_request_create",
    "quote_request_decline",
    "quote_request_withdraw",
    "seller_profile_upsert",
    "terms_version_create",
    "terms_version_edit",
    "terms_version_guard_unsold",
    "terms_version_mark_sold",
]
