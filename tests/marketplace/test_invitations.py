"""Invitation only: the seller invites a buyer by username or e-mail (page and API) and withdraws an
unused invitation; the access-settings API answers only the listing's seller; bad input writes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from marketplace.access.models import ProjectRequest
from marketplace.access.services import listing_access_set

from .purchase_helpers import key, scope_for

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def order(buyer, listing):
    body = {"listing": listing.pk, "scope": scope_for(listing), "checkout_key": key()}
    return api(buyer).post("/api/v1/orders/", body, format="json")


def access_url(listing) -> str:
    return reverse("marketplace_api:listing-access", args=[listing.pk])


def test_only_the_seller_reads_and_changes_the_access_setting(buyer, published_listing):
    seller = published_listing.seller
    assert api(seller).get(access_url(published_listing)).json()["mode"] == "public"
    refused = api(buyer).get(access_url(published_listing))
    assert refused.status_code == 403 and refused.json()["code"] == "not_the_seller"
    assert (
        api(buyer).put(access_url(published_listing), {"mode": "invitation"}, format="json").status_code
        == 403
    )
    bad = api(seller).put(
        access_url(published_listing), {"mode": "friends", "decision_days": 99}, format="json"
    )
    assert bad.status_code == 400 and {"mode", "decision_days"} <= set(bad.json()["fields"])
    assert api(seller).get(access_url(published_listing)).json()["mode"] == "public"  # nothing written
    changed = api(seller).put(access_url(published_listing), {"mode": "invitation"}, format="json")
    assert changed.status_code == 200 and changed.json()["mode"] == "invitation"
    assert order(buyer, published_listing).json()["code"] == "invitation_only"
    assert api(seller).get(reverse("marketplace_api:listing-access", args=[999_999])).status_code == 404


def test_an_invitation_opens_checkout_and_a_withdrawal_closes_it(buyer, make_user, published_listing):
    seller = published_listing.seller
    listing_access_set(seller=seller, listing=published_listing, mode="invitation")
    url = reverse("marketplace_api:listing-invitations", args=[published_listing.pk])
    body = {"buyer": buyer.get_username(), "title": "Palace of Mirrors", "role": "Court physician"}
    assert api(buyer).post(url, body, format="json").status_code == 403
    nobody = api(seller).post(url, {**body, "buyer": "no-such-person"}, format="json")
    assert nobody.status_code == 400 and "buyer" in nobody.json()["fields"]
    missing = api(seller).post(url, {**body, "role": ""}, format="json")
    assert missing.status_code == 400 and not ProjectRequest.objects.exists()

    made = api(seller).post(url, body, format="json")
    assert made.status_code == 201 and made.json()["status"] == "open", made.content
    again = api(seller).post(url, body, format="json")
    assert again.status_code == 400  # one open invitation per buyer
    invitations = api(seller).get(access_url(published_listing)).json()["invitations"]
    assert [i["reference"] for i in invitations] == [made.json()["reference"]]

    withdraw = reverse(
        "marketplace_api:listing-invitation", args=[published_listing.pk, made.json()["reference"]]
    )
    assert api(buyer).delete(withdraw).status_code == 403
    assert api(seller).delete(withdraw).status_code == 204
    assert order(buyer, published_listing).json()["code"] == "invitation_only"
    assert api(seller).delete(withdraw).status_code == 409  # already withdrawn

    api(seller).post(url, body, format="json")
    placed = order(buyer, published_listing)
    assert placed.status_code == 201
    used = ProjectRequest.objects.get(licence_reference=placed.json()["reference"])
    used_url = reverse("marketplace_api:listing-invitation", args=[published_listing.pk, used.reference])
    refused = api(seller).delete(used_url)
    assert refused.status_code == 409 and placed.json()["reference"] in refused.json()["message"]


def test_the_seller_invites_and_withdraws_on_the_page(client, buyer, published_listing):
    seller = published_listing.seller
    listing_access_set(seller=seller, listing=published_listing, mode="invitation")
    client.force_login(seller)
    page = reverse("marketplace:listing_invitations", args=[published_listing.pk])
    bad = client.post(page, {"buyer": "nobody", "title": "T", "role": "R"})
    assert bad.status_code == 400 and "No buyer account" in bad.content.decode()
    client.post(page, {"buyer": buyer.get_username(), "title": "Palace", "role": "Physician"})
    invitation = ProjectRequest.objects.get(invited=True)
    shown = client.get(reverse("marketplace:listing_access", args=[published_listing.pk])).content.decode()
    assert 'id="invitation-list"' in shown and "Palace" in shown
    client.post(page, {"withdraw": invitation.reference})
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    client.force_login(buyer)
    assert client.get(page).status_code == 404
