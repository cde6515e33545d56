"""Bad input and wrong order of steps: a clear error code, and nothing half-written."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from kernel.transitions import TransitionConflict, TransitionNotAllowed, history, transition
from verification import services
from verification.consent import current_version
from verification.errors import VerificationError
from verification.models import BiometricConsent, Enrollment, LivenessFrame, ReferencePhoto
from verification.state import EnrollmentStatus as S

pytestmark = pytest.mark.django_db


def code_of(call, **kwargs) -> str:
    with pytest.raises(VerificationError) as caught:
        call(**kwargs)
    return caught.value.code


def jpeg(width=64, height=48, color=(120, 80, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG")
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 0, 0)).save(out, "GIF")
    return out.getvalue()


@pytest.fixture
def challenged(started, seller):
    return services.liveness_challenge_issue(enrollment=started, actor=seller)


def frames(n: int = 12) -> list[bytes]:
    return [jpeg()] * n


# -- consent and who may enroll --------------------------------------------------------------------------


def test_buyers_and_moderators_cannot_enroll(buyer, moderator):
    for user in (buyer, moderator):
        assert (
            code_of(services.biometric_consent_record, user=user, text_version=current_version())
            == "not_a_seller"
        )
        assert code_of(services.enrollment_start, user=user) == "not_a_seller"
    assert not BiometricConsent.objects.exists() and not Enrollment.objects.exists()


def test_enrollment_needs_consent_to_the_current_text(seller):
    assert code_of(services.enrollment_start, user=seller) == "consent_required"
    assert (
        code_of(services.biometric_consent_record, user=seller, text_version="1999-01")
        == "consent_version_changed"
    )
    consent = services.biometric_consent_record(user=seller, text_version=current_version())
    assert "biometric" in consent.text and consent.text_version == current_version()
    assert services.biometric_consent_record(user=seller, text_version=current_version()) == consent
    first = services.enrollment_start(user=seller)
    assert services.enrollment_start(user=seller) == first  # one open enrollment at a time


# -- reference photos ------------------------------------------------------------------------------------


@pytest.mark.faces
@pytest.mark.parametrize(
    "data",
    [b"", b"\x89PNG\r\n\x1a\n broken", b"GIF89a not really", b"%PDF-1.4"],
    ids=["empty", "corrupt-png", "fake-gif", "pdf"],
)
def test_bad_photos_are_refused_with_a_code_and_nothing_is_stored(started, seller, data):
    code = code_of(services.reference_photo_add, enrollment=started, data=data, actor=seller)
    assert code and " " not in code
    assert ReferencePhoto.objects.filter(enrollment=started).count() == 1  # only the fixture's photo


@pytest.mark.faces
def test_wrong_image_type_and_faceless_and_crowded_photos(started, seller, photo):
    assert code_of(services.reference_photo_add, enrollment=started, data=gif(), actor=seller)
    faceless = code_of(services.reference_photo_add, enrollment=started, data=jpeg(640, 480), actor=seller)
    crowded = code_of(
        services.reference_photo_add, enrollment=started, data=photo("two_people.jpg"), actor=seller
    )
    assert faceless != crowded
    assert ReferencePhoto.objects.filter(enrollment=started).count() == 1


@pytest.mark.faces
def test_the_same_photo_twice_is_refused(started, seller, photo):
    from .conftest import CLIP_PERSON_PHOTO

    assert (
        code_of(services.reference_photo_add, enrollment=started, data=photo(CLIP_PERSON_PHOTO), actor=seller)
        == "duplicate_photo"
    )


def test_challenge_needs_a_reference_photo(seller):
    services.biometric_consent_record(user=seller, text_version=current_version())
    enrollment = services.enrollment_start(user=seller)
    assert code_of(services.liveness_challenge_issue, enrollment=enrollment, actor=seller) == "too_few_photos"
    assert Enrollment.objects.get(pk=enrollment.pk).status == S.PHOTOS


# -- the challenge and the frames ------------------------------------------------------------------------


def test_challenge_is_random_expiring_and_single_use(challenged, seller):
    assert challenged.status == S.CHALLENGE_ISSUED
    assert len(challenged.challenge_actions) == 3 and len(set(challenged.challenge_actions)) == 3
    assert len(challenged.challenge_nonce) >= 40
    assert challenged.challenge_expires_at > timezone.now()
    again = services.liveness_challenge_issue(enrollment=challenged, actor=seller)
    assert again.challenge_nonce != challenged.challenge_nonce  # a new challenge replaces the old


def test_expired_challenge_is_refused_and_nothing_is_written(challenged, seller):
    past = timezone.now() - timedelta(seconds=1)
    Enrollment.objects.filter(pk=challenged.pk).update(challenge_expires_at=past)
    code = code_of(
        services.liveness_frames_submit,
        enrollment=challenged,
        nonce=challenged.challenge_nonce,
        frames=frames(),
        actor=seller,
    )
    assert code == "challenge_expired"
    assert not LivenessFrame.objects.exists()
    assert Enrollment.objects.get(pk=challenged.pk).status == S.CHALLENGE_ISSUED


def test_replayed_nonce_is_refused(challenged, seller, monkeypatch):
    from verification import tasks

    queued = []
    monkeypatch.setattr(tasks.enrollment_decide_task, "delay", queued.append)
    services.liveness_frames_submit(
        enrollment=challenged, nonce=challenged.challenge_nonce, frames=frames(), actor=seller
    )
    code = code_of(
        services.liveness_frames_submit,
        enrollment=challenged,
        nonce=challenged.challenge_nonce,
        frames=frames(),
        actor=seller,
    )
    assert code == "challenge_used"
    assert LivenessFrame.objects.filter(enrollment=challenged).count() == 12


def test_old_or_forged_nonce_is_refused(challenged, seller):
    old = challenged.challenge_nonce
    services.liveness_challenge_issue(enrollment=challenged, actor=seller)
    for nonce in (old, "forged", ""):
        code = code_of(
            services.liveness_frames_submit, enrollment=challenged, nonce=nonce, frames=frames(), actor=seller
        )
        assert code == "nonce_mismatch"
    assert not LivenessFrame.objects.exists()


@pytest.mark.parametrize(
    ("frame_list", "expected"),
    [
        (frames(61), "too_many_frames"),
        (frames(3), "too_few_frames"),
        (frames(11) + [b"\xff\xd8\xff garbage"], "frame_not_jpeg"),
        (frames(11) + [gif()], "frame_not_jpeg"),
        (frames(11) + [jpeg(2000, 1200)], "frame_too_large"),
        (frames(11) + [b"\xff\xd8\xff" + b"0" * 700_000], "frame_too_large"),
    ],
    ids=["too-many", "too-few", "corrupt", "gif", "too-many-pixels", "too-many-bytes"],
)
def test_bad_frames_are_refused_and_none_is_stored(challenged, seller, frame_list, expected):
    code = code_of(
        services.liveness_frames_submit,
        enrollment=challenged,
        nonce=challenged.challenge_nonce,
        frames=frame_list,
        actor=seller,
    )
    assert code == expected
    assert not LivenessFrame.objects.exists()
    assert Enrollment.objects.get(pk=challenged.pk).status == S.CHALLENGE_ISSUED


def test_frames_before_a_challenge_are_refused(started, seller):
    code = code_of(
        services.liveness_frames_submit, enrollment=started, nonce="x", frames=frames(), actor=seller
    )
    assert code == "wrong_step"


# -- the state machine -----------------------------------------------------------------------------------


def test_transitions_are_conditional_and_leave_history(started):
    stale = Enrollment.objects.get(pk=started.pk)
    transition(started, to=S.EXPIRED, reason="test")
    with pytest.raises(TransitionConflict):  # the row moved on: the stale copy loses
        transition(stale, to=S.CHALLENGE_ISSUED)
    assert Enrollment.objects.get(pk=started.pk).status == S.EXPIRED
    with pytest.raises(TransitionNotAllowed):
        transition(started, to=S.VERIFIED)
    moves = history(started).values_list("from_status", "to_status")
    assert list(moves) == [("", S.PHOTOS), (S.PHOTOS, S.EXPIRED)]


def test_services_refuse_an_actor_who_does_not_own_the_enrollment(started, make_user):
    other = make_user("other_seller", "seller")
    assert code_of(services.liveness_challenge_issue, enrollment=started, actor=other) == "not_found"
    assert code_of(services.reference_photo_add, enrollment=started, data=jpeg(), actor=other) == "not_found"
    assert (
        code_of(services.liveness_frames_submit, enrollment=started, nonce="x", frames=frames(), actor=other)
        == "not_found"
    )
    assert Enrollment.objects.get(pk=started.pk).status == S.PHOTOS
