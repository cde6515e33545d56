"""Who may use my face: the API refuses checkout until the seller approves; the default outcome applies
after the deadline; invitation only; only the seller decides; bad input writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from marketplace.access.models import ProjectRequest
from marketplace.access.services import (
    buyer_invite,
    listing_access_set,
    project_request_decide,
    project_request_submit,
    project_requests_default,
)

from .purchase_helpers import key, scope_for

pytestmark = pytest.mark.django_db
PROJECT = {
    "title": "Palace of Mirrors",
    "genre": "Period drama",
    "role": "Court physician",
    "synopsis": "Palace intrigue.",
    "shots_planned": "Ep. 1: close-up",
}


def order(buyer, listing):
    api = APIClient()
    api.force_authenticate(buyer)
    body = {"listing": listing.pk, "scope": scope_for(listing), "checkout_key": key()}
    return api.post("/api/v1/orders/", body, format="json")


def test_checkout_waits_for_approval_and_a_decline_keeps_it_shut(buyer, make_user, published_listing):
    seller = published_listing.seller
    with pytest.raises(PermissionDenied):
        listing_access_set(seller=buyer, listing=published_listing, mode="approved")
    listing_access_set(seller=seller, listing=published_listing, mode="approved", decision_days=2)
    refused = order(buyer, published_listing)
    assert refused.status_code == 409 and refused.json()["code"] == "approval_required"

    with pytest.raises(ValidationError):
        project_request_submit(buyer=buyer, listing=published_listing, data={**PROJECT, "role": " "})
    assert not ProjectRequest.objects.exists()
    request = project_request_submit(buyer=buyer, listing=published_listing, data=PROJECT)
    assert order(buyer, published_listing).status_code == 409  # pending is not approved
    with pytest.raises(PermissionDenied):
        project_request_decide(seller=buyer, request=request, approve=True)
    project_request_decide(seller=seller, request=request, approve=True, note="Welcome")
    assert order(buyer, published_listing).status_code == 201

    other = make_user("studio2", "buyer")
    declined = project_request_submit(buyer=other, listing=published_listing, data=PROJECT)
    project_request_decide(seller=seller, request=declined, approve=False)
    assert order(other, published_listing).json()["code"] == "approval_required"


def test_the_default_outcome_applies_after_the_deadline(buyer, published_listing):
    listing_access_set(
        seller=published_listing.seller,
        listing=published_listing,
        mode="approved",
        default_outcome="approved",
    )
    request = project_request_submit(buyer=buyer, listing=published_listing, data=PROJECT)
    assert project_requests_default(now=request.decide_by - timedelta(seconds=1)) == 0
    assert project_requests_default(now=request.decide_by) == 1
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by_default
    assert order(buyer, published_listing).status_code == 201


def test_invitation_only(buyer, make_user, published_listing):
    seller = published_listing.seller
    listing_access_set(seller=seller, listing=published_listing, mode="invitation")
    assert order(buyer, published_listing).json()["code"] == "invitation_only"
    with pytest.raises(ValidationError):
        project_request_submit(buyer=buyer, listing=published_listing, data=PROJECT)
    buyer_invite(seller=seller, listing=published_listing, buyer=buyer, data=PROJECT)
    assert order(buyer, published_listing).status_code == 201
    assert order(make_user("uninvited", "buyer"), published_listing).status_code == 409


def test_the_approval_becomes_part_of_the_licence_and_is_used_once(
    buyer, published_listing, django_capture_on_commit_callbacks, client
):
    from .purchase_helpers import pay

    listing_access_set(seller=published_listing.seller, listing=published_listing, mode="approved")
    request = project_request_submit(buyer=buyer, listing=published_listing, data=PROJECT)
    project_request_decide(seller=published_listing.seller, request=request, approve=True)
    made = order(buyer, published_listing).json()
    request.refresh_from_db()
    assert request.licence_reference == made["reference"]
    assert order(buyer, published_listing).json()["code"] == "approval_required"  # one approval, one licence

    from marketplace.models import Order

    pay(Order.objects.get(reference=made["reference"]), capture=django_capture_on_commit_callbacks)
    client.force_login(buyer)
    page = client.get(f"/licences/{made['reference']}/").content.decode()
    assert 'id="licence-project"' in page and "Court physician" in page
