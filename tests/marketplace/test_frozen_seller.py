"""A seller frozen by a takedown or review sells nothing: the API refuses with a code, the page says why."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from marketplace.models import Order
from payouts.services import payouts_freeze, payouts_unfreeze

from .purchase_helpers import key, scope_for
from .test_purchase_api_and_pages import _form

pytestmark = pytest.mark.django_db


def test_a_frozen_sellers_listing_cannot_be_bought(client, buyer, moderator, published_listing):
    payouts_freeze(seller=published_listing.seller, reason="takedown of another listing", actor=moderator)
    api = APIClient()
    api.force_authenticate(buyer)
    body = {"listing": published_listing.pk, "scope": scope_for(published_listing), "checkout_key": key()}
    refused = api.post("/api/v1/orders/", body, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "seller_frozen" and "review" in refused.json()["message"]
    assert not Order.objects.exists()

    client.force_login(buyer)
    review = client.post(
        reverse("marketplace:checkout", args=[published_listing.pk]), _form(scope_for(published_listing))
    )
    page = review.content.decode()
    assert 'id="checkout-refused" data-code="seller_frozen"' in page
    assert 'id="confirm-purchase" disabled' in page
    confirm = client.post(
        reverse("marketplace:checkout_confirm", args=[published_listing.pk]),
        {**_form(scope_for(published_listing)), "checkout_key": key(), "accept_terms": "on"},
    )
    assert confirm.status_code == 400 and not Order.objects.exists()

    payouts_unfreeze(seller=published_listing.seller, actor=moderator)
    assert api.post("/api/v1/orders/", {**body, "checkout_key": key()}, format="json").status_code == 201
