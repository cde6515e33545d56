"""Demo listings for the one-machine run: profiles and listings across every tier.

the deal app's ``demo`` command creates the accounts (sellers with real verified faces, a buyer,
a moderator) and calls :func:`demo_listings_create` with the seller users. Listings of a verified
seller are published; an unverified seller's stay drafts (publishing needs a verified face).
Running it again reuses what it made before (matched by seller and title).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from . import faces
from .models import LicenceTermsTemplate, Listing, PortfolioPhoto, Tier
from .services import listing_create, listing_publish, portfolio_photo_add, seller_profile_upsert
from .state import ListingStatus

PROFILES = [
    {
        "bio": "Stage actor from Hangzhou; calm, warm roles.",
        "languages": ["zh", "en"],
        "tags": ["30s", "warm", "period drama"],
    },
    {
        "bio": "Dancer and model, often cast as the lively friend.",
        "languages": ["zh", "yue"],
        "tags": ["20s", "lively", "modern"],
    },
    {
        "bio": "Former news anchor; serious, trustworthy looks.",
        "languages": ["en", "zh"],
        "tags": ["40s", "serious", "classic"],
    },
]

#: tier -> (template, annual price in fen or None for price on request, title)
TIER_OFFERS = {
    "extra": ("extra-short-drama", 10_000, "Background extra for short dramas"),
    "featured": ("featured-drama-social", 90_000, "Featured face for dramas and social posts"),
    "supporting": ("featured-drama-social", 360_000, "Supporting role across a series"),
    "lead": ("lead-drama-advertising", 1_500_000, "Lead for dramas, advertising and games"),
    "star": ("lead-drama-advertising", None, "Star: ask for a quote"),
}
TIER_ORDER = list(TIER_OFFERS)


def _tiers_for(index: int, seller_count: int) -> list[str]:
    """Spread the tiers over the sellers so every tier appears, two or more listings each."""
    per_seller = max(2, -(-len(TIER_ORDER) // max(seller_count, 1)))
    return [TIER_ORDER[(index * per_seller + k) % len(TIER_ORDER)] for k in range(per_seller)]


@transaction.atomic
def demo_listings_create(
    *, sellers: Sequence, photos: Mapping[int, Iterable[bytes]] | None = None
) -> list[Listing]:
    """Profiles and listings across all tiers for ``sellers`` (users with the seller role).

    ``photos`` (optional) maps a seller's user id to photos of their face: each is checked against
    the verified face like any upload and becomes the cover of their listings; a photo that does not
    match is skipped. Returns the listings, published where the seller is verified.
    """
    tiers = {tier.slug: tier for tier in Tier.objects.all()}
    templates = {template.slug: template for template in LicenceTermsTemplate.objects.all()}
    listings: list[Listing] = []
    for index, seller in enumerate(sellers):
        profile_data = PROFILES[index % len(PROFILES)]
        profile = seller_profile_upsert(
            user=seller,
            display_name=seller.get_username().split("@")[0].replace("_", " ").title(),
            **profile_data,
        )
        cover = profile.photos.order_by("created_at").first()
        for data in (photos or {}).get(seller.pk, ()):
            try:
                added = portfolio_photo_add(user=seller, data=data)
            except ValidationError:
                continue
            cover = cover or added
        verified = faces.seller_is_verified(seller)
        for slug in _tiers_for(index, len(sellers)):
            listings.append(
                _offer(seller=seller, tier=tiers[slug], templates=templates, cover=cover, publish=verified)
            )
    return listings


def _offer(
    *,
    seller,
    tier: Tier,
    templates: dict[str, LicenceTermsTemplate],
    cover: PortfolioPhoto | None,
    publish: bool,
) -> Listing:
    template_slug, price, title = TIER_OFFERS[tier.slug]
    listing = Listing.objects.filter(seller=seller, title=title).first()
    if listing is None:
        listing = listing_create(
            seller=seller,
            tier=tier,
            title=title,
            annual_price_minor=price,
            template=templates[template_slug],
            cover_photo=cover,
            description="Demo listing: every licence here is specific, consented, "
            "revocable, verifiable and paid.",
        )
    if publish and listing.status in {ListingStatus.DRAFT, ListingStatus.PAUSED}:
        listing = listing_publish(listing=listing, actor=seller)
    return listing
