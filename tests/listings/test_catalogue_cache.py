"""Catalogue caching: facet counts and capped match counts come from Django's cache and go stale on
commit of any listing change (the real LocMem cache of the test settings; nothing is mocked)."""

import pytest

from listings.catalogue_cache import catalogue_cache_invalidate
from listings.models import Listing
from listings.selectors.catalogue_facets import catalogue_facet_counts
from listings.services import listing_pause
from listings.state import ListingStatus
from tests.listings.test_catalogue import catalogue  # noqa: F401 - the shared catalogue fixture

pytestmark = pytest.mark.django_db
URL = "/api/v1/listings/catalogue/"


def test_facet_counts_count_published_listings_only(catalogue):  # noqa: F811
    counts = catalogue_facet_counts()
    assert counts["tier"] == {"extra": 1, "featured": 1, "lead": 1, "star": 1}  # draft and paused left out
    assert counts["language"]["zh"] == 2 and counts["language"]["yue"] == 1
    assert counts["category"]["advertising"] == 2


def test_the_page_shows_how_many_listings_each_option_has(client, catalogue):  # noqa: F811
    html = client.get("/listings/").content.decode()
    assert "Mandarin (2 listings)" in html and "Cantonese (1 listing)" in html
    chinese = client.get("/listings/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "（2 个挂牌）" in chinese


def test_counts_are_cached_until_a_listing_change_commits(
    client,
    catalogue,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    assert client.get(f"{URL}?tier=extra").json()["count"] == 1
    assert catalogue_facet_counts()["tier"]["featured"] == 1
    # a write behind the services' back is not seen: the counts really come from the cache
    Listing.objects.filter(pk=catalogue["village"].pk).update(status=ListingStatus.PAUSED)
    assert client.get(f"{URL}?tier=extra").json()["count"] == 1
    catalogue_cache_invalidate()
    assert client.get(f"{URL}?tier=extra").json()["count"] == 0
    # a service's change invalidates on commit, and only then
    city = catalogue["city"]
    assert catalogue_facet_counts()["tier"]["featured"] == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        listing_pause(listing=city, actor=city.seller)
        assert catalogue_facet_counts()["tier"]["featured"] == 1  # not committed yet: still cached
    assert callbacks
    assert "featured" not in catalogue_facet_counts()["tier"]
    assert client.get(f"{URL}?tier=featured&sort=price").json()["count"] == 0


def test_caching_can_be_turned_off(client, catalogue, settings):  # noqa: F811
    settings.FACE_MARKET = {**settings.FACE_MARKET, "CATALOGUE_CACHE_SECONDS": 0}
    assert client.get(f"{URL}?tier=lead").json()["count"] == 1
    Listing.objects.filter(pk=catalogue["general"].pk).update(status=ListingStatus.PAUSED)
    assert client.get(f"{URL}?tier=lead").json()["count"] == 0
    assert "lead" not in catalogue_facet_counts()["tier"]
