"""The purchase tests reuse the listings fixtures: seeded tiers, a verified seller, a published listing."""

from tests.listings.conftest import (  # noqa: F401  (fixtures)
    faces,
    make_listing,
    make_profile,
    previews_inline,
    published_listing,
    templates,
    tiers,
    verified_seller,
)
from tests.payouts.conftest import localstripe_url, stripe_client, stripe_settings  # noqa: E402,F401
