"""Chinese search finds Chinese words on SQLite and on PostgreSQL (jieba segmentation goes into the
search document and the query alike): ``演员`` finds a title that says ``群众演员``, through the
catalogue page and the API, and an unrelated word finds nothing."""

from __future__ import annotations

import pytest

from listings.services import listing_publish

pytestmark = pytest.mark.django_db

API = "/api/v1/listings/catalogue/"


@pytest.fixture
def chinese_listing(verified_seller, make_listing):
    listing = make_listing(
        verified_seller, title="古装剧群众演员，温柔微笑", description="可演宫廷侍女与茶馆老板娘"
    )
    return listing_publish(listing=listing, actor=verified_seller)


def _api_ids(client, q: str) -> set[int]:
    response = client.get(API, {"q": q})
    assert response.status_code == 200
    return {item["id"] for item in response.json()["results"]}


@pytest.mark.parametrize("word", ["演员", "群众演员", "古装剧", "侍女", "老板娘"])
def test_a_chinese_word_inside_a_longer_phrase_is_found(client, chinese_listing, word):
    assert chinese_listing.pk in _api_ids(client, word)
    page = client.get("/listings/", {"q": word}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert f'data-listing-id="{chinese_listing.pk}"'.encode() in page.content


def test_an_unrelated_chinese_word_finds_nothing(client, chinese_listing):
    assert chinese_listing.pk not in _api_ids(client, "医生")
    page = client.get("/listings/", {"q": "医生"})
    assert f'data-listing-id="{chinese_listing.pk}"'.encode() not in page.content
