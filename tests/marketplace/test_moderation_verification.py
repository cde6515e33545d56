"""Moderation closes the loop with verification: a decided face-index case closes its flag, and "ask for
re-verification" ends the seller's verification so they must (and can) verify again before selling."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import timezone

from kernel.transitions import history
from listings.errors import TransitionRefused
from listings.selectors.catalogue import catalogue_base
from listings.services import listing_publish
from listings.state import ListingStatus
from marketplace.models import AuditLogEntry, ModerationCase, Notification
from marketplace.moderation.state import CaseAction, CaseSource, CaseStatus
from marketplace.services import (
    moderation_case_act,
    moderation_cases_sync_from_verification,
    moderation_report_file,
)
from verification.consent import current_version
from verification.errors import VerificationError
from verification.models import Enrollment, FaceMatchFlag, FaceTemplate
from verification.selectors import seller_face_template, seller_is_verified
from verification.services import (
    biometric_consent_record,
    enrollment_start,
    face_match_flag_resolve,
    face_template_enroll,
    reverification_require,
)
from verification.state import EnrollmentStatus

from .moderation_helpers import face_match_flag

pytestmark = pytest.mark.django_db


class FakeEngine:
    """Just what face_template_enroll needs (the real engines are tested in tests/verification)."""

    engine_id, model_hash, metric, dimensions = "test-engine", "h1", "euclidean", 16


def really_verified(user) -> Enrollment:
    """A seller as verification leaves them after a passed check: consent, verified enrollment, template."""
    consent = biometric_consent_record(user=user, text_version=current_version())
    enrollment = Enrollment.objects.create(
        user=user, consent=consent, status=EnrollmentStatus.VERIFIED, decided_at=timezone.now()
    )
    vector = np.random.default_rng(user.pk).standard_normal(16).astype(np.float32)
    face_template_enroll(
        kind=FaceTemplate.Kind.SELLER,
        embedding=vector / np.linalg.norm(vector),
        engine=FakeEngine(),
        subject_user=user,
        source_enrollment=enrollment,
    )
    return enrollment


def flag_case(subject, matched) -> tuple[FaceMatchFlag, ModerationCase]:
    flag = face_match_flag(subject=subject, matched=matched)
    moderation_cases_sync_from_verification()
    return flag, ModerationCase.objects.get(source=CaseSource.FACE_INDEX, source_ref=f"flag:{flag.pk}")


def test_a_dismissed_face_index_case_dismisses_its_flag_and_the_subject_may_verify_again(
    make_user, moderator
):
    subject, matched = make_user("lookalike", "seller"), make_user("original", "seller")
    flag, case = flag_case(subject, matched)
    biometric_consent_record(user=subject, text_version=current_version())
    with pytest.raises(VerificationError, match="under_review"):
        enrollment_start(user=subject)

    moderation_case_act(case=case, moderator=moderator, action=CaseAction.DISMISS, reason="twins, both real")
    flag.refresh_from_db()
    assert (flag.status, flag.reviewed_by, flag.review_note) == ("dismissed", moderator, "twins, both real")
    assert flag.reviewed_at is not None
    assert AuditLogEntry.objects.filter(action="flag.dismissed", case=case, subject_ref=str(flag.pk)).exists()
    assert enrollment_start(user=subject).status == EnrollmentStatus.PHOTOS


def test_a_takedown_confirms_the_flag_once_and_reverify_leaves_it_open(
    published_listing, make_user, moderator
):
    thief = published_listing.seller
    flag, case = flag_case(thief, make_user("original", "seller"))
    assert case.listing_id == published_listing.pk
    moderation_case_act(case=case, moderator=moderator, action=CaseAction.REVERIFY, reason="prove it")
    flag.refresh_from_db()
    assert flag.status == FaceMatchFlag.Status.OPEN  # not a decision: the case stays in the queue

    moderation_case_act(case=case, moderator=moderator, action=CaseAction.TAKE_DOWN, reason="stolen face")
    moderation_case_act(case=case, moderator=moderator, action=CaseAction.BAN, reason="second offence")
    flag.refresh_from_db()
    assert flag.status == FaceMatchFlag.Status.CONFIRMED and flag.review_note == "stolen face"
    assert AuditLogEntry.objects.filter(action="flag.confirmed").count() == 1
    # the first decision stands: a later or repeated call changes nothing
    assert not face_match_flag_resolve(flag_id=flag.pk, outcome="dismissed", actor=moderator)
    assert not face_match_flag_resolve(flag_id=flag.pk + 1000, outcome="confirmed")
    flag.refresh_from_db()
    assert flag.status == FaceMatchFlag.Status.CONFIRMED


def test_flag_resolve_refuses_unknown_outcomes_and_non_moderators(make_user, buyer):
    flag = face_match_flag(subject=make_user("a", "seller"), matched=make_user("b", "seller"))
    with pytest.raises(ValueError):
        face_match_flag_resolve(flag_id=flag.pk, outcome="deleted")
    with pytest.raises(VerificationError) as refused:
        face_match_flag_resolve(flag_id=flag.pk, outcome="dismissed", actor=buyer)
    assert refused.value.status == 403
    flag.refresh_from_db()
    assert flag.status == FaceMatchFlag.Status.OPEN


def test_reverification_ends_the_verification_and_the_listing_waits_for_a_new_one(
    make_user, make_listing, moderator, buyer
):
    seller = make_user("actor_a", "seller")
    first = really_verified(seller)
    listing = listing_publish(listing=make_listing(seller), actor=seller)
    assert seller_is_verified(seller) and catalogue_base().filter(pk=listing.pk).exists()
    with pytest.raises(VerificationError, match="already_verified"):
        enrollment_start(user=seller)

    case = moderation_report_file(reporter=buyer, listing=listing, reason="stolen_face")
    case = moderation_case_act(
        case=case, moderator=moderator, action=CaseAction.REVERIFY, reason="The photos look edited"
    )
    assert case.status == CaseStatus.REVERIFY
    first.refresh_from_db()
    listing.refresh_from_db()
    assert first.status == EnrollmentStatus.REVERIFY
    assert history(first).filter(to_status=EnrollmentStatus.REVERIFY, actor=moderator).exists()
    assert not seller_is_verified(seller) and seller_face_template(seller) is None
    assert not FaceTemplate.objects.filter(subject_user=seller, is_active=True).exists()
    assert listing.status == ListingStatus.PAUSED and not catalogue_base().filter(pk=listing.pk).exists()
    assert Notification.objects.filter(user=seller, kind="moderation_reverify").exists()
    assert AuditLogEntry.objects.filter(action="seller.reverify", case=case).get().after == {
        "verified_enrollments": 0
    }

    with pytest.raises(TransitionRefused) as refused:
        listing_publish(listing=listing, actor=seller)
    assert refused.value.code == "seller_not_verified"
    # the seller may start a new verification now (their consent still stands)
    second = enrollment_start(user=seller)
    assert second.pk != first.pk and second.status == EnrollmentStatus.PHOTOS
    assert reverification_require(user=seller, reason="again", actor=moderator) == 0  # nothing more to undo

    # verified again (the real decision is tested in tests/verification): still held until a moderator says
    Enrollment.objects.filter(pk=second.pk).update(
        status=EnrollmentStatus.VERIFIED, decided_at=timezone.now()
    )
    assert seller_is_verified(seller)
    with pytest.raises(TransitionRefused) as refused:
        listing_publish(listing=listing, actor=seller)
    assert refused.value.code == "held_for_review"
    moderation_case_act(case=case, moderator=moderator, action=CaseAction.DISMISS, reason="verified again")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED and catalogue_base().filter(pk=listing.pk).exists()


def test_only_moderators_require_reverification(make_user, buyer):
    seller = make_user("actor_b", "seller")
    really_verified(seller)
    with pytest.raises(VerificationError) as refused:
        reverification_require(user=seller, reason="x", actor=buyer)
    assert refused.value.status == 403
    with pytest.raises(VerificationError, match="reason_required"):
        reverification_require(user=seller, reason=" ", actor=None)
    assert seller_is_verified(seller)


def test_a_reversed_takedown_dismisses_the_confirmed_flag(published_listing, make_user, moderator):
    from marketplace.services import appeal_decide, appeal_file

    seller = published_listing.seller
    flag, case = flag_case(seller, make_user("original", "seller"))
    moderation_case_act(case=case, moderator=moderator, action=CaseAction.TAKE_DOWN, reason="stolen face")
    flag.refresh_from_db()
    assert flag.status == FaceMatchFlag.Status.CONFIRMED

    appeal = appeal_file(case=case, seller=seller, statement="It is my own face: my twin enrolled first")
    other = make_user("moderator_two", "moderator")
    appeal_decide(appeal=appeal, moderator=other, reverse=True, reason="twins, both real")
    flag.refresh_from_db()
    assert (flag.status, flag.reviewed_by, flag.review_note) == ("dismissed", other, "twins, both real")
    assert AuditLogEntry.objects.filter(action="flag.dismissed", case=case).count() == 1
    published_listing.refresh_from_db()
    assert published_listing.status == ListingStatus.PUBLISHED
