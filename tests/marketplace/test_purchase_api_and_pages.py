"""The purchase flow through the REST API and the pages: permissions, bad input, double submits."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from marketplace.models import Licence, Order

from .purchase_helpers import assert_ledger_balanced, key, pay, scope_for

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_api_order_then_pay_then_read_the_licence(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    body = {"listing": published_listing.pk, "scope": scope_for(published_listing), "checkout_key": key()}
    response = api(buyer).post("/api/v1/orders/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "pending_payment"
    assert data["amount"] == {"amount_minor": 750_000, "currency": "CNY", "display": "CN¥7,500.00"}
    assert data["checkout_url"].startswith("/payouts/sandbox/checkout/")
    # the same form submitted again: the same order
    assert api(buyer).post("/api/v1/orders/", body, format="json").json()["id"] == data["id"]

    pay(Order.objects.get(), capture=django_capture_on_commit_callbacks)
    order = api(buyer).get(f"/api/v1/orders/{data['id']}/").json()
    assert order["status"] == "licensed" and order["licence"] == data["reference"]
    licences = api(buyer).get("/api/v1/licences/").json()["results"]
    assert [item["reference"] for item in licences] == [data["reference"]]
    detail = api(published_listing.seller).get(f"/api/v1/licences/{data['reference']}/")
    assert detail.status_code == 200  # the seller sees licences to their face
    assert_ledger_balanced()


def test_api_orders_and_licences_are_private(
    buyer, make_user, published_listing, django_capture_on_commit_callbacks
):
    from marketplace.services import order_create

    order = order_create(
        buyer=buyer, listing_id=published_listing.pk, scope=scope_for(published_listing), checkout_key=key()
    )
    pay(order, capture=django_capture_on_commit_callbacks)
    stranger = make_user("stranger", "buyer")
    moderator = make_user("mod", "moderator")
    assert api(stranger).get(f"/api/v1/orders/{order.public_id}/").status_code == 404
    assert api(stranger).get(f"/api/v1/licences/{order.reference}/").status_code == 404
    assert api(stranger).get("/api/v1/licences/").json()["results"] == []
    assert api(moderator).get(f"/api/v1/licences/{order.reference}/").status_code == 200
    assert api().get(f"/api/v1/licences/{order.reference}/").status_code == 401
    assert api().post("/api/v1/orders/", {}, format="json").status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"scope": {"duration_months": 99}}, 400, "invalid_scope"),
        ({"scope": "not an object"}, 400, None),
        ({"listing": 987654}, 409, "not_for_sale"),
        ({"checkout_key": ""}, 400, None),
    ],
)
def test_api_bad_orders_get_clear_errors_and_write_nothing(buyer, published_listing, body, status, code):
    payload = {"listing": published_listing.pk, "scope": scope_for(published_listing), "checkout_key": key()}
    payload.update(body)
    response = api(buyer).post("/api/v1/orders/", payload, format="json")
    assert response.status_code == status, response.content
    if code:
        assert response.json()["code"] == code
    assert not Order.objects.exists()


def test_api_sellers_cannot_order(seller, published_listing):
    payload = {"listing": published_listing.pk, "scope": scope_for(published_listing), "checkout_key": key()}
    response = api(seller).post("/api/v1/orders/", payload, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_a_buyer"


def _form(scope: dict) -> dict:
    data = {k: v for k, v in scope.items() if k != "ai_training"}
    if scope.get("ai_training"):
        data["ai_training"] = "on"
    return data


def test_pages_review_then_confirm_redirects_to_the_payment_page(client, buyer, published_listing):
    client.force_login(buyer)
    form = _form(scope_for(published_listing))
    review = client.post(reverse("marketplace:checkout", args=[published_listing.pk]), form)
    assert review.status_code == 200
    assert review.context["priced"].quote.total.amount == 750_000
    checkout_key = review.context["checkout_key"]
    assert not Order.objects.exists()  # reviewing creates nothing

    missing_accept = client.post(
        reverse("marketplace:checkout_confirm", args=[published_listing.pk]),
        {**form, "checkout_key": checkout_key},
    )
    assert missing_accept.status_code == 400
    assert not Order.objects.exists()

    confirm_url = reverse("marketplace:checkout_confirm", args=[published_listing.pk])
    confirm = client.post(confirm_url, {**form, "checkout_key": checkout_key, "accept_terms": "on"})
    assert confirm.status_code == 302
    assert confirm.url.startswith("/payouts/sandbox/checkout/")
    again = client.post(confirm_url, {**form, "checkout_key": checkout_key, "accept_terms": "on"})
    assert again.url == confirm.url  # double submit: same payment page, one order
    assert Order.objects.count() == 1


def test_pages_only_buyers_reach_checkout(client, seller, published_listing):
    client.force_login(seller)
    response = client.post(
        reverse("marketplace:checkout", args=[published_listing.pk]), _form(scope_for(published_listing))
    )
    assert response.status_code == 403


def test_pages_licence_is_shown_to_its_parties_only(
    client, buyer, make_user, published_listing, django_capture_on_commit_callbacks
):
    from marketplace.services import order_create

    order = order_create(
        buyer=buyer, listing_id=published_listing.pk, scope=scope_for(published_listing), checkout_key=key()
    )
    pay(order, capture=django_capture_on_commit_callbacks)
    licence = Licence.objects.get()
    url = reverse("marketplace:licence", args=[licence.reference])
    client.force_login(buyer)
    page = client.get(url)
    assert page.status_code == 200
    assert "CN¥7,500.00" in page.content.decode()
    assert client.get(reverse("marketplace:order", args=[order.public_id])).status_code == 200
    client.force_login(make_user("other", "buyer"))
    assert client.get(url).status_code == 404
    assert client.get(reverse("marketplace:order", args=[order.public_id])).status_code == 404


def test_listing_page_offers_buying_to_buyers_only(client, buyer, seller, published_listing):
    url = reverse("listings:detail", args=[published_listing.pk])
    client.force_login(buyer)
    assert 'id="buy-licence"' in client.get(url).content.decode()
    client.force_login(seller)
    assert 'id="buy-licence"' not in client.get(url).content.decode()
