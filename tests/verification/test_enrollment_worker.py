"""The decision task in a real Celery worker process, on PostgreSQL (the production arrangement).

The frames upload commits, ``transaction.on_commit`` sends the task to the real broker, and the worker
(another process, same test database) runs the liveness decision and the pgvector-capable face index.
"""

from __future__ import annotations

import time

import pytest

from kernel.transitions import history
from verification import services
from verification.consent import current_version
from verification.models import Enrollment, FaceTemplate, LivenessFrame, ReferencePhoto

from .conftest import CLIP_ACTIONS, CLIP_PERSON_PHOTO

pytestmark = [
    pytest.mark.integration,
    pytest.mark.postgres,
    pytest.mark.faces,
    pytest.mark.django_db(transaction=True),
]


def test_worker_decides_an_enrollment_after_commit(celery_worker_process, seller, photo, clip_frames):
    services.biometric_consent_record(user=seller, text_version=current_version())
    enrollment = services.enrollment_start(user=seller)
    services.reference_photo_add(enrollment=enrollment, data=photo(CLIP_PERSON_PHOTO), actor=seller)
    enrollment = services.liveness_challenge_issue(enrollment=enrollment, actor=seller)
    Enrollment.objects.filter(pk=enrollment.pk).update(challenge_actions=CLIP_ACTIONS)

    services.liveness_frames_submit(
        enrollment=enrollment, nonce=enrollment.challenge_nonce, frames=clip_frames, actor=seller
    )  # commits: the task goes to the broker

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        enrollment.refresh_from_db()
        if enrollment.decided_at is not None:
            break
        time.sleep(0.5)
    assert enrollment.status == "verified", (enrollment.status, enrollment.reasons)
    assert FaceTemplate.objects.filter(subject_user=seller, is_active=True).count() == 1
    assert not ReferencePhoto.objects.filter(enrollment=enrollment).exists()
    assert not LivenessFrame.objects.filter(enrollment=enrollment).exists()
    assert [e.to_status for e in history(enrollment).all()][-2:] == ["deciding", "verified"]

    # the task is idempotent: running it again in the worker changes nothing
    from verification.tasks import enrollment_decide_task

    assert enrollment_decide_task.delay(enrollment.pk).get(timeout=60) == "verified"
    assert FaceTemplate.objects.filter(subject_user=seller).count() == 1
