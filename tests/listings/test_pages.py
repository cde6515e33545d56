"""The pages: seller dashboard (create, edit, terms versions, publish, pause), listing detail, access."""

import pytest

from listings.models import LicenceTermsVersion, Listing, QuoteRequest
from listings.services import listing_publish
from listings.state import ListingStatus

pytestmark = pytest.mark.django_db


def test_a_seller_builds_and_publishes_a_listing_through_the_pages(client, verified_seller, templates):
    client.force_login(verified_seller)
    assert client.get("/listings/new/").status_code == 302  # no profile yet: sent to make one
    response = client.post(
        "/listings/profile/",
        {
            "save_profile": "1",
            "display_name": "Xiao Yu",
            "bio": "Dancer",
            "languages": ["zh", "yue"],
            "tags": "20s, graceful",
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/listings/new/",
        {
            "title": "Graceful dancer",
            "tier": templates["featured-drama-social"].suggested_tier.pk,
            "annual_price": "900.00",
            "template": templates["featured-drama-social"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    listing = Listing.objects.get()
    assert listing.annual_price_minor == 90_000 and listing.status == ListingStatus.DRAFT

    terms_page = client.get(f"/listings/{listing.pk}/terms/")
    assert terms_page.status_code == 200
    form = terms_page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "max_duration_months": "3",
            "sensitive_uses_allowed": ["religious"],
            "exclusivity__full": "3.5",
            "change_note": "three months max",
        }
    )
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = client.post(f"/listings/{listing.pk}/terms/", data)
    assert response.status_code == 302, response.context["form"].errors
    version = LicenceTermsVersion.objects.get(listing=listing, number=2)
    assert version.max_duration_months == 3 and version.sensitive_uses_allowed == ["religious"]
    assert version.exclusivity_factors_bps == {"none": 10_000, "category": 15_000, "full": 35_000}

    bad = client.post(
        f"/listings/{listing.pk}/terms/", {**data, "use_categories": [], "max_duration_months": "3"}
    )
    assert bad.status_code == 200 and "use_categories" in bad.context["form"].errors
    assert LicenceTermsVersion.objects.filter(listing=listing).count() == 2

    assert client.post(f"/listings/{listing.pk}/publish/").status_code == 302
    assert Listing.objects.get().status == ListingStatus.PUBLISHED
    assert client.post(f"/listings/{listing.pk}/pause/").status_code == 302
    assert Listing.objects.get().status == ListingStatus.PAUSED
    dashboard = client.get("/listings/dashboard/").content.decode()
    assert "Graceful dancer" in dashboard and 'data-status="paused"' in dashboard
    assert client.post(f"/listings/{listing.pk}/take_down/").status_code == 404  # never a seller action


def test_the_edit_page_refuses_a_negative_price(client, verified_seller, make_listing):
    listing = make_listing(verified_seller, tier="extra", template="extra-short-drama", price=10_000)
    client.force_login(verified_seller)
    response = client.post(
        f"/listings/{listing.pk}/edit/", {"title": "x", "tier": listing.tier.pk, "annual_price": "-5.00"}
    )
    assert response.status_code == 200
    assert "positive amount" in str(response.context["form"].errors["annual_price"])
    assert Listing.objects.get().annual_price_minor == 10_000


def test_publishing_from_the_dashboard_without_verification_shows_why(client, seller, faces, make_listing):
    listing = make_listing(seller)
    client.force_login(seller)
    response = client.post(f"/listings/{listing.pk}/publish/", follow=True)
    assert "Verify your face before publishing" in response.content.decode()
    assert Listing.objects.get().status == ListingStatus.DRAFT


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 404), ("buyer", 404), ("other_seller", 404), ("owner", 200), ("moderator", 200)],
)
def test_drafts_are_invisible_to_everyone_but_owner_and_moderators(
    client, verified_seller, make_listing, make_user, buyer, moderator, who, status
):
    draft = make_listing(verified_seller)
    users = {
        "buyer": buyer,
        "moderator": moderator,
        "owner": verified_seller,
        "other_seller": make_user("other_seller", "seller") if who == "other_seller" else None,
    }
    if users.get(who):
        client.force_login(users[who])
    assert client.get(f"/listings/{draft.pk}/").status_code == status


@pytest.mark.parametrize("path", ["edit/", "terms/"])
def test_other_sellers_cannot_open_edit_pages(client, published_listing, make_user, path):
    client.force_login(make_user("other_seller", "seller"))
    assert client.get(f"/listings/{published_listing.pk}/{path}").status_code == 404
    assert client.post(f"/listings/{published_listing.pk}/pause/").status_code == 404


def test_seller_pages_need_a_seller(client, buyer):
    assert client.get("/listings/dashboard/").status_code == 302  # to the login page
    client.force_login(buyer)
    assert client.get("/listings/dashboard/").status_code == 403


def test_the_detail_page_shows_terms_and_the_calculator(client, published_listing):
    html = client.get(f"/listings/{published_listing.pk}/").content.decode()
    assert 'id="quote-form"' in html and "listings/calculator.js" in html
    assert "AI training or fine-tuning on this face is forbidden." in html
    assert f"/api/v1/listings/catalogue/{published_listing.pk}/quote/" in html


def test_a_buyer_asks_a_star_for_a_quote_and_the_seller_answers(client, verified_seller, make_listing, buyer):
    star = listing_publish(
        listing=make_listing(verified_seller, tier="star", price=None), actor=verified_seller
    )
    client.force_login(buyer)
    page = client.get(f"/listings/{star.pk}/").content.decode()
    assert 'id="ask-quote"' in page and "calculator.js" not in page
    response = client.post(
        f"/listings/{star.pk}/ask-for-quote/",
        {
            "use_categories": ["drama_romance"],
            "media": ["streaming"],
            "territories": ["CN"],
            "duration_months": "12",
            "reach_band": "up_to_10m",
            "monetisation": "paid",
            "exclusivity": "none",
            "message": "Lead in a 60-episode romance",
        },
    )
    assert response.status_code == 302
    request = QuoteRequest.objects.get()
    assert request.scope["reach_band"] == "up_to_10m" and request.message == "Lead in a 60-episode romance"

    client.force_login(verified_seller)
    assert "Lead in a 60-episode romance" in client.get("/listings/dashboard/").content.decode()
    client.post(
        f"/listings/quote-requests/{request.public_id}/respond/", {"amount": "25000.00", "note": "ok"}
    )
    request.refresh_from_db()
    assert request.status == "quoted" and request.quoted_amount_minor == 2_500_000
