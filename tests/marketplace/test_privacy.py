"""Biometric consent withdrawal and erasure (PIPL arts. 15 and 47), across the apps, checked in the
database: no template or capture row is left, the face is out of the index, the listing is withdrawn
and its licence ends by the revocation rules; erasure pseudonymises what the ledger keeps."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from listings.services import listing_publish
from marketplace.models import Licence, Notification, Revocation
from marketplace.services import revocations_apply
from payouts.models import Refund
from tests.marketplace.purchase_helpers import assert_ledger_balanced
from tests.marketplace.usage_helpers import licensed
from tests.verification.conftest import (  # noqa: F401  (fixtures)
    CLIP_PERSON_PHOTO,
    clip_frames,
    decisions_inline,
    enroll,
    photo,
)
from verification.models import Enrollment, FaceTemplate, LivenessFrame, ReferencePhoto

pytestmark = [pytest.mark.django_db, pytest.mark.faces]
WITHDRAW = "/api/v1/privacy/biometric-consent/withdraw/"
ERASE = "/api/v1/privacy/erasure/"


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def captures_of(user) -> int:
    enrollments = Enrollment.objects.filter(user=user)
    return (
        ReferencePhoto.objects.filter(enrollment__in=enrollments).count()
        + LivenessFrame.objects.filter(enrollment__in=enrollments).count()
    )


def in_index(user, photo_bytes) -> bool:  # noqa: F811
    from verification.engine_registry import get_face_engine, get_face_index
    from verification.photos import photo_embedding

    engine = get_face_engine()
    _clean, embedding = photo_embedding(photo_bytes, engine=engine)
    hits = get_face_index().search(
        embedding, engine_id=engine.engine_id, model_hash=engine.model_hash, metric=engine.metric, k=5
    )
    return any(hit.subject_user_id == user.pk for hit in hits)


@pytest.fixture
def real_seller_with_sale(
    make_user,
    buyer,
    enroll,  # noqa: F811
    make_listing,
    settings,
    django_capture_on_commit_callbacks,
):
    """A seller verified by the real flow (captures kept 2 h, so some remain), a listing, a sold licence."""
    settings.FACE_MARKET = {**settings.FACE_MARKET, "RAW_CAPTURE_RETENTION_HOURS": 2}
    seller = make_user("real_seller", "seller")
    assert enroll(seller).status == "verified"
    listing = listing_publish(listing=make_listing(seller), actor=seller)
    return seller, listing, licensed(buyer, listing, django_capture_on_commit_callbacks)


def test_withdrawal_deletes_templates_and_captures_and_ends_the_deal(
    real_seller_with_sale,
    photo,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    seller, listing, licence = real_seller_with_sale
    assert FaceTemplate.objects.filter(subject_user=seller).exists() and captures_of(seller) > 0
    assert in_index(seller, photo(CLIP_PERSON_PHOTO))

    unconfirmed = api_as(seller).post(WITHDRAW, {"confirm": False}, format="json")
    assert unconfirmed.status_code == 400 and FaceTemplate.objects.filter(subject_user=seller).exists()

    with django_capture_on_commit_callbacks(execute=True):  # the outbox handler runs too: idempotent
        done = api_as(seller).post(WITHDRAW, {"confirm": True}, format="json")
    assert done.status_code == 200, done.content
    assert not FaceTemplate.objects.filter(subject_user=seller).exists()
    assert captures_of(seller) == 0
    assert not in_index(seller, photo(CLIP_PERSON_PHOTO))
    listing.refresh_from_db()
    assert listing.status == "withdrawn"
    [revocation] = Revocation.objects.filter(listing=listing)
    assert done.json()["revocations"] == [revocation.reference]
    assert Notification.objects.filter(user=licence.buyer, kind="licence_revocation_notice").exists()

    revocations_apply(now=revocation.effective_at)
    licence.refresh_from_db()
    assert licence.status == "revoked" and Refund.objects.filter(reference=licence.reference).exists()
    assert_ledger_balanced()


def test_erasure_pseudonymises_what_the_ledger_keeps(
    real_seller_with_sale, django_capture_on_commit_callbacks
):
    seller, listing, licence = real_seller_with_sale
    with django_capture_on_commit_callbacks(execute=True):
        erased = api_as(seller).post(ERASE, {"confirm": True}, format="json")
    assert erased.status_code == 200, erased.content
    seller.refresh_from_db()
    assert seller.username.startswith("erased-") and seller.email == "" and not seller.is_active
    assert not seller.has_usable_password()
    assert not FaceTemplate.objects.filter(subject_user=seller).exists() and captures_of(seller) == 0
    assert not Notification.objects.filter(user=seller).exists()
    kept = Licence.objects.get(pk=licence.pk)  # the ledger's records stay, under the pseudonym
    assert kept.seller_id == seller.pk and kept.amount_minor == licence.amount_minor
    assert "real_seller" not in erased.content.decode()
    assert_ledger_balanced()


def test_withdrawal_on_verifications_own_page_reaches_the_deal_through_the_outbox(
    real_seller_with_sale, django_capture_on_commit_callbacks
):
    from verification.services import biometric_consent_withdraw

    seller, listing, _licence = real_seller_with_sale
    with django_capture_on_commit_callbacks(execute=True):
        biometric_consent_withdraw(user=seller)
    listing.refresh_from_db()
    assert listing.status == "withdrawn" and Revocation.objects.filter(listing=listing).exists()
