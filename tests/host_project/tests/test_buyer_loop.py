"""A seller and a buyer signed up through the host sell and buy a licence end to end.

Real parts throughout: the host's own sign-up page grants the roles through the plugin's service; the
seller is verified by the real liveness flow and face engine on the clip shipped in tests/data; the
sandbox gateway takes the payment on its page; this host has no broker, so every task (the enrollment
decision, the payment event that issues the licence) runs inline after its transaction commits.
"""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from tests.marketplace.purchase_helpers import scope_for

from .helpers import as_json, signed_up, verified_seller_listing

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: on_commit work really runs

#: Every API view sits on the plugin's base view (kernel.api), which declares its own permissions, so
#: DRF's default AllowAny in the host opens none of these.
PRIVATE_ENDPOINTS = [
    ("get", "/faces/api/v1/usage/disputes/"),
    ("get", "/faces/api/v1/consent-checks/receipts/"),
    ("get", "/faces/api/v1/webhook-endpoints/"),
    ("get", "/faces/api/v1/me/"),
    ("get", "/faces/api/v1/licences/"),
    ("post", "/faces/api/v1/orders/"),
    ("get", "/faces/api/v1/usage/reports/"),
    ("get", "/faces/api/v1/notifications/"),
    ("get", "/faces/api/v1/moderation/cases/"),
    ("get", "/faces/api/v1/payouts/earnings/"),
    ("get", "/faces/api/v1/listings/mine/"),
    ("get", "/faces/api/v1/listings/profile/"),
    ("get", "/faces/api/v1/verification/enrollments/"),
]


@pytest.mark.parametrize(("method", "url"), PRIVATE_ENDPOINTS)
def test_private_endpoints_refuse_anonymous_callers_under_drf_defaults(method, url):
    response = as_json(Client(), method, url)
    assert response.status_code in (401, 403), (url, response.status_code, response.content[:300])


def test_a_buyer_and_a_seller_signed_up_through_the_host_trade_a_licence():
    from marketplace.models import Licence

    seller, seller_client, listing_id = verified_seller_listing("seller@host.example")
    buyer_client = signed_up("buyer@host.example", "buyer")
    assert as_json(seller_client, "get", "/faces/api/v1/me/").json()["roles"] == ["seller"]

    from listings.models import Listing

    order_body = {
        "listing": listing_id,
        "scope": scope_for(Listing.objects.get(pk=listing_id)),
        "checkout_key": uuid.uuid4().hex,
    }
    ordered = as_json(buyer_client, "post", "/faces/api/v1/orders/", order_body)
    assert ordered.status_code == 201, ordered.content
    order = ordered.json()
    assert order["checkout_url"].startswith("/faces/payouts/sandbox/checkout/")  # under the host's prefix

    paid = buyer_client.post(order["checkout_url"], {"outcome": "succeed"})
    assert paid.status_code == 302
    # no broker, no worker: the payment event ran inline after commit and issued the licence
    state = as_json(buyer_client, "get", f"/faces/api/v1/orders/{order['id']}/").json()
    assert state["status"] == "licensed", state
    licence = Licence.objects.get(reference=state["licence"])
    assert licence.buyer.email == "buyer@host.example" and licence.seller_id == seller.pk
    seen_by_seller = as_json(seller_client, "get", f"/faces/api/v1/licences/{licence.reference}/")
    assert seen_by_seller.status_code == 200
