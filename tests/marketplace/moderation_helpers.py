"""Helpers of the moderation tests: licences bought and paid on a listing, a face-index flag."""

from __future__ import annotations

from marketplace.models import Licence
from marketplace.services import order_create

from .purchase_helpers import key, pay, scope_for


def buy(buyer, listing, capture) -> Licence:
    """``buyer`` buys the smallest scope of ``listing`` and pays on the sandbox page."""
    order = order_create(buyer=buyer, listing_id=listing.pk, scope=scope_for(listing), checkout_key=key())
    pay(order, capture=capture)
    return Licence.objects.get(order=order)


def face_match_flag(*, subject, matched, kind="duplicate", score=0.31):
    """A flag as verification's decision writes it (the real flow is tested in tests/verification)."""
    from verification.models import BiometricConsent, Enrollment, FaceMatchFlag

    consent = BiometricConsent.objects.create(user=subject, text_version="test", text="consent")
    enrollment = Enrollment.objects.create(
        user=subject, consent=consent, status="blocked", reasons=["face_matches_other_seller"]
    )
    return FaceMatchFlag.objects.create(
        kind=kind,
        enrollment=enrollment,
        subject_user=subject,
        matched_user=matched,
        score=score,
        threshold=0.55,
        metric="euclidean",
        engine_id="dlib",
        model_hash="x",
        evidence={"photos": [{"photo": 0, "template": 1, "score": score}], "photos_compared": 1},
    )
