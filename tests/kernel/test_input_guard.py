"""Bad input is a 4xx, never a 500: NUL bytes anywhere in a request, and ids that do not parse.

PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"), so the sweep matters most
there (run it with DATABASE_URL set); on SQLite it checks the same 400s."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
API = "/api/v1/"

GET_WITH_REFERENCE = [
    "licences/{ref}/",
    "licences/{ref}/escrow/",
    "licences/{ref}/credential/",
    "licences/{ref}/labels/",
    "usage/reports/{ref}/",
    "usage/disputes/{ref}/",
    "payouts/holds/{ref}/",
]
LISTS_WITH_FILTERS = [
    "licences/",
    "usage/reports/",
    "usage/disputes/",
    "notifications/",
    "moderation/cases/",
    "listings/catalogue/",
    "listings/quote-requests/",
    "listings/mine/",
    "webhook-endpoints/",
    "verification/flags/",
]
POSTS = [
    ("usage/reports/", {"licence": NUL, "title": NUL}),
    ("usage/disputes/", {"report": NUL, "reason": NUL}),
    ("consent-checks/", {"licence_reference": NUL, "use": {"category": NUL}}),
    ("moderation/reports/", {"listing": 1, "reason": NUL, "details": NUL}),
    ("orders/", {"listing_id": 1, "scope": {"use_categories": [NUL]}, "checkout_key": NUL}),
    ("listings/catalogue/1/quote/", {"use_categories": [NUL]}),
    ("webhook-endpoints/", {"url": "https://example.com/" + NUL, "description": NUL}),
]
BAD_IDS = [
    "listings/catalogue/abc/",
    "listings/catalogue/abc/quote/",
    "listings/catalogue/abc/quote-requests/",
    "listings/mine/abc/",
    "listings/photos/abc/",
    "listings/quote-requests/abc/",
    "orders/not-a-uuid/",
    "listings/catalogue/99999999999999999999/",
]


@pytest.fixture(params=["anonymous", "buyer", "moderator"])
def client(request, make_user):
    api = APIClient()
    if request.param != "anonymous":
        api.force_authenticate(make_user(f"guard_{request.param}", request.param))
    return api


def _assert_refused(response, *, nul: bool) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:300])
    if nul and response.status_code == 400:
        assert response.json()["code"] == "invalid_characters"


@pytest.mark.parametrize("path", GET_WITH_REFERENCE)
def test_a_nul_byte_in_a_reference_is_refused(client, path):
    response = client.get(API + path.format(ref="FL-%00X"))
    _assert_refused(response, nul=True)


@pytest.mark.parametrize("path", LISTS_WITH_FILTERS)
def test_a_nul_byte_in_a_filter_is_refused(client, path):
    response = client.get(API + path, {"q": NUL, "status": NUL, "reference": NUL, "licence": NUL})
    _assert_refused(response, nul=True)


@pytest.mark.parametrize(("path", "body"), POSTS)
def test_a_nul_byte_in_a_body_is_refused(client, path, body):
    response = client.post(API + path, body, format="json")
    _assert_refused(response, nul=True)


@pytest.mark.parametrize("path", BAD_IDS)
def test_an_id_that_does_not_parse_is_a_404(client, path):
    for response in (client.get(API + path), client.post(API + path, {}, format="json")):
        assert response.status_code in (401, 403, 404, 405), (path, response.status_code)


def test_a_signed_in_buyer_gets_the_one_error_body_naming_the_field(make_user):
    api = APIClient()
    api.force_authenticate(make_user("guard_body", "buyer"))
    response = api.get(API + "licences/", {"status": NUL})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_characters"
    assert "status" in body["fields"]
