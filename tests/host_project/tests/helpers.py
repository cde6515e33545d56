"""Steps the host project's tests share: sign-up through the host, a verified seller's published listing."""

from __future__ import annotations

import importlib
import json

from django.apps import apps
from django.test import Client

PASSWORD = "a sturdy host pass phrase 42"


def signed_up(email: str, role: str) -> Client:
    """Sign up through the host's own page (it grants the role through the plugin's service)."""
    client = Client()
    response = client.post("/signup/", {"email": email, "password": PASSWORD, "role": role})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def as_json(client: Client, method: str, url: str, body: dict | None = None):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def seed_tiers() -> None:
    # the seeded tiers and terms templates: a transactional test starts from a flushed database
    importlib.import_module("listings.migrations.0003_seed_tiers_and_terms_templates").seed(apps, None)


def verified_seller_listing(email: str) -> tuple[object, Client, int]:
    """A seller signed up through the host, verified by the real liveness flow on the shipped clip, with
    a published listing made through the plugin's API. Returns (seller, their client, listing id)."""
    from django.contrib.auth import get_user_model

    from marketplace.demo import demo_seller_verify

    seed_tiers()
    client = signed_up(email, "seller")
    seller = get_user_model().objects.get(email=email)
    assert demo_seller_verify(seller)  # consent, photo, liveness on the clip, decided by the real engine
    profile = {"display_name": "Host Seller", "bio": "Actor.", "languages": ["zh"], "tags": ["30s"]}
    assert as_json(client, "put", "/faces/api/v1/listings/profile/", profile).status_code == 200
    listing = {
        "title": "Calm face for period dramas",
        "tier": "lead",
        "annual_price_minor": 1_500_000,
        "template": "lead-drama-advertising",
    }
    created = as_json(client, "post", "/faces/api/v1/listings/mine/", listing)
    assert created.status_code == 201, created.content
    listing_id = created.json()["id"]
    published = as_json(client, "post", f"/faces/api/v1/listings/mine/{listing_id}/publish/")
    assert published.status_code == 200, published.content
    return seller, client, listing_id
