"""The demo helper the ``demo`` command calls: profiles and listings across every tier."""

import pytest

from listings.demo import demo_listings_create
from listings.models import Listing
from listings.state import ListingStatus

pytestmark = pytest.mark.django_db


def test_demo_listings_cover_every_tier_and_are_reusable(
    make_user, faces, tiers, tmp_media, django_capture_on_commit_callbacks
):
    from .conftest import photo_bytes

    verified = [make_user("demo_seller", "seller"), make_user("demo_seller_2", "seller")]
    for user in verified:
        faces.verify(user)
    unverified = make_user("demo_seller_3", "seller")
    stranger = photo_bytes(color=(1, 2, 3))
    faces.strangers.add(stranger)
    with django_capture_on_commit_callbacks(execute=True):
        listings = demo_listings_create(
            sellers=[*verified, unverified], photos={verified[0].pk: [photo_bytes(), stranger]}
        )
    assert {listing.tier.slug for listing in listings} == set(tiers)
    assert all(
        listing.status == ListingStatus.PUBLISHED for listing in listings if listing.seller in verified
    )
    assert all(listing.status == ListingStatus.DRAFT for listing in listings if listing.seller == unverified)
    assert verified[0].fm_seller_profile.photos.count() == 1  # the stranger's photo was skipped
    assert all(listing.cover_photo for listing in listings if listing.seller == verified[0])
    star = next(listing for listing in listings if listing.tier.slug == "star")
    assert star.price_on_request

    again = demo_listings_create(sellers=[*verified, unverified])
    assert [listing.pk for listing in again] == [listing.pk for listing in listings]
    assert Listing.objects.count() == len(listings)
