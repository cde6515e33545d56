"""Seller revocation through the API and its money: the pro-rata refund is recomputed here in integers,
the ledger stays balanced, including after a partial refund and around a usage-report approval."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kernel.money import Money
from marketplace.models import Notification, Revocation
from marketplace.services import (
    licence_escrow_refund,
    revocation_request,
    revocations_apply,
    usage_report_approve,
)
from payouts.models import Refund
from payouts.selectors import hold_status
from tests.marketplace.purchase_helpers import assert_ledger_balanced
from tests.marketplace.usage_helpers import file_report, licensed

pytestmark = pytest.mark.django_db

REVOCATIONS = "/api/v1/revocations/"


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def expected_refund(paid: int, starts_at, ends_at, effective_at) -> int:
    """paid x unused / total whole days, rounded half up, in integers only."""
    total = max((ends_at.date() - starts_at.date()).days, 1)
    unused = max(0, min((ends_at.date() - effective_at.date()).days, total))
    return (paid * unused * 2 + total) // (2 * total)


def test_seller_revokes_through_the_api_and_the_buyer_reads_the_refund(
    buyer, make_user, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    seller = licence.seller

    refused = api_as(seller).post(
        REVOCATIONS, {"listing": published_listing.pk, "reason": "  "}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_revocation" and "reason" in refused.json()["fields"]
    assert not Revocation.objects.exists()
    published_listing.refresh_from_db()
    assert published_listing.status == "published"  # nothing half-written

    by_buyer = api_as(buyer).post(
        REVOCATIONS, {"listing": published_listing.pk, "reason": "x"}, format="json"
    )
    assert by_buyer.status_code == 403 and by_buyer.json()["code"] == "not_the_seller"
    assert api_as(seller).post(REVOCATIONS, {"listing": "x"}, format="json").status_code == 400

    made = api_as(seller).post(
        REVOCATIONS, {"listing": published_listing.pk, "reason": "I no longer act"}, format="json"
    )
    assert made.status_code == 201, made.content
    body = made.json()
    published_listing.refresh_from_db()
    assert published_listing.status == "withdrawn"
    assert Notification.objects.filter(user=buyer, kind="licence_revocation_notice").exists()
    revocation = Revocation.objects.get(reference=body["reference"])
    projected = expected_refund(
        licence.amount_minor, licence.starts_at, licence.ends_at, revocation.effective_at
    )
    [row] = body["licences"]
    assert row["reference"] == licence.reference and row["refund"]["amount_minor"] == projected
    assert row["refund_made"] is False

    stranger = make_user("stranger1", "buyer")
    assert api_as(stranger).get(f"{REVOCATIONS}{revocation.reference}/").status_code == 404
    assert api_as(stranger).get(REVOCATIONS).json() == []

    revocations_apply(now=revocation.effective_at)
    seen = api_as(buyer).get(f"{REVOCATIONS}{revocation.reference}/").json()
    assert seen["status"] == "effective"
    assert seen["licences"][0]["refund"]["amount_minor"] == projected and seen["licences"][0]["refund_made"]
    assert Refund.objects.get(reference=licence.reference).amount == projected
    assert_ledger_balanced()


def test_revocation_after_a_partial_refund_refunds_no_more_than_is_held(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    earlier = licence.amount_minor * 7 // 10
    licence_escrow_refund(
        licence=licence, amount=Money(earlier, licence.currency), reason="goodwill", idempotency_key="gw-1"
    )
    asked = licence.starts_at + timedelta(days=1)
    revocation = revocation_request(seller=licence.seller, listing=published_listing, reason="ill", now=asked)
    revocations_apply(now=revocation.effective_at)

    due = expected_refund(licence.amount_minor, licence.starts_at, licence.ends_at, revocation.effective_at)
    held_before = licence.amount_minor - earlier
    paid_now = min(due, held_before)
    refunds = sorted(Refund.objects.filter(reference=licence.reference).values_list("amount", flat=True))
    assert refunds == sorted([earlier, paid_now])
    held = hold_status(reference=licence.reference)
    assert held.refunded.amount == earlier + paid_now
    if paid_now == held_before:
        assert held.status == "voided"
    else:
        assert held.releasable.amount == held_before - paid_now
    assert_ledger_balanced()


def test_approval_before_the_revocation_takes_effect_leaves_the_refund_owed_not_paid(
    buyer, moderator, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    revocation = revocation_request(seller=licence.seller, listing=published_listing, reason="ill")
    report = file_report(licence, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        usage_report_approve(seller=licence.seller, report=report)  # releases the whole hold first
    assert hold_status(reference=licence.reference).status == "released"

    revocations_apply(now=revocation.effective_at)
    revocation.refresh_from_db()
    part = revocation.outcome[licence.reference]
    assert part["refund_minor"] == 0 and part["note"] == "released_before_revocation"
    assert not Refund.objects.filter(reference=licence.reference).exists()
    assert Notification.objects.filter(user=moderator, kind="revocation_refund_unfunded").exists()
    licence.refresh_from_db()
    assert licence.status == "revoked"
    assert_ledger_balanced()


def test_approval_after_the_revocation_releases_only_the_rest(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    report = file_report(licence, django_capture_on_commit_callbacks)
    revocation = revocation_request(
        seller=licence.seller, listing=published_listing, reason="ill", now=timezone.now()
    )
    revocations_apply(now=revocation.effective_at)
    refunded = expected_refund(
        licence.amount_minor, licence.starts_at, licence.ends_at, revocation.effective_at
    )
    assert Refund.objects.get(reference=licence.reference).amount == refunded

    with django_capture_on_commit_callbacks(execute=True):
        usage_report_approve(seller=licence.seller, report=report)
    held = hold_status(reference=licence.reference)
    assert held.status == "released"
    assert held.released.amount == licence.amount_minor - refunded  # the rest, to the fen
    assert held.refunded.amount + held.released.amount == licence.amount_minor
    assert_ledger_balanced()
