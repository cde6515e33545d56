"""The kernel's tests use the apps' fixtures to get real objects of every state machine."""

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
from tests.payouts.conftest import sandbox_hold  # noqa: F401
