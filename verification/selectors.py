"""Reads of the verification app. The listings app uses the first three."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import QuerySet

from .consent import current_version
from .engine_registry import get_face_engine
from .errors import VerificationError
from .models import BiometricConsent, Enrollment, FaceMatchFlag, FaceTemplate, ProtectedPerson
from .permissions import can_moderate
from .photos import photo_embedding
from .state import EnrollmentStatus


def seller_is_verified(user) -> bool:
    """True when the user passed liveness and the face check, and has not withdrawn consent since."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Enrollment.objects.filter(user=user, status=EnrollmentStatus.VERIFIED).exists()


def seller_face_template(user) -> FaceTemplate | None:
    """The verified seller's active face template (the newest), or None. Never serialise its embedding."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        FaceTemplate.objects.filter(subject_user=user, kind=FaceTemplate.Kind.SELLER, is_active=True)
        .order_by("-created_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class PhotoMatch:
    """Does a photo show the verified seller? ``score``: distance or similarity in the engine's metric
    (NaN when nothing was compared); ``error_code``: why not compared (an intake code or "no_template")."""

    matched: bool
    score: float
    error_code: str | None = None


def seller_photo_match(*, user, data: bytes) -> PhotoMatch:
    """Compare a portfolio photo with the seller's verified face, using the configured engine.

    Only a template of the same engine and model is compared (others mean nothing); a seller verified
    under an earlier engine gets ``error_code="no_template"`` until they verify again.
    """
    engine = get_face_engine()
    template = (
        (
            FaceTemplate.objects.filter(
                subject_user=user,
                kind=FaceTemplate.Kind.SELLER,
                is_active=True,
                engine_id=engine.engine_id,
                model_hash=engine.model_hash,
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if getattr(user, "is_authenticated", False)
        else None
    )
    if template is None:
        return PhotoMatch(matched=False, score=math.nan, error_code="no_template")
    try:
        _clean, embedding = photo_embedding(data, engine=engine)
    except VerificationError as exc:
        return PhotoMatch(matched=False, score=math.nan, error_code=exc.code)
    score = engine.score(embedding, template.vector())
    return PhotoMatch(matched=engine.is_match(score), score=score, error_code=None)


def consent_active(user) -> BiometricConsent | None:
    """The user's consent to the current text, if given and not withdrawn."""
    return BiometricConsent.objects.filter(
        user=user, text_version=current_version(), withdrawn_at=None
    ).first()


def enrollment_latest(user) -> Enrollment | None:
    return Enrollment.objects.filter(user=user).order_by("-created_at", "-pk").first()


def enrollments_visible_to(user) -> QuerySet[Enrollment]:
    """A seller sees their own enrollments only (someone else's is "not found", not "forbidden")."""
    if not getattr(user, "is_authenticated", False):
        return Enrollment.objects.none()
    return Enrollment.objects.filter(user=user)


def flags_visible_to(user) -> QuerySet[FaceMatchFlag]:
    if not can_moderate(user):
        return FaceMatchFlag.objects.none()
    return FaceMatchFlag.objects.select_related("enrollment", "matched_protected_person")


def flags_open() -> QuerySet[FaceMatchFlag]:
    """Open flags, newest first: the moderation queue's source."""
    return FaceMatchFlag.objects.filter(status=FaceMatchFlag.Status.OPEN)


def protected_persons() -> QuerySet[ProtectedPerson]:
    return ProtectedPerson.objects.all()
