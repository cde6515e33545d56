"""Staff edit tiers in the admin; the listings settings are checked at start-up."""

import pytest
from django.core.checks import run_checks

pytestmark = pytest.mark.django_db


def test_staff_edit_tier_prices_in_the_admin(client, make_user, tiers):
    from listings.models import Tier

    staff = make_user("staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get("/admin/fm_listings/tier/").status_code == 200
    extra = tiers["extra"]
    response = client.post(
        f"/admin/fm_listings/tier/{extra.pk}/change/",
        {
            "slug": "extra",
            "name": "Extra",
            "rank": 10,
            "description": "",
            "base_annual_price_minor": 12_000,
            "currency": "CNY",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Tier.objects.get(slug="extra").base_annual_price_minor == 12_000
    assert client.get("/admin/fm_listings/licencetermstemplate/").status_code == 200


def test_a_tier_needs_a_price_unless_on_request(tiers):
    from django.db import IntegrityError, transaction

    from listings.models import Tier

    with pytest.raises(IntegrityError), transaction.atomic():
        Tier.objects.filter(slug="extra").update(base_annual_price_minor=None)


@pytest.mark.parametrize(
    ("setting", "value", "check_id"),
    [
        ("LISTING_PHOTO_MAX_BYTES", 0, "listings.E001"),
        ("CATALOGUE_PAGE_SIZE", "24", "listings.E004"),
        ("LISTING_PREVIEW_WATERMARK", "", "listings.E006"),
    ],
)
def test_bad_listings_settings_are_reported(settings, setting, value, check_id):
    settings.FACE_MARKET = {**settings.FACE_MARKET, setting: value}
    assert check_id in {message.id for message in run_checks()}


def test_default_listings_settings_pass():
    assert not [m for m in run_checks() if m.id.startswith("listings.")]


def test_a_quoted_request_needs_an_amount(verified_seller, make_listing, buyer):
    from django.db import IntegrityError, transaction

    from listings.models import QuoteRequest
    from listings.services import listing_publish, quote_request_create

    star = listing_publish(
        listing=make_listing(verified_seller, tier="star", price=None), actor=verified_seller
    )
    request = quote_request_create(
        buyer=buyer,
        listing=star,
        scope={
            "use_categories": ["drama_romance"],
            "media": ["streaming"],
            "territories": ["CN"],
            "duration_months": 3,
            "reach_band": "up_to_1m",
            "monetisation": "free",
        },
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteRequest.objects.filter(pk=request.pk).update(status="quoted")
