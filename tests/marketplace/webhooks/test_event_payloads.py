"""Real events built by the payload builders the outbox will call, delivered to the loopback receiver."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from kernel import outbox
from marketplace.services import licence_escrow_release, revocation_request
from marketplace.webhooks.events import (
    EVENT_TYPES,
    event_subject,
    listing_event_payload,
    revocation_event_payload,
)
from tests.marketplace.usage_helpers import licensed

pytestmark = pytest.mark.django_db


@pytest.fixture
def emit(django_capture_on_commit_callbacks):
    """What the outbox handler will do: build the payload, derive the subject, publish."""
    from marketplace.webhooks.services import webhook_event_publish

    def publish(event_type: str, data: dict):
        assert set(data) == set(EVENT_TYPES[event_type].fields)  # the documented shape, exactly
        with django_capture_on_commit_callbacks(execute=True):
            return webhook_event_publish(
                event_type=event_type,
                event_id=str(uuid.uuid4()),
                occurred_at=timezone.now(),
                subject=event_subject(event_type, data),
                payload=data,
            )

    return publish


def test_licence_issued_after_a_sandbox_purchase_then_escrow_released(
    receiver, endpoint, buyer, published_listing, django_capture_on_commit_callbacks
):
    """No test-side publishing: the purchase and the release write outbox events, whose handler
    (marketplace.domain_events) builds these payloads and publishes them to the endpoint."""
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        licence_escrow_release(licence=licence, idempotency_key=f"release:{licence.reference}")
    with django_capture_on_commit_callbacks(execute=True):
        outbox.events_pending_inline()  # what the worker does with events written inside handlers

    issued, released = receiver.payloads_in_order(f"licence:{licence.reference}")
    assert (issued["type"], issued["sequence"]) == ("licence.issued", 1)
    assert issued["data"]["licence"] == licence.reference
    assert issued["data"]["buyer"] == buyer.pk and issued["data"]["seller"] == published_listing.seller_id
    assert issued["data"]["amount"] == {"amount_minor": licence.amount_minor, "currency": licence.currency}
    assert issued["data"]["status"] == "active" and issued["data"]["scope"] == licence.scope
    assert (released["type"], released["sequence"]) == ("escrow.released", 2)
    assert released["data"]["status"] == "released"
    assert released["data"]["captured"]["amount_minor"] == licence.amount_minor
    assert released["data"]["remaining"] == {"amount_minor": 0, "currency": licence.currency}
    assert all(r.verified_with for r in receiver.requests)


def test_listing_published_and_revocation_requested(receiver, endpoint, published_listing, emit):
    emit("listing.published", listing_event_payload(published_listing))
    revocation = revocation_request(seller=published_listing.seller, listing=published_listing, reason="")
    emit("revocation.requested", revocation_event_payload(revocation))

    published, requested = receiver.payloads_in_order(f"listing:{published_listing.pk}")
    assert published["data"]["status"] == "published" and published["data"]["tier"] == "lead"
    assert published["data"]["annual_price"] == {"amount_minor": 1_500_000, "currency": "CNY"}
    assert requested["data"]["revocation"] == revocation.reference
    assert requested["data"]["status"] == "notice" and requested["sequence"] == 2


def test_verification_payload_carries_no_biometric_detail(seller):
    from marketplace.webhooks.events import verification_event_payload
    from verification.models import Enrollment

    enrollment = Enrollment(
        pk=7,
        user=seller,
        status="blocked",
        decided_at=timezone.now(),
        reasons=["face_matches_protected_person"],
        metrics={"score": 0.31},
    )
    data = verification_event_payload(enrollment)
    assert set(data) == set(EVENT_TYPES["verification.blocked"].fields)
    assert data["seller"] == seller.pk and data["status"] == "blocked"
    assert event_subject("verification.blocked", data) == f"seller:{seller.pk}"
    assert "0.31" not in str(data) and "protected" not in str(data)
