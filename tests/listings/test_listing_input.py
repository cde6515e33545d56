"""Bad listing and profile input: clear errors, nothing half-written."""

import pytest
from django.core.exceptions import ValidationError

from listings.errors import NotTheOwner
from listings.models import LicenceTermsVersion, Listing, ListingFacet
from listings.services import listing_create, listing_update, seller_profile_upsert

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("price", "message"),
    [
        (-100, "positive amount"),
        (0, "positive amount"),
        (None, "positive amount"),
        (9_999, "starts at"),  # the Extra tier starts at 100 CNY a year
        (True, "positive amount"),
    ],
)
def test_bad_prices_are_refused_and_nothing_is_written(verified_seller, make_listing, price, message):
    with pytest.raises(ValidationError) as info:
        make_listing(verified_seller, tier="extra", template="extra-short-drama", price=price)
    assert message in " ".join(info.value.message_dict["annual_price_minor"])
    assert not Listing.objects.exists() and not LicenceTermsVersion.objects.exists()
    assert not ListingFacet.objects.exists()


def test_the_tier_floor_is_shown_in_the_currency_format(verified_seller, make_listing):
    with pytest.raises(ValidationError) as info:
        make_listing(verified_seller, tier="extra", template="extra-short-drama", price=500)
    assert "CN¥100.00" in info.value.message_dict["annual_price_minor"][0]


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"max_duration_months": 0}, "max_duration_months"),
        ({"max_duration_months": 13}, "max_duration_months"),
        ({"use_categories": ["snuff"]}, "use_categories"),
        ({"media_factors_bps": {"streaming": -1}}, "media_factors_bps"),
    ],
)
def test_bad_terms_on_create_write_nothing(verified_seller, make_listing, terms, field):
    with pytest.raises(ValidationError) as info:
        make_listing(verified_seller, terms=terms)
    assert field in info.value.message_dict
    assert not Listing.objects.exists()


def test_a_star_listing_has_no_price_even_if_one_is_given(verified_seller, make_listing):
    listing = make_listing(verified_seller, tier="star", price=123)
    assert listing.annual_price_minor is None and listing.price_on_request


def test_title_is_required(verified_seller, make_listing):
    with pytest.raises(ValidationError) as info:
        make_listing(verified_seller, title="  ")
    assert "title" in info.value.message_dict


def test_a_listing_needs_a_profile_and_a_seller(buyer, tiers, verified_seller):
    with pytest.raises(NotTheOwner):
        listing_create(seller=buyer, tier=tiers["extra"], title="x", annual_price_minor=10_000)
    with pytest.raises(ValidationError) as info:
        listing_create(seller=verified_seller, tier=tiers["extra"], title="x", annual_price_minor=10_000)
    assert info.value.code == "no_profile"


def test_only_the_owner_edits_and_edits_are_validated(verified_seller, make_listing, make_user, tiers):
    listing = make_listing(verified_seller)
    with pytest.raises(NotTheOwner):
        listing_update(listing=listing, actor=make_user("other", "seller"), title="Mine now")
    with pytest.raises(ValidationError):
        listing_update(listing=listing, actor=verified_seller, annual_price_minor=-1)
    with pytest.raises(ValidationError):
        listing_update(listing=listing, actor=verified_seller, status="published")  # not an editable field
    updated = listing_update(listing=listing, actor=verified_seller, tier=tiers["star"])
    assert updated.tier.slug == "star" and updated.annual_price_minor is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"display_name": ""}, "display_name"),
        ({"languages": ["klingon"]}, "languages"),
        ({"tags": ["x" * 31]}, "tags"),
        ({"tags": [f"t{n}" for n in range(13)]}, "tags"),
        ({"bio": "b" * 601}, "bio"),
    ],
)
def test_bad_profiles_are_refused(seller, fields, field):
    base = {"display_name": "Li Na", "bio": "", "languages": ["zh"], "tags": ["20s"]}
    with pytest.raises(ValidationError) as info:
        seller_profile_upsert(user=seller, **{**base, **fields})
    assert field in info.value.message_dict


def test_tags_are_normalised(seller):
    profile = seller_profile_upsert(
        user=seller, display_name="Li Na", tags=" Classic ,  period   drama,classic"
    )
    assert profile.tags == ["classic", "period drama"]
