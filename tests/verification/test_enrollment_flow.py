"""Enrollment end to end through the services, on real photos and the real clip's frames.

Each test runs the real engine (dlib + MediaPipe): consent, reference photos, challenge, frames, then the
decision task (liveness, face index), as production does.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kernel.transitions import history
from verification import selectors, services
from verification.errors import VerificationError
from verification.models import (
    BiometricConsent,
    Enrollment,
    FaceMatchFlag,
    FaceTemplate,
    LivenessFrame,
    ReferencePhoto,
)
from verification.state import EnrollmentStatus as S

from .conftest import CLIP_PERSON_PHOTO

pytestmark = [pytest.mark.django_db, pytest.mark.faces]


def raw_captures(enrollment) -> int:
    return (
        ReferencePhoto.objects.filter(enrollment=enrollment).count()
        + LivenessFrame.objects.filter(enrollment=enrollment).count()
    )


def test_happy_path_verifies_stores_a_template_and_deletes_raw_captures(seller, enroll):
    enrollment = enroll(seller)

    assert enrollment.status == S.VERIFIED, enrollment.reasons
    assert enrollment.reasons == []
    assert enrollment.decided_at is not None
    assert selectors.seller_is_verified(seller)
    template = selectors.seller_face_template(seller)
    assert template is not None and template.kind == FaceTemplate.Kind.SELLER
    assert template.engine_id == "dlib-resnet-v1" and template.dimensions == 128
    assert len(bytes(template.embedding)) == 128 * 4
    # raw photos and frames are gone as soon as the verdict exists (retention 0 by default)
    assert raw_captures(enrollment) == 0 and enrollment.captures_purged_at is not None
    # metrics are plain numbers, never vectors
    assert enrollment.metrics["frames_total"] == 38
    assert all(isinstance(v, float) for v in enrollment.metrics.values())
    moves = list(history(enrollment).values_list("to_status", flat=True))
    assert moves == [S.PHOTOS, S.CHALLENGE_ISSUED, S.FRAMES_UPLOADED, S.DECIDING, S.VERIFIED]


def test_deciding_twice_decides_once(seller, enroll):
    enrollment = enroll(seller)
    again = services.enrollment_decide(enrollment_id=enrollment.pk)
    assert again.status == S.VERIFIED
    assert FaceTemplate.objects.filter(subject_user=seller).count() == 1
    assert history(enrollment).count() == 5


def test_stolen_face_second_seller_is_blocked_with_a_flag_and_evidence(make_user, enroll):
    owner = make_user("real_owner", "seller")
    thief = make_user("thief", "seller")
    assert enroll(owner).status == S.VERIFIED

    stolen = enroll(thief)  # the same face: photos and frames of the verified seller

    assert stolen.status == S.BLOCKED
    assert stolen.reasons[0] == "face_matches_other_seller"
    assert not selectors.seller_is_verified(thief)
    assert not FaceTemplate.objects.filter(subject_user=thief).exists()
    flag = FaceMatchFlag.objects.get(enrollment=stolen)
    owner_template = selectors.seller_face_template(owner)
    assert flag.kind == FaceMatchFlag.Kind.DUPLICATE and flag.status == FaceMatchFlag.Status.OPEN
    assert flag.subject_user == thief and flag.matched_user == owner
    assert flag.matched_template == owner_template
    assert flag.metric == "euclidean" and 0 <= flag.score < flag.threshold
    assert flag.engine_id == owner_template.engine_id and flag.model_hash == owner_template.model_hash
    assert flag.evidence["photos"][0]["template"] == owner_template.pk
    assert raw_captures(stolen) == 0
    # and the thief cannot simply retry while a moderator looks at it
    with pytest.raises(VerificationError) as refused:
        services.enrollment_start(user=thief)
    assert refused.value.code == "under_review"


def test_protected_persons_face_is_blocked_even_when_liveness_also_fails(seller, moderator, photo, enroll):
    person = services.protected_person_add(name="Barack Obama", reason="public_figure", added_by=moderator)
    services.protected_face_add(person=person, data=photo("obama.jpg"), added_by=moderator)

    # another photo of the protected person as the "listing" photo; the live face (the clip) is not his
    enrollment = enroll(seller, photos=["obama2.jpg"])

    assert enrollment.status == S.BLOCKED
    assert enrollment.reasons[0] == "face_matches_protected_person"
    assert "reference_mismatch" in enrollment.reasons
    flag = FaceMatchFlag.objects.get(enrollment=enrollment)
    assert flag.kind == FaceMatchFlag.Kind.PROTECTED
    assert flag.matched_protected_person == person and flag.matched_user is None
    assert flag.score < flag.threshold
    assert not FaceTemplate.objects.filter(subject_user=seller).exists()


def test_actions_in_the_wrong_order_are_rejected_with_reasons(seller, enroll):
    enrollment = enroll(seller, actions=["turn_left", "turn_right", "turn_left"])
    assert enrollment.status == S.REJECTED
    assert enrollment.reasons == ["actions_out_of_order"]
    assert not FaceTemplate.objects.filter(subject_user=seller).exists()
    assert not FaceMatchFlag.objects.exists()
    assert raw_captures(enrollment) == 0


def test_reference_photo_of_someone_else_is_rejected(seller, enroll):
    enrollment = enroll(seller, photos=["kit_harington1.jpg"])
    assert enrollment.status == S.REJECTED
    assert "reference_mismatch" in enrollment.reasons


def test_retention_keeps_raw_captures_until_the_periodic_purge(seller, enroll, settings):
    settings.FACE_MARKET = {**settings.FACE_MARKET, "RAW_CAPTURE_RETENTION_HOURS": 2}
    enrollment = enroll(seller)
    assert enrollment.status == S.VERIFIED
    assert raw_captures(enrollment) == 1 + 38

    assert services.raw_captures_purge(now=timezone.now() + timedelta(hours=1)) == 0
    assert services.raw_captures_purge(now=timezone.now() + timedelta(hours=3)) == 39
    enrollment.refresh_from_db()
    assert raw_captures(enrollment) == 0 and enrollment.captures_purged_at is not None


def test_abandoned_enrollment_expires_and_its_photos_go(started):
    services.enrollments_expire_abandoned(now=timezone.now() + timedelta(hours=25))
    started.refresh_from_db()
    assert started.status == S.EXPIRED
    assert raw_captures(started) == 0


def test_withdrawing_consent_deletes_the_template_and_ends_verification(seller, enroll):
    enroll(seller)
    assert selectors.seller_is_verified(seller)

    services.biometric_consent_withdraw(user=seller)

    assert not selectors.seller_is_verified(seller)
    assert not FaceTemplate.objects.filter(subject_user=seller).exists()
    assert Enrollment.objects.get(user=seller).status == S.WITHDRAWN
    assert BiometricConsent.objects.get(user=seller).withdrawn_at is not None


def test_seller_photo_match(make_user, enroll, photo):
    owner = make_user("owner", "seller")
    enroll(owner)
    match = selectors.seller_photo_match(user=owner, data=photo(CLIP_PERSON_PHOTO))
    assert match.matched and match.error_code is None and match.score < 0.36
    other = selectors.seller_photo_match(user=owner, data=photo("biden.jpg"))
    assert not other.matched and other.error_code is None
    broken = selectors.seller_photo_match(user=owner, data=b"not an image")
    assert not broken.matched and broken.error_code
    unverified = selectors.seller_photo_match(user=make_user("newbie", "seller"), data=photo("biden.jpg"))
    assert unverified.error_code == "no_template"
