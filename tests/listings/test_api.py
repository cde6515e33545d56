"""The listings API: quotes to the fen, the seller's own listings, permissions, price on request."""

import pytest
from rest_framework.test import APIClient

from listings.models import LicenceTermsVersion, Listing, QuoteRequest
from listings.services import listing_publish

pytestmark = pytest.mark.django_db
CATALOGUE = "/api/v1/listings/catalogue/"
MINE = "/api/v1/listings/mine/"


@pytest.fixture
def api():
    return APIClient()


def scope(**overrides):
    return {
        "use_categories": ["drama_romance"],
        "media": ["streaming"],
        "territories": ["CN"],
        "duration_months": 6,
        "reach_band": "up_to_1m",
        "monetisation": "ad_supported",
        "exclusivity": "none",
        **overrides,
    }


@pytest.mark.parametrize(
    ("price", "template", "tier", "the_scope", "total"),
    [
        (10_000, "extra-short-drama", "extra", scope(), 9_000),
        (
            10_000,
            "extra-short-drama",
            "extra",
            scope(
                duration_months=1,
                reach_band="up_to_10m",
                monetisation="paid",
                media=["short_video_app", "streaming"],
            ),
            2_719,
        ),
        (
            1_234_567,
            "lead-drama-advertising",
            "lead",
            scope(
                duration_months=7,
                reach_band="over_100m",
                monetisation="paid",
                exclusivity="full",
                media=["cinema"],
            ),
            43_209_840,
        ),
    ],
)
def test_the_quote_api_prices_to_the_fen(
    api, verified_seller, make_listing, price, template, tier, the_scope, total
):
    listing = listing_publish(
        listing=make_listing(verified_seller, tier=tier, template=template, price=price),
        actor=verified_seller,
    )
    response = api.post(f"{CATALOGUE}{listing.pk}/quote/", the_scope, format="json")  # anonymous: public
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total_minor"] == total and body["currency"] == "CNY"
    assert body["lines"][0] == {
        "code": "base",
        "label": "Annual price",
        "factor": "",
        "amount_minor": price,
        "amount_display": f"CN¥{price // 100:,}.{price % 100:02d}",
    }
    assert body["lines"][-1]["amount_minor"] == total
    assert body["terms_version_number"] == 1 and body["rounding"] == "ROUND_HALF_UP"
    assert Listing.objects.get(pk=listing.pk).popularity == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"duration_months": 0}, "duration_months"),
        ({"duration_months": 13}, "duration_months"),
        ({"use_categories": ["cooking_show"]}, "use_categories"),
        ({"reach_band": "over_100m"}, "reach_band"),  # not offered by the extra terms
        ({"ai_training": True}, "ai_training"),
        ({"duration_months": "six"}, "duration_months"),
    ],
)
def test_bad_scopes_are_400_with_the_field(api, verified_seller, make_listing, overrides, field):
    listing = listing_publish(
        listing=make_listing(verified_seller, tier="extra", template="extra-short-drama", price=10_000),
        actor=verified_seller,
    )
    response = api.post(f"{CATALOGUE}{listing.pk}/quote/", scope(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_drafts_cannot_be_quoted_or_seen_by_others(api, verified_seller, make_listing, buyer):
    draft = make_listing(verified_seller)
    api.force_authenticate(buyer)
    assert api.get(f"{CATALOGUE}{draft.pk}/").status_code == 404
    assert api.post(f"{CATALOGUE}{draft.pk}/quote/", scope(), format="json").status_code == 404


def test_a_star_listing_is_price_on_request(api, verified_seller, make_listing, buyer):
    star = listing_publish(
        listing=make_listing(verified_seller, tier="star", price=None), actor=verified_seller
    )
    assert (
        api.post(f"{CATALOGUE}{star.pk}/quote/", scope(), format="json").json()["code"] == "price_on_request"
    )
    ask = {"scope": scope(reach_band="over_100m", monetisation="paid"), "message": "Episodes 1-3, close-ups"}
    assert api.post(f"{CATALOGUE}{star.pk}/quote-requests/", ask, format="json").status_code == 401
    api.force_authenticate(buyer)
    created = api.post(f"{CATALOGUE}{star.pk}/quote-requests/", ask, format="json")
    assert created.status_code == 201, created.content
    public_id = created.json()["public_id"]
    assert QuoteRequest.objects.get().terms_version == star.current_terms

    api.force_authenticate(verified_seller)
    assert api.get("/api/v1/listings/quote-requests/").json()["count"] == 1
    answer = api.post(
        f"/api/v1/listings/quote-requests/{public_id}/answer/",
        {"amount_minor": 8_800_000, "note": "For three episodes"},
    )
    assert answer.status_code == 200 and answer.json()["status"] == "quoted"
    assert answer.json()["quoted_amount_display"] == "CN¥88,000.00"
    again = api.post(f"/api/v1/listings/quote-requests/{public_id}/answer/", {"amount_minor": 1})
    assert again.status_code == 409  # already answered

    api.force_authenticate(buyer)
    assert (
        api.post(f"/api/v1/listings/quote-requests/{public_id}/answer/", {"amount_minor": 1}).status_code
        == 403
    )  # a buyer cannot set the price
    assert api.post(f"/api/v1/listings/quote-requests/{public_id}/withdraw/").json()["status"] == "withdrawn"


def test_a_seller_cannot_answer_with_a_negative_price(api, verified_seller, make_listing, buyer):
    star = listing_publish(
        listing=make_listing(verified_seller, tier="star", price=None), actor=verified_seller
    )
    api.force_authenticate(buyer)
    public_id = api.post(f"{CATALOGUE}{star.pk}/quote-requests/", {"scope": scope()}, format="json").json()[
        "public_id"
    ]
    api.force_authenticate(verified_seller)
    response = api.post(f"/api/v1/listings/quote-requests/{public_id}/answer/", {"amount_minor": -500})
    assert response.status_code == 400 and "amount_minor" in response.json()["fields"]


def test_seller_creates_edits_publishes_and_versions_through_the_api(api, verified_seller, make_profile):
    make_profile(verified_seller)
    api.force_authenticate(verified_seller)
    created = api.post(
        MINE,
        {
            "title": "Calm doctor",
            "tier": "supporting",
            "annual_price_minor": 350_000,
            "template": "featured-drama-social",
            "terms": {"max_duration_months": 6},
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    listing_id = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["terms"]["max_duration_months"] == 6
    patched = api.patch(f"{MINE}{listing_id}/", {"annual_price_minor": 400_000}, format="json")
    assert patched.status_code == 200 and patched.json()["annual_price_minor"] == 400_000
    assert api.post(f"{MINE}{listing_id}/publish/").json()["status"] == "published"
    terms = api.post(
        f"{MINE}{listing_id}/terms/",
        {"terms": {"sensitive_uses_allowed": ["medical"]}, "change_note": "medical dramas ok"},
        format="json",
    )
    assert terms.status_code == 201 and terms.json()["number"] == 2
    versions = api.get(f"{MINE}{listing_id}/terms/").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert api.post(f"{MINE}{listing_id}/pause/").json()["status"] == "paused"
    assert api.post(f"{MINE}{listing_id}/pause/").status_code == 409
    assert (
        api.post(f"{MINE}{listing_id}/withdraw/", {"reason": "moving abroad"}).json()["status"] == "withdrawn"
    )


def test_publishing_through_the_api_needs_a_verified_face(api, seller, faces, make_listing):
    listing = make_listing(seller)
    api.force_authenticate(seller)
    response = api.post(f"{MINE}{listing.pk}/publish/")
    assert response.status_code == 409 and response.json()["code"] == "seller_not_verified"


def test_bad_input_through_the_api_writes_nothing(api, verified_seller, make_profile):
    make_profile(verified_seller)
    api.force_authenticate(verified_seller)
    for body in (
        {"title": "x", "tier": "extra", "annual_price_minor": -100, "template": "extra-short-drama"},
        {
            "title": "x",
            "tier": "extra",
            "annual_price_minor": 10_000,
            "template": "extra-short-drama",
            "terms": {"max_duration_months": 13},
        },
        {"title": "x", "tier": "diamond", "annual_price_minor": 10_000},
    ):
        assert api.post(MINE, body, format="json").status_code == 400
    assert not Listing.objects.exists() and not LicenceTermsVersion.objects.exists()


def test_only_owners_see_and_edit_their_listings(api, verified_seller, make_listing, make_user, buyer):
    listing = make_listing(verified_seller)
    other = make_user("other_seller", "seller")
    api.force_authenticate(other)
    assert api.get(MINE).json()["count"] == 0
    assert api.get(f"{MINE}{listing.pk}/").status_code == 404
    assert api.patch(f"{MINE}{listing.pk}/", {"title": "Stolen"}, format="json").status_code == 404
    assert api.post(f"{MINE}{listing.pk}/publish/").status_code == 404
    api.force_authenticate(buyer)
    assert api.get(MINE).status_code == 403  # buyers have no seller endpoints at all
    api.force_authenticate(None)
    assert api.get(MINE).status_code == 401
    listing.refresh_from_db()
    assert listing.title != "Stolen"


def test_tiers_are_listed_with_the_100_yuan_extra_and_the_star_on_request(api, tiers):
    rows = {row["slug"]: row for row in api.get("/api/v1/listings/tiers/").json()}
    assert list(rows) == ["extra", "featured", "supporting", "lead", "star"]
    assert rows["extra"]["base_annual_price_minor"] == 10_000
    assert rows["extra"]["base_annual_price_display"] == "CN¥100.00"
    assert rows["star"]["price_on_request"] is True and rows["star"]["base_annual_price_minor"] is None


def test_profile_and_photo_endpoints(api, verified_seller, tmp_media, django_capture_on_commit_callbacks):
    from .conftest import photo_bytes

    api.force_authenticate(verified_seller)
    assert api.get("/api/v1/listings/profile/").status_code == 404
    response = api.put(
        "/api/v1/listings/profile/",
        {"display_name": "Mei", "languages": ["zh", "en"], "tags": ["30s"]},
        format="json",
    )
    assert response.status_code == 200 and response.json()["languages"] == ["zh", "en"]
    assert (
        api.put(
            "/api/v1/listings/profile/", {"display_name": "Mei", "languages": ["xx"]}, format="json"
        ).status_code
        == 400
    )
    import io

    upload = io.BytesIO(photo_bytes())
    upload.name = "me.jpg"
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/listings/photos/", {"image": upload}, format="multipart")
    assert created.status_code == 201, created.content
    corrupt = io.BytesIO(b"not a photo")
    corrupt.name = "bad.jpg"
    bad = api.post("/api/v1/listings/photos/", {"image": corrupt}, format="multipart")
    assert bad.status_code == 400 and bad.json()["code"] == "image_corrupt"
    assert api.get("/api/v1/listings/photos/").json()["count"] == 1
