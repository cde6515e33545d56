"""Biometric consent: recorded separately from any other terms, with the text shown; withdrawable."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from kernel import outbox
from kernel.transitions import transition

from ..consent import consent_text, current_version
from ..errors import refused
from ..models import BiometricConsent, Enrollment, FaceTemplate
from ..permissions import can_enroll
from ..state import ACTIVE_STATUSES, EnrollmentStatus
from .retention import raw_captures_delete
from .templates import face_template_withdraw

#: outbox event: a user withdrew biometric consent (their templates and captures are deleted)
CONSENT_WITHDRAWN = "verification.consent_withdrawn"


@transaction.atomic
def biometric_consent_record(*, user, text_version: str, ip_address: str | None = None) -> BiometricConsent:
    """Record that ``user`` accepted the consent text of ``text_version`` (the one they were shown).

    Refused when that is no longer the current version: consent to a text nobody showed them is no consent.
    Accepting the current text twice returns the existing record.
    """
    if not can_enroll(user):
        raise refused("not_a_seller", 403)
    if text_version != current_version():
        raise refused("consent_version_changed", 409)
    existing = BiometricConsent.objects.filter(
        user=user, text_version=text_version, withdrawn_at=None
    ).first()
    if existing is not None:
        return existing
    return BiometricConsent.objects.create(
        user=user,
        text_version=text_version,
        text=consent_text(text_version),
        language=get_language() or "",
        ip_address=ip_address or None,
    )


@transaction.atomic
def biometric_consent_withdraw(*, user) -> int:
    """Withdraw every active consent of ``user`` and delete the biometric data it covered.

    Ends running and verified enrollments (status ``withdrawn``), deletes their raw captures and deletes
    the user's face templates outright: without consent there is no ground to keep them. Flags raised
    earlier keep their evidence (scores only). Returns the number of consents withdrawn.
    """
    now = timezone.now()
    withdrawn = BiometricConsent.objects.filter(user=user, withdrawn_at=None).update(withdrawn_at=now)
    ending = Enrollment.objects.select_for_update(no_key=True).filter(
        user=user, status__in=sorted(ACTIVE_STATUSES | {EnrollmentStatus.VERIFIED})
    )
    for enrollment in ending:
        transition(enrollment, to=EnrollmentStatus.WITHDRAWN, actor=user, reason="consent withdrawn")
    for enrollment in Enrollment.objects.filter(user=user, captures_purged_at=None):
        raw_captures_delete(enrollment=enrollment)
    for template in FaceTemplate.objects.filter(subject_user=user):
        face_template_withdraw(template=template, delete=True)
    # the deal above listens: the seller's listings are withdrawn and their licences end with notice
    outbox.event_emit(CONSENT_WITHDRAWN, subject=f"user:{user.pk}", payload={"user_id": user.pk})
    return withdrawn
