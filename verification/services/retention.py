"""Retention of raw captures (photos and frames): deleted once a verdict exists, or when abandoned."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kernel.transitions import TransitionConflict, transition
from verification.conf import verification_settings

from ..models import Enrollment, LivenessFrame, ReferencePhoto
from ..state import DECIDED_STATUSES, EnrollmentStatus


@transaction.atomic
def raw_captures_delete(*, enrollment: Enrollment) -> int:
    """Delete an enrollment's photos and frames now; returns how many went."""
    photos, _ = ReferencePhoto.objects.filter(enrollment=enrollment).delete()
    frames, _ = LivenessFrame.objects.filter(enrollment=enrollment).delete()
    now = timezone.now()
    Enrollment.objects.filter(pk=enrollment.pk).update(captures_purged_at=now)
    enrollment.captures_purged_at = now
    return photos + frames


def raw_captures_purge(*, now=None) -> int:
    """Delete raw captures of decided enrollments older than RAW_CAPTURE_RETENTION_HOURS (the periodic
    task's work when the retention is not 0), and expire abandoned enrollments. Returns captures deleted."""
    now = now or timezone.now()
    enrollments_expire_abandoned(now=now)
    cutoff = now - timedelta(hours=float(verification_settings.RAW_CAPTURE_RETENTION_HOURS))
    due = (
        Enrollment.objects.filter(captures_purged_at=None)
        .exclude(status__in=_undecided())
        .filter(
            Q(decided_at__lte=cutoff) | Q(decided_at=None, updated_at__lte=cutoff)  # expired / withdrawn
        )
    )
    deleted = 0
    for enrollment in due:
        deleted += raw_captures_delete(enrollment=enrollment)
    return deleted


def enrollments_expire_abandoned(*, now=None) -> int:
    """Enrollments left before the camera step for ENROLLMENT_ABANDONED_HOURS expire; their photos go."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=float(verification_settings.ENROLLMENT_ABANDONED_HOURS))
    expired = 0
    stale = Enrollment.objects.filter(
        status__in=[EnrollmentStatus.PHOTOS, EnrollmentStatus.CHALLENGE_ISSUED], updated_at__lte=cutoff
    )
    for enrollment in stale:
        with transaction.atomic():
            try:
                transition(enrollment, to=EnrollmentStatus.EXPIRED, reason="abandoned")
            except TransitionConflict:  # the seller went on with it meanwhile
                continue
            raw_captures_delete(enrollment=enrollment)
            expired += 1
    return expired


def _undecided() -> list[str]:
    return [
        s
        for s in EnrollmentStatus.values
        if s not in DECIDED_STATUSES
        and s not in (EnrollmentStatus.EXPIRED, EnrollmentStatus.WITHDRAWN, EnrollmentStatus.REVERIFY)
    ]
