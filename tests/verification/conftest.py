"""Fixtures of the verification tests: real photos and the real clip's frames, and an enrollment driver.

The clip (tests/data/faces/video_frames, about 10 frames a second) shows Lin-Manuel Miranda; from its
6th frame on he turns his head to his right, to his left, then to his right again. ``CLIP_ACTIONS`` is
that order: tests that drive a whole enrollment set the issued challenge to it, since a random challenge
cannot match a fixed recording (that is the point of a random challenge).
"""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "faces"
PEOPLE = DATA / "people"
CLIP_FRAMES_DIR = DATA / "video_frames"
#: first frame of the clip where the performer faces the camera before moving
CLIP_START = 5
CLIP_ACTIONS = ["turn_right", "turn_left", "turn_right"]
#: the person of the clip, in people/
CLIP_PERSON_PHOTO = "lin_manuel_miranda.jpg"


@pytest.fixture(scope="session")
def photo():
    """photo("obama.jpg") -> the file's bytes (read once per session)."""
    cache: dict[str, bytes] = {}

    def read(name: str) -> bytes:
        if name not in cache:
            cache[name] = (PEOPLE / name).read_bytes()
        return cache[name]

    return read


@pytest.fixture(scope="session")
def clip_frames() -> list[bytes]:
    """The real clip's JPEG frames from the performer's neutral pose on, in capture order."""
    return [p.read_bytes() for p in sorted(CLIP_FRAMES_DIR.glob("frame_*.jpg"))[CLIP_START:]]


@pytest.fixture
def decisions_inline(monkeypatch):
    """Run the decision task in this process when it is enqueued, whatever the broker settings say.

    With CELERY_BROKER_URL set (the PostgreSQL run), ``.delay`` would send the task to Redis, where no
    worker shares this test's uncommitted transaction. Only the integration test uses the real worker.
    """
    from verification import tasks

    monkeypatch.setattr(
        tasks.enrollment_decide_task,
        "delay",
        lambda enrollment_id: tasks.enrollment_decide_task.apply(args=[enrollment_id]),
    )


@pytest.fixture
def enroll(photo, clip_frames, decisions_inline, django_capture_on_commit_callbacks):
    """enroll(user, photos=[...], actions=CLIP_ACTIONS, frames=None) -> the decided Enrollment.

    Drives the real services: consent, start, photos, challenge (set to ``actions``), frames; the
    decision runs on commit, as in production.
    """
    from verification import services
    from verification.consent import current_version
    from verification.models import Enrollment

    def run(user, *, photos=(CLIP_PERSON_PHOTO,), actions=CLIP_ACTIONS, frames=None):
        services.biometric_consent_record(user=user, text_version=current_version())
        enrollment = services.enrollment_start(user=user)
        for name in photos:
            services.reference_photo_add(enrollment=enrollment, data=photo(name), actor=user)
        enrollment = services.liveness_challenge_issue(enrollment=enrollment, actor=user)
        Enrollment.objects.filter(pk=enrollment.pk).update(challenge_actions=list(actions))
        with django_capture_on_commit_callbacks(execute=True):
            services.liveness_frames_submit(
                enrollment=enrollment,
                nonce=enrollment.challenge_nonce,
                frames=list(clip_frames if frames is None else frames),
                actor=user,
            )
        enrollment.refresh_from_db()
        return enrollment

    return run


@pytest.fixture
def started(seller, photo):
    """An enrollment of ``seller`` with consent given and one reference photo of the clip's person."""
    from verification import services
    from verification.consent import current_version

    services.biometric_consent_record(user=seller, text_version=current_version())
    enrollment = services.enrollment_start(user=seller)
    services.reference_photo_add(enrollment=enrollment, data=photo(CLIP_PERSON_PHOTO), actor=seller)
    return enrollment
