"""The standalone site's Content-Security-Policy: on every main page, only the site's own origin and no
inline script; Stripe.js's origins only on the order page (the one page that loads Stripe.js)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketplace.purchases.services import order_create

from .purchase_helpers import key, scope_for

pytestmark = pytest.mark.django_db
STRIPE_ORIGINS = ("https://js.stripe.com", "https://hooks.stripe.com", "https://api.stripe.com")


def directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    assert header, f"no CSP header on {response.request['PATH_INFO']}"
    parsed = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict(response) -> dict[str, list[str]]:
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    return policy


def test_every_main_page_has_the_strict_policy_without_stripe(
    client, make_user, published_listing, seller, moderator
):
    pages = {
        "anonymous": [
            "/",
            reverse("listings:catalogue"),
            reverse("listings:detail", args=[published_listing.pk]),
        ],
    }
    for url in pages["anonymous"]:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = assert_strict(response)
        assert not any(origin in " ".join(sum(policy.values(), [])) for origin in STRIPE_ORIGINS), url

    client.force_login(make_user("csp_buyer", "buyer"))
    checkout = client.post(
        reverse("marketplace:checkout", args=[published_listing.pk]), scope_for(published_listing)
    )
    assert checkout.status_code in (200, 400)
    assert "js.stripe.com" not in checkout.headers["Content-Security-Policy"]
    assert_strict(checkout)

    client.force_login(seller)
    for name in ("verification:home", "verification:consent", "verification:photos"):
        response = client.get(reverse(name))
        assert "js.stripe.com" not in assert_strict(response).get("script-src", []), name

    client.force_login(moderator)
    for name in (
        "marketplace:moderation_queue",
        "marketplace:moderation_mine",
        "marketplace:moderation_audit",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "https://js.stripe.com" not in assert_strict(response)["script-src"], name


def test_only_the_order_page_allows_stripe_js(client, make_user, published_listing):
    buyer = make_user("csp_payer", "buyer")
    order = order_create(
        buyer=buyer, listing_id=published_listing.pk, scope=scope_for(published_listing), checkout_key=key()
    )
    client.force_login(buyer)
    policy = assert_strict(client.get(reverse("marketplace:order", args=[order.public_id])))
    assert policy["script-src"] == ["'self'", "https://js.stripe.com"]
    assert set(policy["frame-src"]) == {"https://js.stripe.com", "https://hooks.stripe.com"}
    assert policy["connect-src"] == ["'self'", "https://api.stripe.com"]
