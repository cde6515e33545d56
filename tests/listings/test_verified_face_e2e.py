"""End to end with the real verification app: a real face verified by liveness, then listed.

No stand-in here: the seller is verified by the real flow (consent, reference photo, the real clip's
frames, the offline dlib/MediaPipe engines), then portfolio photos are matched against that real
face, and publishing follows the real ``seller_is_verified``.
"""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from listings.errors import TransitionRefused
from listings.services import listing_publish, portfolio_photo_add
from listings.state import ListingStatus

pytestmark = [pytest.mark.django_db, pytest.mark.faces]

DATA = Path(__file__).resolve().parents[1] / "data" / "faces"
CLIP_START = 5  # the performer faces the camera from this frame on, then turns right, left, right
CLIP_ACTIONS = ["turn_right", "turn_left", "turn_right"]
PERFORMER = DATA / "people" / "lin_manuel_miranda.jpg"
SOMEONE_ELSE = DATA / "people" / "biden.jpg"


@pytest.fixture
def really_verified(seller, monkeypatch, django_capture_on_commit_callbacks):
    from verification import services, tasks
    from verification.consent import current_version
    from verification.models import Enrollment

    # decide in this process even when a broker is configured (no worker shares this transaction)
    monkeypatch.setattr(
        tasks.enrollment_decide_task,
        "delay",
        lambda enrollment_id: tasks.enrollment_decide_task.apply(args=[enrollment_id]),
    )
    services.biometric_consent_record(user=seller, text_version=current_version())
    enrollment = services.enrollment_start(user=seller)
    services.reference_photo_add(enrollment=enrollment, data=PERFORMER.read_bytes(), actor=seller)
    enrollment = services.liveness_challenge_issue(enrollment=enrollment, actor=seller)
    Enrollment.objects.filter(pk=enrollment.pk).update(challenge_actions=CLIP_ACTIONS)
    frames = [p.read_bytes() for p in sorted((DATA / "video_frames").glob("frame_*.jpg"))[CLIP_START:]]
    with django_capture_on_commit_callbacks(execute=True):
        services.liveness_frames_submit(
            enrollment=enrollment, nonce=enrollment.challenge_nonce, frames=frames, actor=seller
        )
    return seller


def test_a_really_verified_face_is_listed_and_published(
    really_verified, make_profile, make_listing, make_user, tmp_media, django_capture_on_commit_callbacks
):
    from verification.selectors import seller_face_template, seller_is_verified

    seller = really_verified
    assert seller_is_verified(seller)
    make_profile(seller)
    with django_capture_on_commit_callbacks(execute=True):
        photo = portfolio_photo_add(user=seller, data=PERFORMER.read_bytes())
    with pytest.raises(ValidationError) as info:
        portfolio_photo_add(user=seller, data=SOMEONE_ELSE.read_bytes())
    assert "does not match your verified face" in info.value.messages[0]

    listing = listing_publish(listing=make_listing(seller, cover_photo=photo), actor=seller)
    assert listing.status == ListingStatus.PUBLISHED
    assert listing.seller_verified_at == seller_face_template(seller).created_at

    stranger = make_user("not_verified", "seller")
    with pytest.raises(TransitionRefused):
        listing_publish(listing=make_listing(stranger), actor=stranger)
