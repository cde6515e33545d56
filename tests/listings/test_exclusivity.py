"""Sold exclusivity blocks conflicting offers; two racing buyers cannot both claim it."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from listings.errors import ExclusivityConflict
from listings.models import ExclusivityClaim, Listing
from listings.selectors import exclusivity_conflicts, listing_quote
from listings.services import exclusivity_claim, exclusivity_release

pytestmark = pytest.mark.django_db


def scope(exclusivity="category", categories=("drama_romance",), months=6):
    return {
        "use_categories": list(categories),
        "media": ["streaming"],
        "territories": ["CN"],
        "duration_months": months,
        "reach_band": "up_to_1m",
        "monetisation": "paid",
        "exclusivity": exclusivity,
    }


def test_category_exclusivity_blocks_that_category_only(published_listing):
    assert published_listing.exclusivity_available
    claims = exclusivity_claim(listing=published_listing, scope=scope(), licence_reference="LIC-1")
    assert [c.category for c in claims] == ["drama_romance"]
    assert claims[0].ends_at.month != claims[0].starts_at.month  # six months later
    assert exclusivity_conflicts(published_listing, scope("none")) == ["drama_romance"]
    assert exclusivity_conflicts(published_listing, scope("none", ["games"])) == []
    with pytest.raises(ExclusivityConflict) as info:
        listing_quote(listing=published_listing, scope=scope("none"))
    assert info.value.categories == ["drama_romance"]
    assert listing_quote(listing=published_listing, scope=scope("none", ["games"])).quote.total.amount > 0


def test_full_exclusivity_blocks_everything(published_listing):
    exclusivity_claim(listing=published_listing, scope=scope("full"), licence_reference="LIC-FULL")
    assert exclusivity_conflicts(published_listing, scope("none", ["games"])) == ["games"]
    published_listing.refresh_from_db()
    assert published_listing.exclusivity_available is False
    with pytest.raises(ExclusivityConflict):
        exclusivity_claim(
            listing=published_listing, scope=scope("category", ["advertising"]), licence_reference="LIC-2"
        )


def test_full_exclusivity_is_blocked_by_any_exclusivity_sold(published_listing):
    exclusivity_claim(listing=published_listing, scope=scope(), licence_reference="LIC-1")
    assert exclusivity_conflicts(published_listing, scope("full", ["games"])) == ["drama_romance"]
    with pytest.raises(ExclusivityConflict):
        exclusivity_claim(
            listing=published_listing, scope=scope("full", ["games"]), licence_reference="LIC-2"
        )


def test_claiming_is_idempotent_per_licence(published_listing):
    first = exclusivity_claim(listing=published_listing, scope=scope(), licence_reference="LIC-1")
    again = exclusivity_claim(listing=published_listing, scope=scope(), licence_reference="LIC-1")
    assert [c.pk for c in first] == [c.pk for c in again]


def test_a_non_exclusive_sale_claims_nothing(published_listing):
    assert exclusivity_claim(listing=published_listing, scope=scope("none"), licence_reference="LIC-1") == []


def test_the_database_stops_a_second_active_claim_on_a_category(published_listing):
    """What stops two racing buyers even if both passed the check: the partial unique constraint."""
    exclusivity_claim(listing=published_listing, scope=scope(), licence_reference="LIC-1")
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExclusivityClaim.objects.create(
            listing=published_listing,
            terms_version=published_listing.current_terms,
            category="drama_romance",
            exclusivity="category",
            licence_reference="LIC-RACER",
            starts_at=now,
            ends_at=now + timedelta(days=30),
        )


def test_releasing_or_expiring_frees_the_category(published_listing):
    exclusivity_claim(listing=published_listing, scope=scope(), licence_reference="LIC-1")
    assert exclusivity_release(licence_reference="LIC-1") == 1
    assert exclusivity_conflicts(published_listing, scope()) == []
    exclusivity_claim(listing=published_listing, scope=scope(), licence_reference="LIC-2")
    ExclusivityClaim.objects.filter(licence_reference="LIC-2").update(
        starts_at=timezone.now() - timedelta(days=400), ends_at=timezone.now() - timedelta(days=1)
    )
    assert exclusivity_conflicts(published_listing, scope()) == []  # its period is over
    claims = exclusivity_claim(listing=published_listing, scope=scope(), licence_reference="LIC-3")
    assert len(claims) == 1
    assert ExclusivityClaim.objects.get(licence_reference="LIC-2").released_at is not None


def test_only_offered_exclusivity_can_be_claimed(verified_seller, make_listing):
    from django.core.exceptions import ValidationError

    from listings.services import listing_publish

    listing = listing_publish(
        listing=make_listing(verified_seller, tier="extra", template="extra-short-drama", price=10_000),
        actor=verified_seller,
    )
    assert Listing.objects.get(pk=listing.pk).exclusivity_available is False
    with pytest.raises(ValidationError):
        exclusivity_claim(listing=listing, scope=scope("full"), licence_reference="LIC-1")
