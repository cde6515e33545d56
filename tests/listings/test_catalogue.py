"""The catalogue: full-text search, every filter, every sort, pagination; runs on SQLite and PostgreSQL."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from listings.models import Listing
from listings.selectors import CatalogueFilters, catalogue_search
from listings.services import (
    exclusivity_claim,
    listing_pause,
    listing_popularity_bump,
    listing_publish,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/listings/catalogue/"

SPECS = {
    # key: tier, template, price (fen), tags, languages, title, verified on, popularity
    "village": (
        "extra",
        "extra-short-drama",
        10_000,
        ["20s", "classic"],
        ["zh"],
        "Quiet village extra",
        "2026-01-10",
        5,
    ),
    "city": (
        "featured",
        "featured-drama-social",
        100_000,
        ["30s", "modern"],
        ["en", "zh"],
        "Bright city smile",
        "2026-02-10",
        50,
    ),
    "general": (
        "lead",
        "lead-drama-advertising",
        1_500_000,
        ["40s", "classic"],
        ["yue"],
        "Stern general for historical epics",
        "2026-03-10",
        20,
    ),
    "star": (
        "star",
        "lead-drama-advertising",
        None,
        ["classic"],
        ["ja"],
        "Famous face, ask me",
        "2026-04-10",
        1,
    ),
}


@pytest.fixture
def catalogue(make_user, faces, make_listing, make_profile):
    listings = {}
    base = timezone.now() - timedelta(days=30)
    for position, (key, spec) in enumerate(SPECS.items()):
        tier, template, price, tags, languages, title, verified_on, popularity = spec
        user = make_user(f"seller_{key}", "seller")
        faces.verify(user, at=timezone.make_aware(datetime.fromisoformat(verified_on)))
        make_profile(user, display_name=f"{key.title()} Person", tags=tags, languages=languages)
        listing = listing_publish(
            listing=make_listing(user, tier=tier, template=template, price=price, title=title), actor=user
        )
        Listing.objects.filter(pk=listing.pk).update(published_at=base + timedelta(days=position))
        listing_popularity_bump(listing_id=listing.pk, points=popularity)
        listings[key] = listing
    # never in the catalogue: a draft, and a paused listing
    hidden = make_user("seller_hidden", "seller")
    faces.verify(hidden)
    make_profile(hidden, display_name="Hidden Village Person", tags=["classic"])
    make_listing(
        hidden, title="Draft village extra", tier="extra", template="extra-short-drama", price=10_000
    )
    paused = listing_publish(
        listing=make_listing(
            hidden, title="Paused village", tier="extra", template="extra-short-drama", price=10_000
        ),
        actor=hidden,
    )
    listing_pause(listing=paused, actor=hidden)
    return listings


def keys(client, catalogue, query: str) -> list[str]:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    by_id = {listing.pk: key for key, listing in catalogue.items()}
    return [by_id[row["id"]] for row in response.json()["results"]]


CASES = [
    ("", ["star", "general", "city", "village"]),  # newest first by default; drafts and paused never shown
    ("tier=extra", ["village"]),
    ("tier=extra&tier=lead", ["general", "village"]),
    ("price_min=1000&sort=price", ["city", "general"]),
    ("price_max=1000", ["city", "village"]),
    ("price_min=100&price_max=100", ["village"]),
    ("tags=classic", ["star", "general", "village"]),
    ("tags=Classic, 40s", ["general"]),  # all of, case-insensitive
    ("languages=zh", ["city", "village"]),
    ("languages=yue&languages=ja", ["star", "general"]),  # any of
    ("use_categories=advertising", ["star", "general"]),
    ("use_categories=social_posts&use_categories=drama_romance", ["star", "general", "city"]),
    ("exclusivity_available=true", ["star", "general", "city"]),
    ("exclusivity_available=false", ["village"]),
    ("verified_from=2026-02-10", ["star", "general", "city"]),
    ("verified_until=2026-02-10", ["city", "village"]),
    ("verified_from=2026-02-11&verified_until=2026-03-10", ["general"]),
    ("sort=price", ["village", "city", "general", "star"]),  # price on request last
    ("sort=price_desc", ["star", "general", "city", "village"]),  # ... and first from high to low
    ("sort=popular", ["city", "general", "village", "star"]),
    ("q=village", ["village"]),
    ("q=historical general", ["general"]),  # every word must match
    ("q=city person", ["city"]),  # the seller's display name is searchable
    ("q=modern", ["city"]),  # and so are tags
    ("q=nobody-like-this", []),
    ("q=classic&tier=star", ["star"]),
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[c[0] or "all" for c in CASES])
def test_catalogue_filters_sorts_and_searches(client, catalogue, query, expected):
    assert keys(client, catalogue, query) == expected


def test_sold_full_exclusivity_drops_the_exclusivity_filter(client, catalogue):
    exclusivity_claim(
        listing=catalogue["general"],
        licence_reference="LIC-1",
        scope={
            "use_categories": ["games"],
            "media": ["in_game"],
            "territories": ["CN"],
            "duration_months": 12,
            "reach_band": "up_to_1m",
            "monetisation": "paid",
            "exclusivity": "full",
        },
    )
    assert keys(client, catalogue, "exclusivity_available=true") == ["star", "city"]


@pytest.mark.parametrize(
    "query",
    [
        "use_categories=cooking",
        "languages=xx",
        "tier=diamond",
        "sort=random",
        "price_min=-5",
        "verified_from=yesterday",
    ],
)
def test_bad_filters_are_a_400_with_the_field(client, catalogue, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["fields"]


def test_pagination(client, catalogue):
    first = client.get(f"{URL}?page_size=3").json()
    assert first["count"] == 4 and len(first["results"]) == 3 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["previous"]


def test_the_catalogue_is_public_and_shows_no_private_fields(client, catalogue):
    row = client.get(URL).json()["results"][0]
    assert "search_document" not in row and "seller" not in row
    assert row["seller_name"] == "Star Person" and row["price_on_request"] is True
    assert row["annual_price_display"] is None
    village = client.get(f"{URL}{catalogue['village'].pk}/").json()
    assert village["annual_price_display"] == "CN¥100.00"
    assert village["terms"]["number"] == 1


def test_the_selector_and_the_api_agree(catalogue):
    found = list(catalogue_search(CatalogueFilters(tags=("classic",), sort="price")))
    assert [listing.pk for listing in found] == [catalogue[k].pk for k in ("village", "general", "star")]


def test_the_catalogue_page_renders_results_and_filters(client, catalogue):
    response = client.get("/listings/?tier=lead&use_categories=advertising&q=general")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stern general for historical epics" in html and "Quiet village extra" not in html
    assert 'id="catalogue-filters"' in html
    bad = client.get("/listings/?use_categories=cooking")
    assert bad.status_code == 200 and 'id="filter-errors"' in bad.content.decode()


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_index(catalogue):
    """The ORM's SearchVector must be the very expression the GIN index was built on, or the
    planner cannot use it. With a handful of rows any partial index is as cheap, so the test
    drops the others (inside its own transaction, rolled back) and forbids sequential scans."""
    queryset = catalogue_search(CatalogueFilters(q="village"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for name in ("newest", "price", "popular", "tier", "verified"):
            cursor.execute(f"DROP INDEX fm_listing_pub_{name}")
        plan = queryset.explain()
    assert "fm_listing_pub_search" in plan, plan
    assert [listing.pk for listing in queryset] == [catalogue["village"].pk]


def test_counts_are_capped_on_broad_queries(client, catalogue, monkeypatch):
    from listings.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 2)
    body = client.get(f"{URL}?page_size=1").json()
    assert body["count"] == 2 and body["count_is_capped"] is True and body["next"]
    assert client.get(f"{URL}?tier=extra").json()["count_is_capped"] is False
    html = client.get("/listings/").content.decode()
    assert "More than 2 listings: narrow the search." in html
