"""Demo data for the one-machine run (DEBUG only): accounts, a verified face, listings, a protected face.

The demo seller is verified by the real verification flow (consent, reference photo, liveness
decision by the offline engines, face-index search) on the clip shipped with the tests. The clip is
a recording, so the demo sets the challenge to the motion the clip contains; a real session gets a
random challenge and a live camera. Other demo sellers stay unverified, so their listings are
drafts until they verify on the webcam page.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from kernel.roles import Role
from listings.demo import demo_listings_create
from marketplace.services import user_role_grant
from verification import services as verification
from verification.consent import current_version
from verification.models import Enrollment, ProtectedPerson
from verification.selectors import seller_is_verified

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105  (printed to the operator; refused outside DEBUG)
DEMO_ACCOUNTS = (
    ("demo_seller", Role.SELLER),
    ("demo_seller_unverified", Role.SELLER),
    ("demo_buyer", Role.BUYER),
    ("demo_moderator", Role.MODERATOR),
)
FACES = Path(__file__).resolve().parents[1] / "tests" / "data" / "faces"
CLIP_FRAMES_FROM = 5  # the performer faces the camera from this frame on
CLIP_ACTIONS = ["turn_right", "turn_left", "turn_right"]  # what the recorded clip actually does
PERFORMER_PHOTO = FACES / "people" / "lin_manuel_miranda.jpg"
PROTECTED_PHOTO = FACES / "people" / "obama.jpg"


class DemoRefused(RuntimeError):
    pass


@transaction.atomic
def demo_accounts_ensure() -> dict[str, object]:
    """Create (or reset) the demo accounts. Returns users by username."""
    if not settings.DEBUG:
        raise DemoRefused("Demo accounts have known passwords: they are only created with DEBUG on.")
    User = get_user_model()
    users = {}
    for username, role in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(
            **{User.USERNAME_FIELD: demo_login(username)}, defaults=_demo_fields(username)
        )
        user.set_password(DEMO_PASSWORD)
        user.is_staff = role == Role.MODERATOR  # moderators work in the staff pages
        user.save()
        user_role_grant(user=user, role=role)
        users[username] = user
    return users


def demo_login(name: str) -> str:
    """What a demo person logs in with: the name, or an e-mail where the user model logs in by e-mail."""
    User = get_user_model()
    email = f"{name}@example.test"
    return email if User.USERNAME_FIELD == User.get_email_field_name() else name


def _demo_fields(name: str) -> dict:
    User = get_user_model()
    return (
        {}
        if User.USERNAME_FIELD == User.get_email_field_name()
        else {User.get_email_field_name(): f"{name}@example.test"}
    )


def demo_seller_verify(seller) -> bool:
    """Run the real enrollment for ``seller`` on the shipped clip (see the module docstring)."""
    if seller_is_verified(seller):
        return True
    verification.biometric_consent_record(user=seller, text_version=current_version())
    enrollment = verification.enrollment_start(user=seller)
    verification.reference_photo_add(enrollment=enrollment, data=PERFORMER_PHOTO.read_bytes(), actor=seller)
    enrollment = verification.liveness_challenge_issue(enrollment=enrollment, actor=seller)
    Enrollment.objects.filter(pk=enrollment.pk).update(challenge_actions=CLIP_ACTIONS)
    frames = [p.read_bytes() for p in sorted((FACES / "video_frames").glob("frame_*.jpg"))[CLIP_FRAMES_FROM:]]
    verification.liveness_frames_submit(
        enrollment=enrollment, nonce=enrollment.challenge_nonce, frames=frames, actor=seller
    )
    verification.enrollment_decide(enrollment_id=enrollment.pk)  # no-op if the task already decided
    return seller_is_verified(seller)


def demo_protected_person_ensure() -> ProtectedPerson:
    person = ProtectedPerson.objects.filter(name="Barack Obama").first()
    if person is None:
        person = verification.protected_person_add(
            name="Barack Obama", reason=ProtectedPerson.Reason.PUBLIC_FIGURE, notes="Demo: public figure"
        )
        verification.protected_face_add(person=person, data=PROTECTED_PHOTO.read_bytes())
    return person


def demo_load() -> dict:
    """Everything the demo needs; safe to run again."""
    users = demo_accounts_ensure()
    seller, unverified = users["demo_seller"], users["demo_seller_unverified"]
    verified = demo_seller_verify(seller)
    # one call each: the verified seller offers every tier; the other's listings wait as drafts
    listings = demo_listings_create(sellers=[seller], photos={seller.pk: [PERFORMER_PHOTO.read_bytes()]})
    listings += demo_listings_create(sellers=[unverified])
    demo_protected_person_ensure()
    return {
        "logins": [(demo_login(name), DEMO_PASSWORD, role.value) for name, role in DEMO_ACCOUNTS],
        "seller_verified": verified,
        "listings": len(listings),
        "published": sum(1 for listing in listings if listing.status == "published"),
    }
