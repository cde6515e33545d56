"""The seller's side of an enrollment: start, reference photos, the liveness challenge, the frames."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.transitions import history_record, transition
from verification.conf import verification_settings

from ..consent import current_version
from ..engine_registry import get_face_engine
from ..errors import VerificationError, refused
from ..liveness import challenge_actions
from ..models import BiometricConsent, Enrollment, FaceMatchFlag, LivenessFrame, ReferencePhoto
from ..permissions import can_enroll
from ..photos import check_frame, photo_clean
from ..state import ACTIVE_STATUSES, EnrollmentStatus

S = EnrollmentStatus


def _challenge_rng() -> secrets.SystemRandom:
    """Cryptographic randomness for challenges: a replayed recording must not know what is coming."""
    return secrets.SystemRandom()


@transaction.atomic
def enrollment_start(*, user) -> Enrollment:
    """Open an enrollment for a seller who accepted the current consent text (or return the open one)."""
    if not can_enroll(user):
        raise refused("not_a_seller", 403)
    consent = BiometricConsent.objects.filter(
        user=user, text_version=current_version(), withdrawn_at=None
    ).first()
    if consent is None:
        raise refused("consent_required", 409)
    current = Enrollment.objects.filter(user=user, status__in=sorted(ACTIVE_STATUSES)).first()
    if current is not None:
        return current
    if Enrollment.objects.filter(user=user, status=S.VERIFIED).exists():
        raise refused("already_verified", 409)
    if FaceMatchFlag.objects.filter(subject_user=user, status=FaceMatchFlag.Status.OPEN).exists():
        # a retry would only raise another flag: a moderator looks at the first one
        raise refused("under_review", 409)
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(user=user, consent=consent)
    except IntegrityError:  # a second tab started one at the same moment (fm_ver_one_active_enrollment)
        return Enrollment.objects.get(user=user, status__in=sorted(ACTIVE_STATUSES))
    history_record(enrollment, from_status="", to_status=enrollment.status, actor=user, reason="started")
    return enrollment


def reference_photo_add(*, enrollment: Enrollment, data: bytes, actor) -> ReferencePhoto:
    """Check an uploaded photo (one clear face, metadata stripped) and keep its cleaned JPEG.

    The intake (decoding, face detection) runs before the transaction opens, so no row is locked while
    the CPU works; the checks that depend on the enrollment are repeated under the row lock.
    """
    _require_owner(enrollment, actor)
    _require_step(enrollment, S.PHOTOS)
    _require_room_for_photo(enrollment)
    result = photo_clean(data, engine=get_face_engine())
    digest = hashlib.sha256(result.clean_jpeg).hexdigest()
    with transaction.atomic():
        locked = Enrollment.objects.select_for_update(no_key=True).get(pk=enrollment.pk)
        _require_step(locked, S.PHOTOS)
        _require_room_for_photo(locked)
        if locked.reference_photos.filter(sha256=digest).exists():
            raise refused("duplicate_photo")
        height, width = result.rgb.shape[:2]
        photo = ReferencePhoto.objects.create(
            enrollment=locked, jpeg=result.clean_jpeg, sha256=digest, width=width, height=height
        )
        Enrollment.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return photo


@transaction.atomic
def liveness_challenge_issue(*, enrollment: Enrollment, actor) -> Enrollment:
    """Issue a fresh random challenge (actions + single-use nonce + expiry); replaces an unanswered one.

    The one-shot form: every action at once. The camera page uses the guided check instead
    (``services.guided``); ``LIVENESS_GUIDED_REQUIRED`` refuses this one.
    """
    _require_owner(enrollment, actor)
    if verification_settings.LIVENESS_GUIDED_REQUIRED:
        raise refused("guided_required", 409)
    locked = Enrollment.objects.select_for_update(no_key=True).get(pk=enrollment.pk)
    _require_step(locked, S.PHOTOS, S.CHALLENGE_ISSUED)
    if locked.reference_photos.count() < int(verification_settings.REFERENCE_PHOTOS_MIN):
        raise refused("too_few_photos")
    now = timezone.now()
    transition(
        locked,
        to=S.CHALLENGE_ISSUED,
        actor=actor,
        challenge_actions=list(challenge_actions(_challenge_rng())),
        challenge_guided=False,
        challenge_steps=[],
        challenge_nonce=secrets.token_urlsafe(32),
        challenge_issued_at=now,
        challenge_expires_at=now
        + timedelta(seconds=int(verification_settings.LIVENESS_CHALLENGE_TTL_SECONDS)),
        frames_count=0,
    )
    return locked


def liveness_frames_submit(*, enrollment: Enrollment, nonce: str, frames: list[bytes], actor) -> Enrollment:
    """Accept the frames captured for the current challenge and queue the decision.

    The nonce is single-use: once frames are in, the same nonce is refused as a replay. Every frame is
    checked (count, size, a decodable JPEG) before anything is written; all are stored or none.
    """
    _require_owner(enrollment, actor)
    low, high = int(verification_settings.LIVENESS_FRAMES_MIN), int(verification_settings.LIVENESS_FRAMES_MAX)
    if len(frames) > high:
        raise refused("too_many_frames")
    if len(frames) < low:
        raise refused("too_few_frames")
    for data in frames:
        check_frame(data)
    with transaction.atomic():
        locked = Enrollment.objects.select_for_update(no_key=True).get(pk=enrollment.pk)
        nonce_matches = bool(locked.challenge_nonce) and secrets.compare_digest(
            str(nonce).encode(), locked.challenge_nonce.encode()
        )
        if locked.status != S.CHALLENGE_ISSUED:
            raise refused("challenge_used" if nonce_matches else "wrong_step", 409)
        if not nonce_matches:
            raise refused("nonce_mismatch", 409)
        if locked.challenge_guided:  # a guided check's frames arrive through guided_frames_add
            raise refused("wrong_step", 409)
        if locked.challenge_expires_at is None or timezone.now() >= locked.challenge_expires_at:
            raise refused("challenge_expired", 409)
        LivenessFrame.objects.bulk_create(
            LivenessFrame(enrollment=locked, index=i, jpeg=data, sha256=hashlib.sha256(data).hexdigest())
            for i, data in enumerate(frames)
        )
        transition(locked, to=S.FRAMES_UPLOADED, actor=actor, frames_count=len(frames))
        from ..tasks import enrollment_decide_task  # tasks import services: import here, not at the top

        enrollment_id = locked.pk
        transaction.on_commit(lambda: enrollment_decide_task.delay(enrollment_id))
    return locked


def _require_owner(enrollment: Enrollment, actor) -> None:
    """Only the seller who owns an enrollment acts on it (the API also hides others' enrollments)."""
    if actor is None or actor.pk != enrollment.user_id:
        raise VerificationError("not_found", _("No such enrollment."), status=404)


def _require_step(enrollment: Enrollment, *allowed: str) -> None:
    if enrollment.status not in allowed:
        raise refused("wrong_step", 409)


def _require_room_for_photo(enrollment: Enrollment) -> None:
    if enrollment.reference_photos.count() >= int(verification_settings.REFERENCE_PHOTOS_MAX):
        raise refused("too_many_photos")
