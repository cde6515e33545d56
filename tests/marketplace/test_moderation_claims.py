""" "This is my face" with the real verification flow: the real person's claim hides the listing at once,
someone else's claim changes nothing. Real photos, the real clip, the offline engines."""

from __future__ import annotations

import pytest

from listings.selectors.catalogue import catalogue_base
from listings.state import ListingStatus
from marketplace.models import ModerationCase
from marketplace.moderation.state import CaseSource, ClaimStatus, Severity
from marketplace.services import face_claim_decide, face_claim_start, moderation_cases_sync_from_verification
from tests.verification.conftest import (  # noqa: F401  (fixtures)
    CLIP_PERSON_PHOTO,
    clip_frames,
    decisions_inline,
    enroll,
    photo,
)

pytestmark = [pytest.mark.django_db, pytest.mark.faces]


@pytest.fixture
def listed_face(published_listing, photo):  # noqa: F811
    """The listing's seller holds a verified template of the clip's person (a stolen face, say)."""
    from verification.engine_registry import get_face_engine
    from verification.models import FaceTemplate
    from verification.photos import photo_embedding
    from verification.services import face_template_enroll

    engine = get_face_engine()
    _clean, embedding = photo_embedding(photo(CLIP_PERSON_PHOTO), engine=engine)
    face_template_enroll(
        kind=FaceTemplate.Kind.SELLER,
        embedding=embedding,
        engine=engine,
        subject_user=published_listing.seller,
    )
    return published_listing


def test_the_real_persons_claim_hides_the_listing_and_opens_an_urgent_case(
    listed_face,
    make_user,
    enroll,  # noqa: F811
):
    claimant = make_user("real_person")  # no role yet: claiming gives the verification flow
    claim = face_claim_start(claimant=claimant, listing=listed_face, statement="That is me")
    assert face_claim_decide(claim=claim).status == ClaimStatus.VERIFYING  # nothing decided yet
    enrollment = enroll(claimant)  # the real liveness check with the real clip
    assert enrollment.status == "blocked"  # the face index found the listing seller's face

    claim = face_claim_decide(claim=claim)
    assert claim.status == ClaimStatus.MATCHED
    case = claim.case
    assert case.source == CaseSource.FACE_CLAIM and case.severity == Severity.URGENT
    assert case.evidence["liveness_passed"] and case.evidence["score"] < case.evidence["threshold"]
    listed_face.refresh_from_db()
    assert listed_face.status == ListingStatus.PAUSED
    assert not catalogue_base().filter(pk=listed_face.pk).exists()
    # the claimant's own flag belongs to the claim, not to a second case against the claimant
    assert moderation_cases_sync_from_verification() == 0
    assert ModerationCase.objects.count() == 1


def test_someone_elses_claim_does_not_hide_the_listing(listed_face, make_user, enroll):  # noqa: F811
    claimant = make_user("someone_else")
    claim = face_claim_start(claimant=claimant, listing=listed_face)
    enroll(claimant, photos=("biden.jpg",))  # their photos are not the live face, nor the listed one
    claim = face_claim_decide(claim=claim)
    assert claim.status == ClaimStatus.NOT_MATCHED and claim.case is None
    listed_face.refresh_from_db()
    assert listed_face.status == ListingStatus.PUBLISHED
    assert not ModerationCase.objects.exists()


def test_an_upheld_claim_lets_the_real_person_verify_and_removes_the_thief_from_the_index(
    listed_face,
    make_user,
    moderator,
    enroll,  # noqa: F811
):
    from marketplace.services import moderation_case_act
    from verification.models import FaceMatchFlag, FaceTemplate

    def active_templates(user):  # the real table: seller_is_verified is the listings fixture's stand-in here
        return FaceTemplate.objects.filter(subject_user=user, kind=FaceTemplate.Kind.SELLER, is_active=True)

    claimant = make_user("real_person")
    claim = face_claim_start(claimant=claimant, listing=listed_face, statement="That is me")
    assert enroll(claimant).status == "blocked"  # the index finds the face the seller listed
    case = face_claim_decide(claim=claim).case

    moderation_case_act(case=case, moderator=moderator, action="take_down", reason="stolen face, upheld")

    listed_face.refresh_from_db()
    assert listed_face.status == ListingStatus.TAKEN_DOWN
    assert FaceMatchFlag.objects.get(pk=case.evidence["flag_id"]).status == FaceMatchFlag.Status.DISMISSED
    assert not active_templates(listed_face.seller).exists()  # out of the face index
    # the real person verifies again with the same live face: nobody else holds it now
    assert enroll(claimant).status == "verified"
    assert active_templates(claimant).count() == 1
